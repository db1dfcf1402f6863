"""Bench: the exports of a report. See bench/README.md, "exports".

(a) The official PDF of seed 000's report (the demo's Châu Thành 2020 report),
downloaded through the portal's view (permission check, queries, template,
WeasyPrint), against WeasyPrint alone laying out a saved copy of the same HTML
with the same url_fetcher: what the portal adds to WeasyPrint's own work.
Target: portal ÷ WeasyPrint ≤ 1.2. Then, once, `export_round` of the demo round.
(b) The Excel roll-up, by bench/_exports_xlsx.py when it is there.

    .venv/bin/python -m bench.exports [--repeat 7]
"""

import argparse
import importlib
import sys
import tempfile
import time
from pathlib import Path

from bench._common import (
    Stopwatch,
    database_url,
    fail,
    fresh_database,
    median_times,
    migrate,
    say,
    setup_django,
    table,
)

DATABASE = "portal_bench_exports"
TARGET_RATIO = 1.2


def chau_thanh():
    from reports.models import Report

    return Report.objects.select_related("round", "unit").get(
        round__year=2020, round__template__code="bc-ctr-59-60", unit__code="877"
    )


def part_pdf(repeat, watch):
    """Part (a); returns (failures, table rows)."""
    import weasyprint
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from documents.pdf import BASE_URL, render_html, url_fetcher

    failures = []
    report = chau_thanh()
    client = Client()
    client.force_login(get_user_model().objects.get(username="syt"))
    url = reverse("report-pdf", args=[report.pk])

    # The static copy: rendered once, saved, read back, as a file on disk would be.
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as folder:
        saved = Path(folder) / "chau-thanh.html"
        saved.write_text(render_html(report), encoding="utf-8")
        html = saved.read_text(encoding="utf-8")

    outputs = {}

    def portal():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}: {response.status_code}")
        outputs["portal"] = response.getvalue()

    def static():
        document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=url_fetcher())
        outputs["weasyprint"] = document.write_pdf()

    with watch.step(f"PDF: 1 warm-up + {repeat} runs of each, interleaved"):
        medians, times = median_times({"portal": portal, "weasyprint": static}, repeat=repeat)

    # Same document both ways: the PDFs differ only in their creation date and id.
    sizes = {name: len(data) for name, data in outputs.items()}
    if abs(sizes["portal"] - sizes["weasyprint"]) > 0.01 * sizes["weasyprint"]:
        failures.append(f"the two PDFs differ in size: {sizes}")
    if not all(data.startswith(b"%PDF-") for data in outputs.values()):
        failures.append("an output is not a PDF")

    ratio = medians["portal"] / medians["weasyprint"]
    spread = {name: (min(t), max(t)) for name, t in times.items()}
    say(
        f"  portal {medians['portal'] * 1000:.0f} ms, WeasyPrint alone"
        f" {medians['weasyprint'] * 1000:.0f} ms, ratio {ratio:.2f}"
        f" (portal {spread['portal'][0] * 1000:.0f}–{spread['portal'][1] * 1000:.0f} ms,"
        f" WeasyPrint {spread['weasyprint'][0] * 1000:.0f}–{spread['weasyprint'][1] * 1000:.0f}"
        f" ms; {sizes['portal']:,} bytes)"
    )
    rows = [
        (
            "PDF, seed 000",
            f"{medians['portal'] * 1000:.0f}",
            f"{medians['weasyprint'] * 1000:.0f}",
            f"{ratio:.2f}",
            f"≤ {TARGET_RATIO}" + ("" if ratio <= TARGET_RATIO else " MISSED"),
        )
    ]
    return failures, rows


def part_round():
    """`export_round` of the demo round, once: how long a reviewer waits for the zip."""
    import zipfile
    from io import StringIO

    from django.core.management import call_command

    from reports.models import Report, ReportStatus

    round_ = chau_thanh().round
    started = Report.objects.filter(round=round_).exclude(status=ReportStatus.NOT_STARTED)
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as folder:
        target = Path(folder) / "round.zip"
        start = time.perf_counter()
        call_command("export_round", round_.pk, "-o", str(target), stdout=StringIO())
        seconds = time.perf_counter() - start
        with zipfile.ZipFile(target) as archive:
            n_files = len(archive.namelist())
        size = target.stat().st_size
    say(
        f"  export_round: {n_files} PDFs in {seconds:.1f} s"
        f" ({seconds / max(n_files, 1) * 1000:.0f} ms each, zip {size:,} bytes)"
    )
    failures = [] if n_files == started.count() else [f"{n_files} PDFs, {started.count()} started"]
    return failures, seconds, n_files


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.exports", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs (after 1 warm-up)")
    args = parser.parse_args(argv)

    url = database_url(DATABASE)
    say(f"bench.exports: database {url.rsplit('/', 1)[1]}")
    started = time.perf_counter()
    fresh_database(url)
    setup_django(url)
    watch = Stopwatch()
    with watch.step("migrate"):
        migrate()
    with watch.step("load the demo"):
        from portal.management.commands.load_demo import load_demo_data

        load_demo_data()

    say("\n(a) The PDF of seed 000's report: the portal's view against WeasyPrint alone")
    failures, rows = part_pdf(args.repeat, watch)
    round_failures, round_seconds, n_files = part_round()
    failures += round_failures

    say("\nSummary")
    say(table(["export", "portal ms", "WeasyPrint ms", "portal÷WeasyPrint", "target"], rows))
    say(f"export_round, demo round: {n_files} PDFs in {round_seconds:.1f} s")
    say(f"Total bench time {time.perf_counter() - started:.0f} s")
    for failure in failures:
        fail(failure)
    code = 1 if failures else 0

    # Part (b), written apart: run it when it is there.
    if Path(__file__).with_name("_exports_xlsx.py").exists():
        say("\n(b) The Excel roll-up")
        code = max(code, importlib.import_module("bench._exports_xlsx").main_part())
    return code


if __name__ == "__main__":
    sys.exit(main())
