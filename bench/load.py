"""Bench: no lost work under load.

Starts the portal under gunicorn (2 sync workers, DEBUG off, plain http) on
a fresh PostgreSQL database with the demo and a bench round of 40 reports,
then 50 simulated district users, for 60 s: each logs in (CSRF token from the
login page), then autosaves section texts (tracking the version each answer
gives back; a 409 is a conflict: the user takes the current version and goes
on), saves indicator cells and now and then reads the roll-up. 30 reports
have one user, 10 are shared by two users who write the same few sections, so
that conflicts happen. At the end each report's first user fills what is
missing, submits it and reads the roll-up.

Then, in the database: every acknowledged section save is in the section's
history with its text; the stored text is the last acknowledged save's and
its version the number of acknowledged saves (no two saves acknowledged with
the same version: no overwrite without a conflict answer); every cell holds
the last value acknowledged for it; every report is submitted once.

The same 50 threads then GET the login page (a page of the portal that needs
no database) for a shorter time: the baseline, and the ratio of p95s.

    .venv/bin/python -m bench.load [--seconds 60] [--users 50] [--think 0.5]

Exit 1 on any error (an answer other than 2xx/3xx as expected, or 409 for a
section save), any lost save or any traceback in the server's log.
"""

import argparse
import http.client
import itertools
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path

from bench._common import database_url, fail, fresh_database, migrate, say, setup_django, table

DATABASE = "portal_bench_load"
ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-load-" + "x" * 12
ROUND_TITLE = "Bench: tải đồng thời"
ROUND_YEAR = 2021
SHARED_REPORTS = 10  # reports written by two users at once
SHARED_SECTIONS = 3  # the sections the two users of a shared report both write
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_INPUT = re.compile(r'name="version" value="(\d+)"')
ERROR_PAGE_MARK = "Lỗi máy chủ"  # the heading of templates/500.html in Vietnamese


# --- the data ---------------------------------------------------------------------------


def build_data(n_users):
    """The demo, a bench round of one report per unit for n_users - SHARED
    units, and n_users users (reporter and approver of their unit)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from portal.management.commands.load_demo import load_demo_data
    from portal.models import Membership, ReportingUnit, Role, UnitKind
    from reports.models import Report, ReportingRound
    from reports.rounds import RoundSpec, open_round
    from reports.workflow import indicator_codes

    load_demo_data()
    demo_round = ReportingRound.objects.filter(year=2020).select_related("template").first()
    template = demo_round.template
    province = ReportingUnit.objects.get(code="87", valid_from=None)
    n_reports = n_users - SHARED_REPORTS
    units = list(
        province.get_descendants()
        .filter(kind__in=[UnitKind.DISTRICT, UnitKind.COMMUNE], valid_from=None)
        .order_by("path")[:n_reports]
    )
    if len(units) < n_reports:
        raise SystemExit(f"only {len(units)} units under Đồng Tháp, {n_reports} needed")
    round_ = open_round(
        RoundSpec(
            title=ROUND_TITLE,
            template=template,
            issuing_unit=province,
            year=ROUND_YEAR,
            units=units,
            deadlines={kind: dt.date(ROUND_YEAR, 11, 25) for kind in {u.kind for u in units}},
        )
    )
    reports = list(
        Report.objects.filter(round=round_).select_related("unit").order_by("unit__path")
    )
    User = get_user_model()
    password = make_password(PASSWORD)  # one hash for all: 50 PBKDF2 runs cost seconds
    users = User.objects.bulk_create(
        User(username=f"bench{i:02d}", password=password, first_name=f"Bench {i:02d}")
        for i in range(n_users)
    )
    # Users 0..n_reports-1 own one report each; the last SHARED_REPORTS users
    # share the first SHARED_REPORTS reports with their owners.
    assignment = [(user, reports[i % n_reports]) for i, user in enumerate(users)]
    Membership.objects.bulk_create(
        Membership(user=user, unit=report.unit, role=role)
        for user, report in assignment
        for role in (Role.REPORTER, Role.APPROVER)
    )
    leaves = template.sections.order_by("position", "pk")
    sections = [s.pk for s in leaves if not s.children.exists()]
    from indicators.models import Indicator

    codes = indicator_codes(template)
    indicators = list(Indicator.objects.filter(code__in=codes).values_list("pk", flat=True))
    return round_, assignment, sections, sorted(indicators)


# --- the server --------------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(url):
    """The production settings over plain http on 127.0.0.1."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0",
        DJANGO_SETTINGS_MODULE="portal.settings",
    )
    return env


class Server:
    """gunicorn portal.wsgi -w 2 on a free port; its log in a file."""

    def __init__(self, url, log_path, workers=2):
        self.port = free_port()
        self.log_path = Path(log_path)
        self.log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [
                str(gunicorn),
                "portal.wsgi",
                "-w",
                str(workers),
                "-b",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--backlog",
                "512",
            ],
            cwd=ROOT,
            env=server_env(url),
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited: see {self.log_path}")
            try:
                status, _h, _b = request(self.port, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"gunicorn did not answer /healthz within 60 s: see {self.log_path}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def tracebacks(self):
        return self.log_path.read_text(errors="replace").count("Traceback (most recent call last)")


# --- the client --------------------------------------------------------------------------


def request(port, method, path, data=None, cookies=None, headers=None, timeout=60):
    """One HTTP request on a fresh connection: (status, headers, body text)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        sent = {"Host": "127.0.0.1", **(headers or {})}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        text = response.read().decode("utf-8", errors="replace")
        if cookies is not None:
            for line in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(line).items():
                    cookies[name] = morsel.value
        return response.status, response.headers, text
    finally:
        conn.close()


class Stats:
    """Latencies by kind of request, errors with a sample, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = defaultdict(list)
        self.errors = defaultdict(int)
        self.samples = []
        self.conflicts = 0

    def record(self, kind, seconds):
        with self.lock:
            self.latencies[kind].append(seconds)

    def error(self, kind, what):
        with self.lock:
            self.errors[kind] += 1
            if len(self.samples) < 10:
                self.samples.append(f"{kind}: {what}")

    def all_latencies(self):
        return [x for values in self.latencies.values() for x in values]


def percentiles(values):
    if len(values) < 2:
        return (values[0],) * 3 if values else (0.0, 0.0, 0.0)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return statistics.median(values), cuts[94], cuts[98]


class User:
    """One simulated district user: a session, the versions it knows."""

    sequence = itertools.count()  # global order in which acknowledgements arrive

    def __init__(self, port, stats, acks, username, report_pk, sections, indicators, rng):
        self.port, self.stats, self.acks = port, stats, acks
        self.username, self.report_pk = username, report_pk
        self.sections, self.indicators, self.rng = sections, indicators, rng
        self.cookies = {}
        self.versions = dict.fromkeys(sections, 0)
        self.saves = 0

    def call(self, kind, method, path, data=None, ok=(200,)):
        start = time.perf_counter()
        try:
            headers = {}
            if method == "POST" and "csrftoken" in self.cookies:
                headers["X-CSRFToken"] = self.cookies["csrftoken"]
            status, headers, body = request(
                self.port, method, path, data, cookies=self.cookies, headers=headers
            )
        except (OSError, http.client.HTTPException) as e:
            self.stats.record(kind, time.perf_counter() - start)
            self.stats.error(kind, f"{type(e).__name__}: {e}")
            return None, ""
        self.stats.record(kind, time.perf_counter() - start)
        if status not in ok:
            self.stats.error(kind, f"{method} {path} → {status}")
        return status, body

    def login(self):
        status, body = self.call("login page", "GET", "/accounts/login/")
        token = CSRF_INPUT.search(body or "")
        if status != 200 or not token:
            return False
        status, _body = self.call(
            "login",
            "POST",
            "/accounts/login/",
            {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token[1]},
            ok=(302,),
        )
        return status == 302 and "sessionid" in self.cookies

    def save_section(self, section):
        self.saves += 1
        text = f"{self.username} lưu lần {self.saves}: mục {section}, số {self.rng.random()}"
        status, body = self.call(
            "section save",
            "POST",
            f"/reports/{self.report_pk}/sections/{section}/",
            {"text": text, "version": self.versions[section]},
            ok=(200, 409),
        )
        version = VERSION_INPUT.search(body or "")
        if status == 200 and version:
            self.versions[section] = int(version[1])
            self.acks["sections"].append(
                (next(self.sequence), self.report_pk, section, int(version[1]), text, self.username)
            )
            return True
        if status == 409 and version:
            with self.stats.lock:
                self.stats.conflicts += 1
            self.versions[section] = int(version[1])  # as the page does: the current version
        return False

    def save_cell(self, indicator, value=None):
        value = value or str(self.rng.randint(1, 99_999))
        status, _body = self.call(
            "cell save",
            "POST",
            f"/reports/{self.report_pk}/cells/",
            {"indicator": indicator, "column": "actual", "value": value},
        )
        if status == 200:
            self.acks["cells"].append((next(self.sequence), self.report_pk, indicator, value))

    def read_rollup(self):
        self.call("roll-up", "GET", "/indicators/rollup/")

    def work(self, until, think):
        while time.monotonic() < until:
            roll = self.rng.random()
            if roll < 0.5:
                self.save_section(self.rng.choice(self.sections))
            elif roll < 0.9:
                self.save_cell(self.rng.choice(self.indicators))
            else:
                self.read_rollup()
            if think:
                time.sleep(self.rng.uniform(0, 2 * think))

    def finish(self, all_sections, all_indicators):
        """The owner of a report: every section and cell filled, then submit."""
        self.versions.update({s: self.versions.get(s, 0) for s in all_sections})
        self.sections = all_sections
        for section in all_sections:
            for _attempt in range(3):
                if self.save_section(section):
                    break
        for indicator in all_indicators:
            self.save_cell(indicator)
        self.call("submit", "POST", f"/reports/{self.report_pk}/submit/", {}, ok=(302,))
        self.read_rollup()


def run_users(port, stats, assignment, sections, indicators, seconds, think, seed):
    """The load: every user logs in and works until the deadline; then the
    owners (first user of each report) fill, submit and read the roll-up."""
    acks = {"sections": [], "cells": []}
    owners = {}
    by_report = defaultdict(list)
    for username, report_pk in assignment:
        by_report[report_pk].append(username)
    users = []
    for i, (username, report_pk) in enumerate(assignment):
        sharers = by_report[report_pk]
        rank, n = sharers.index(username), len(sharers)
        own_sections = sections[:SHARED_SECTIONS] if n > 1 else sections
        own_indicators = indicators[rank::n]  # one writer per cell: its last value is checkable
        user = User(
            port,
            stats,
            acks,
            username,
            report_pk,
            own_sections,
            own_indicators,
            random.Random(seed + i),
        )
        users.append(user)
        owners.setdefault(report_pk, user)
    barrier = threading.Barrier(len(users))
    until = time.monotonic() + seconds

    def life(user):
        if user.login():
            user.work(until, think)
        barrier.wait()
        if owners[user.report_pk] is user:
            user.finish(sections, indicators)

    threads = [threading.Thread(target=life, args=(u,)) for u in users]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return acks, time.perf_counter() - start


def run_baseline(port, stats, n_users, seconds, think, seed):
    until = time.monotonic() + seconds

    def life(i):
        rng = random.Random(seed + 1000 + i)
        while time.monotonic() < until:
            start = time.perf_counter()
            try:
                status, _h, _b = request(port, "GET", "/accounts/login/")
            except (OSError, http.client.HTTPException) as e:
                stats.record("login page (baseline)", time.perf_counter() - start)
                stats.error("baseline", f"{type(e).__name__}: {e}")
                continue
            stats.record("login page (baseline)", time.perf_counter() - start)
            if status != 200:
                stats.error("baseline", f"GET /accounts/login/ → {status}")
            if think:
                time.sleep(rng.uniform(0, 2 * think))

    threads = [threading.Thread(target=life, args=(i,)) for i in range(n_users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# --- the check ---------------------------------------------------------------------------


def check(acks, round_, sections, indicators):
    """(lost saves, overwrites without a conflict, problems) from the database."""
    from django.db import connection

    from reports.models import (
        Report,
        ReportStatus,
        ReportValue,
        SectionText,
        StatusChange,
        ValueColumn,
    )

    connection.close()  # a fresh connection: the one of the set-up may be stale
    problems = []
    lost = overwritten = 0
    stored = {
        (t.report_id, t.section_id): (t.text, t.version)
        for t in SectionText.objects.filter(report__round=round_)
    }
    history = set(
        SectionText.history.filter(report__round=round_).values_list(
            "report_id", "section_id", "version", "text"
        )
    )
    by_section = defaultdict(list)
    for seq, report, section, version, text, username in acks["sections"]:
        by_section[(report, section)].append((version, seq, text, username))
        if (report, section, version, text) not in history:
            lost += 1
            problems.append(f"report {report} section {section}: v{version} by {username} missing")
    for key, saves in by_section.items():
        versions = [v for v, *_rest in saves]
        duplicates = len(versions) - len(set(versions))
        if duplicates:
            overwritten += duplicates
            problems.append(f"report {key[0]} section {key[1]}: {duplicates} versions acked twice")
        version, _seq, text, username = max(saves)
        if key not in stored:
            lost += 1
            problems.append(f"report {key[0]} section {key[1]}: no text stored")
            continue
        if stored[key] != (text, len(saves)) or version != len(saves):
            lost += 1
            problems.append(
                f"report {key[0]} section {key[1]}: stored v{stored[key][1]}, "
                f"{len(saves)} saves acknowledged, last v{version} by {username}"
            )
    last_cell = {}
    for _seq, report, indicator, value in sorted(acks["cells"]):
        last_cell[(report, indicator)] = value
    # A figure belongs to the report that states it: each report's own actuals.
    values = {
        (report, indicator): text
        for report, indicator, text in ReportValue.objects.filter(
            report__round=round_, column=ValueColumn.ACTUAL
        ).values_list("report_id", "indicator_id", "text")
    }
    for (report, indicator), value in last_cell.items():
        if values.get((report, indicator)) != value:
            lost += 1
            problems.append(f"report {report} indicator {indicator}: {value!r} not stored")
    reports = Report.objects.filter(round=round_)
    not_submitted = reports.exclude(status=ReportStatus.SUBMITTED).count()
    half = reports.filter(status=ReportStatus.SUBMITTED, submitted_at__isnull=True).count()
    changes = StatusChange.objects.filter(report__round=round_, to_status=ReportStatus.SUBMITTED)
    if not_submitted or half or changes.count() != reports.count():
        problems.append(
            f"submissions: {not_submitted} reports not submitted, {half} without a date, "
            f"{changes.count()} status changes for {reports.count()} reports"
        )
    return lost, overwritten, problems, len(by_section), len(last_cell)


# --- the run -----------------------------------------------------------------------------


def summary_rows(stats, kinds=None):
    rows = []
    kinds = kinds or sorted(stats.latencies)
    for kind in kinds:
        values = stats.latencies[kind]
        p50, p95, p99 = percentiles(values)
        rows.append(
            [kind, len(values), stats.errors.get(kind, 0)]
            + [f"{x * 1000:.0f}" for x in (p50, p95, p99)]
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the load (60)")
    parser.add_argument("--baseline-seconds", type=float, default=None, help="(seconds / 3)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--think", type=float, default=0.5, help="mean pause between requests")
    parser.add_argument("--seed", type=int, default=20261123)
    args = parser.parse_args(argv)
    if args.users <= SHARED_REPORTS:
        parser.error(f"--users must be more than {SHARED_REPORTS}")

    url = database_url(DATABASE)
    start = time.perf_counter()
    fresh_database(url)
    setup_django(url)
    migrate()
    round_, assignment, sections, indicators = build_data(args.users)
    from django.db import connection

    connection.close()
    plan = [(user.username, report.pk) for user, report in assignment]
    say(
        f"Data: {len({r for _u, r in plan})} reports ({SHARED_REPORTS} shared by two users), "
        f"{len(sections)} sections and {len(indicators)} indicators each, {args.users} users; "
        f"set-up {time.perf_counter() - start:.0f} s"
    )

    server = Server(url, "/tmp/bench-load-gunicorn.log")
    try:
        say(f"gunicorn, 2 workers, on 127.0.0.1:{server.port}; log /tmp/bench-load-gunicorn.log")
        stats = Stats()
        say(f"Load: {args.users} users for {args.seconds:.0f} s (think {args.think} s) …")
        acks, elapsed = run_users(
            server.port, stats, plan, sections, indicators, args.seconds, args.think, args.seed
        )
        baseline = Stats()
        base_seconds = args.baseline_seconds or max(args.seconds / 3, 5)
        say(f"Baseline: {args.users} threads GET /accounts/login/ for {base_seconds:.0f} s …")
        run_baseline(server.port, baseline, args.users, base_seconds, args.think, args.seed)
    finally:
        server.stop()
    tracebacks = server.tracebacks()

    lost, overwritten, problems, n_sections, n_cells = check(acks, round_, sections, indicators)
    portal_all = stats.all_latencies()
    base_all = baseline.all_latencies()
    rows = summary_rows(stats)
    p50, p95, p99 = percentiles(portal_all)
    errors = sum(stats.errors.values())
    rows.append(
        ["portal, all", len(portal_all), errors] + [f"{x * 1000:.0f}" for x in (p50, p95, p99)]
    )
    b50, b95, b99 = percentiles(base_all)
    base_errors = sum(baseline.errors.values())
    rows.append(
        ["baseline: login page", len(base_all), base_errors]
        + [f"{x * 1000:.0f}" for x in (b50, b95, b99)]
    )
    say()
    say(table(["requests", "n", "errors", "p50 ms", "p95 ms", "p99 ms"], rows))
    say(
        f"\nportal: {len(portal_all)} requests in {elapsed:.0f} s "
        f"({len(portal_all) / elapsed:.1f}/s); baseline {len(base_all) / base_seconds:.1f}/s"
    )
    ratio = p95 / b95 if b95 else float("inf")
    say(f"p95 portal ÷ p95 baseline: {ratio:.2f}")
    say(
        f"acknowledged: {len(acks['sections'])} section saves ({n_sections} sections), "
        f"{len(acks['cells'])} cell saves ({n_cells} cells); conflicts (409): {stats.conflicts}"
    )
    say(f"lost saves: {lost}; overwrites without a conflict: {overwritten}")
    say(f"errors: {errors} (baseline {base_errors}); tracebacks in the server log: {tracebacks}")
    for line in stats.samples + baseline.samples + problems[:20]:
        say(f"  {line}")
    if errors or base_errors or lost or overwritten or problems or tracebacks:
        fail("errors, lost saves or tracebacks under load (see above)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
