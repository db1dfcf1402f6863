"""What every bench shares: a fresh PostgreSQL database, Django pointed at it,
timing helpers and a plain-text table.

A bench is a module `bench/<name>.py` with a `main()` that returns an exit
code; modules whose name starts with "_" are helpers, not benches.
"""

import gc
import os
import statistics
import sys
import time
from contextlib import contextmanager

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"


def database_url(name=None):
    """The bench database's URL: BENCH_DATABASE_URL, else the local server;
    `name` replaces the database name."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    if name:
        url = url.rsplit("/", 1)[0] + "/" + name
    return url


def _admin(url):
    """(database name, autocommit psycopg2 connection to the server's
    `postgres` database) for `url`."""
    import environ
    import psycopg2

    config = environ.Env.db_url_config(url)
    admin = psycopg2.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
    )
    admin.autocommit = True
    return config["NAME"], admin


def database_exists(url):
    name, admin = _admin(url)
    try:
        with admin.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        admin.close()


def fresh_database(url):
    """Drop and re-create the database at `url` (psycopg2, no Django yet).

    Refuses any database whose name does not contain "bench": this drops it.
    """
    from psycopg2 import sql

    name, admin = _admin(url)
    try:
        if "bench" not in name:
            raise SystemExit(f"Refusing to drop {name!r}: its name lacks 'bench'.")
        with admin.cursor() as cursor:
            ident = sql.Identifier(name)
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
            cursor.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(ident)
            )
    finally:
        admin.close()


def setup_django(url):
    """Point Django at `url` and set it up; must run before any model import."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    if not os.environ.get("SECRET_KEY"):
        os.environ.setdefault("DEBUG", "1")  # the developer settings, as `make bench` sets
    import django

    django.setup()


def migrate():
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


class Stopwatch:
    """Named steps and their wall-clock durations, printed as they end."""

    def __init__(self):
        self.steps = {}

    @contextmanager
    def step(self, name):
        say(f"  {name} …")
        start = time.perf_counter()
        yield
        self.steps[name] = time.perf_counter() - start
        say(f"  {name}: {self.steps[name]:.1f} s")


def median_times(functions, repeat=7, warmup=1):
    """Median wall-clock seconds of each function, by name.

    The functions run interleaved (a, b, a, b, …) so that a noisy neighbour
    slows all of them alike; the first `warmup` rounds are not counted.
    """
    times = {name: [] for name in functions}
    for round_ in range(warmup + repeat):
        for name, function in functions.items():
            gc.collect()
            start = time.perf_counter()
            function()
            elapsed = time.perf_counter() - start
            if round_ >= warmup:
                times[name].append(elapsed)
    return {name: statistics.median(values) for name, values in times.items()}, times


def table(headers, rows):
    """A plain-text table, columns right-aligned except the first."""
    cells = [list(map(str, headers)), *[list(map(str, row)) for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        first = row[0].ljust(widths[0])
        rest = (cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True))
        return "  ".join([first, *rest])

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def say(text=""):
    print(text, flush=True)


def fail(text):
    print(f"FAIL: {text}", file=sys.stderr, flush=True)
