"""Bench: the database goes away under load, and comes back.

Runs the portal under gunicorn (2 workers, DEBUG off) against a throwaway
PostgreSQL cluster of its own (PGDATA /tmp/pgload, port 55432: created with
initdb and started if need be; never the machine's server), with 10 users
logged in and working (report list, section saves, /healthz). After a few
seconds it stops that cluster (`pg_ctl stop -m fast`), keeps it down for
--outage seconds, starts it again, and checks:

- during the outage every answer is a clean failure: 500 with the Vietnamese
  error page (templates/500.html) and no traceback in the body, or 503 from
  /healthz; no connection refused or reset by the server;
- after the restart, without touching gunicorn, every kind of request
  answers normally again within --recover seconds, and keeps doing so.

    .venv/bin/python -m bench.faults [--outage 5] [--recover 10]
"""

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from bench._common import fail, fresh_database, migrate, say, setup_django, table
from bench.load import ERROR_PAGE_MARK, SHARED_REPORTS, VERSION_INPUT, Server, Stats, User

PGDATA = Path("/tmp/pgload")
PORT = 55432
URL = f"postgres://postgres@127.0.0.1:{PORT}/portal_bench_faults"
USERS = SHARED_REPORTS + 10  # build_data's minimum; 10 of them work


def _bin(name):
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(found[-1]) if found else shutil.which(name)


def pg(*args, check=True):
    """Run a PostgreSQL tool on the throwaway cluster, as postgres when root."""
    command = [_bin(args[0]), *args[1:]]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    return subprocess.run(command, check=check, capture_output=True, text=True)


def pg_ctl(action):
    options = f"-p {PORT} -k /tmp -c listen_addresses=127.0.0.1"
    args = ["pg_ctl", "-D", str(PGDATA), "-w", "-t", "60", action]
    if action in ("start", "restart"):
        args += ["-o", options, "-l", "/tmp/pgload.log"]
    if action in ("stop", "restart"):
        args += ["-m", "fast"]
    return pg(*args)


def ensure_cluster():
    """Create and start the throwaway cluster if needed; True if started here."""
    if not _bin("initdb"):
        raise SystemExit("no initdb: install PostgreSQL's server binaries")
    if not (PGDATA / "PG_VERSION").exists():
        PGDATA.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(PGDATA, "postgres", "postgres")
        pg("initdb", "-D", str(PGDATA), "-U", "postgres", "--auth=trust")
    if pg("pg_ctl", "-D", str(PGDATA), "status", check=False).returncode == 0:
        return False
    pg_ctl("start")
    return True


class Probe(User):
    """A user who records, for every answer, when it came and what it was."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seen = []  # (time, kind, status or exception name, clean error page?)

    def call(self, kind, method, path, data=None, ok=(200,)):
        import http.client

        from bench.load import request

        headers = {}
        if method == "POST" and "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        try:
            # /healthz as a load balancer asks it: without the session cookie.
            cookies = None if kind == "healthz" else self.cookies
            status, _h, body = request(
                self.port, method, path, data, cookies=cookies, headers=headers, timeout=30
            )
        except (OSError, http.client.HTTPException) as e:
            self.seen.append((time.monotonic(), kind, type(e).__name__, False))
            return None, ""
        clean = (status == 500 and ERROR_PAGE_MARK in body and "Traceback" not in body) or (
            status == 503 and kind == "healthz"
        )
        self.seen.append((time.monotonic(), kind, status, clean))
        return status, body

    def loop(self, stop):
        section = self.sections[0]
        while not stop.is_set():
            self.call("report list", "GET", "/reports/")
            status, body = self.call(
                "section save",
                "POST",
                f"/reports/{self.report_pk}/sections/{section}/",
                {"text": f"{self.username} {time.monotonic()}", "version": self.versions[section]},
            )
            version = VERSION_INPUT.search(body or "")
            if status in (200, 409) and version:
                self.versions[section] = int(version[1])
            self.call("healthz", "GET", "/healthz")
            time.sleep(0.2)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outage", type=float, default=5, help="seconds the database is down")
    parser.add_argument("--recover", type=float, default=10, help="allowed recovery time")
    parser.add_argument("--before", type=float, default=5, help="load before the outage")
    parser.add_argument("--after", type=float, default=10, help="load after the restart")
    args = parser.parse_args(argv)

    started_here = ensure_cluster()
    server = None
    try:
        fresh_database(URL)
        setup_django(URL)
        migrate()
        from bench.load import build_data

        _round, assignment, sections, indicators = build_data(USERS)
        from django.db import connection

        connection.close()
        server = Server(URL, "/tmp/bench-faults-gunicorn.log")
        say(f"gunicorn on 127.0.0.1:{server.port}, PostgreSQL cluster {PGDATA} on {PORT}")
        probes = [
            Probe(server.port, Stats(), {}, user.username, report.pk, sections, indicators, None)
            for user, report in assignment[: USERS - SHARED_REPORTS][:10]
        ]
        for probe in probes:
            if not probe.login():
                raise SystemExit(f"{probe.username} could not log in")
        phases = {}
        stop = threading.Event()
        threads = [threading.Thread(target=p.loop, args=(stop,)) for p in probes]
        for t in threads:
            t.start()
        time.sleep(args.before)
        phases["stop"] = time.monotonic()
        pg_ctl("stop")
        phases["down"] = time.monotonic()
        say(f"PostgreSQL stopped ({phases['down'] - phases['stop']:.1f} s); down {args.outage} s")
        time.sleep(args.outage)
        phases["start"] = time.monotonic()
        pg_ctl("start")
        phases["up"] = time.monotonic()
        say(f"PostgreSQL started again ({phases['up'] - phases['start']:.1f} s)")
        time.sleep(args.recover + args.after)
        stop.set()
        until = time.monotonic()
        for t in threads:
            t.join()
    finally:
        if server is not None:
            server.stop()
        if pg("pg_ctl", "-D", str(PGDATA), "status", check=False).returncode != 0:
            pg_ctl("start")  # never leave the throwaway cluster down mid-way
        if started_here:
            pg_ctl("stop")

    seen = sorted(s for p in probes for s in p.seen)
    windows = {
        "before": (0.0, phases["stop"]),
        "outage": (phases["stop"], phases["up"]),
        "after": (phases["up"], until + 1),
    }
    counts = defaultdict(lambda: defaultdict(int))
    unclean = []
    for when, kind, status, clean in seen:
        phase = next(name for name, (a, b) in windows.items() if a <= when < b)
        counts[phase][status if isinstance(status, int) else "exception"] += 1
        normal = status in (200, 302)  # 302: the logins
        if phase == "before" and not normal:
            unclean.append(f"before the outage: {kind} → {status}")
        if phase != "before" and not normal and not clean:
            unclean.append(f"{phase}: {kind} → {status} (not the clean error page)")
    after_bad = [s for s in seen if s[0] >= phases["up"] and s[2] not in (200, 302)]
    recovery = (max(s[0] for s in after_bad) - phases["up"]) if after_bad else 0.0
    rows = [
        [phase, sum(c.values()), ", ".join(f"{k}: {v}" for k, v in sorted(c.items(), key=str))]
        for phase, c in ((p, counts[p]) for p in windows)
    ]
    say()
    say(table(["phase", "answers", "statuses"], rows))
    failures_outage = counts["outage"].get(500, 0) + counts["outage"].get(503, 0)
    say(f"clean failures during the outage (500 Vietnamese page / 503 healthz): {failures_outage}")
    say(f"last failed answer {recovery:.1f} s after PostgreSQL was back (allowed {args.recover} s)")
    say(f"tracebacks in gunicorn's log (logged, not shown): {server.tracebacks()}")
    for line in unclean[:10]:
        say(f"  {line}")
    problems = list(unclean)
    if not failures_outage:
        problems.append("no request failed during the outage: was the database really down?")
    if recovery > args.recover:
        problems.append(f"recovery took {recovery:.1f} s")
    if not counts["after"].get(200):
        problems.append("no normal answer after the restart")
    if problems:
        fail("; ".join(problems[:3]))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
