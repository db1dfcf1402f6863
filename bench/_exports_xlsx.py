"""Bench part: the Excel roll-up writer against the bare loops of two libraries.

A roll-up table of 3,321 communes × 100 indicators, with the province's total
and targets, is built in memory as the engine returns it (`Rollup`, `Row`,
`Cell`: no database). Timed, interleaved (bench._common.median_times):

- *workbook*: `documents.rollup_xlsx.write_rollup`, the core of the round's
  roll-up download, written with XlsxWriter in constant-memory mode: styled
  cells (Times New Roman, borders, number formats, achievement fills, italics
  and "≈" for estimates), merged headers, the line of each unit's report status
  (`statuses`, as `rollup_workbook` passes it), page set-up;
- *bare XlsxWriter*: the same library's plain loop, the target's reference:
  constant-memory mode, `write_number` / `write_string` of the same values read
  from the same table (numbers as floats, the rest as the portal shows it), no
  format at all;
- *bare openpyxl*: the loop anyone would write first with openpyxl, the writer
  before: `Workbook(write_only=True)` and one `ws.append()` per indicator of the
  same values, no style.

Every file is read back once to check that every cell holds the same value.
Called by bench/exports.py; alone:
`DEBUG=1 .venv/bin/python -c "import bench._exports_xlsx as b; b.main_part()"`.
"""

import os
import random
import time
from decimal import Decimal
from io import BytesIO

from bench._common import fail, median_times, say, table

SEED = 20261124
N_UNITS = 3321
N_INDICATORS = 100
TARGET_RATIO = 1.3


def _setup():
    import django
    from django.apps import apps

    if not apps.ready:  # alone; bench/exports.py has set Django up already
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
        os.environ.setdefault("DEBUG", "1")
        django.setup()


def build_table(seed=SEED):
    """A `Rollup` of N_UNITS communes × N_INDICATORS indicators: 70 rates (2 decimals),
    15 counts, 10 fractions x/N (text), 5 averages; a target for every other indicator,
    so that cells are achieved, not achieved or not comparable; some estimates."""
    from indicators.achievement import evaluate
    from indicators.models import Direction, Indicator, IndicatorKind, Target
    from indicators.numbers import Comparator, Reading
    from indicators.rollup import Cell, Rollup, Row

    rng = random.Random(seed)
    kinds = ["rate"] * 70 + ["count"] * 15 + ["fraction"] * 10 + ["average"] * 5
    indicators, targets = [], {}
    for pk, kind in enumerate(kinds, start=1):
        indicator = Indicator(
            pk=pk,
            code=f"bench-{pk:03d}",
            name=f"Chỉ tiêu thử {pk:03d}: tỷ lệ trẻ em dưới 5 tuổi bị suy dinh dưỡng",
            unit_of_measure={"rate": "%", "count": "người", "fraction": "trạm"}.get(kind, "năm"),
            kind=IndicatorKind(kind),
            decimals=0 if kind in ("count", "fraction") else 2,
            direction=Direction.HIGHER if pk % 4 else Direction.LOWER,
        )
        indicators.append(indicator)
        if pk % 2 and kind != "fraction":
            comparator = rng.choice(["", Comparator.LT.value, Comparator.GT.value])
            targets[pk] = Target(indicator=indicator, comparator=comparator, value=Decimal(50))

    def cell(indicator, estimate=False):
        if indicator.kind == "fraction":
            n = rng.randint(5, 30)
            reading = Reading("fraction", Decimal(rng.randint(0, n)), Decimal(n))
        elif indicator.kind == "count":
            reading = Reading("number", Decimal(rng.randint(0, 90_000)))
        else:
            reading = Reading("number", Decimal(str(round(rng.uniform(0, 100), 6))))
        target = targets.get(indicator.pk)
        achievement = (
            evaluate(reading, target.reading(), indicator.higher_is_better) if target else None
        )
        return Cell(reading, indicator.decimals, "below", estimate, achievement=achievement)

    units = [
        Row(
            10_000 + i,
            f"0001{i:04d}",
            f"{28_000 + i:05d}",
            f"Xã {rng.choice(['Tân', 'Phú', 'An', 'Long', 'Mỹ'])} {i}",
            True,
            {ind.pk: cell(ind) for ind in indicators},
        )
        for i in range(N_UNITS)
    ]
    total = Row(1, "0001", "VN", "Việt Nam", False, {i.pk: cell(i, True) for i in indicators})
    return Rollup(indicators, total, units, targets)


def report_statuses(rollup_table):
    """What `rollup_workbook` passes as `statuses`: each unit's report status,
    as its label (mostly accepted, some submitted, drafts and returned)."""
    from reports.models import ReportStatus

    cycle = [ReportStatus.ACCEPTED] * 7 + [
        ReportStatus.SUBMITTED,
        ReportStatus.DRAFT,
        ReportStatus.RETURNED,
    ]
    return {row.unit_id: cycle[i % len(cycle)].label for i, row in enumerate(rollup_table.children)}


def bare_rows(rollup_table, title, subtitle, statuses):
    """The cell values `write_rollup` writes, row by row, as plain Python values."""
    from django.utils.translation import gettext as _

    from indicators.achievement import Status

    units = [*rollup_table.children, rollup_table.total]
    legend = [str(Status(s).label) for s in ("achieved", "not_achieved", "not_comparable")]
    yield [title]
    yield [subtitle, None, None, *legend]
    yield []
    names = [u.name for u in rollup_table.children]
    names.append(_("%(unit)s (total)") % {"unit": rollup_table.total.name})
    yield ["STT", "Tên chỉ tiêu", "Đvt", *names, _("Target")]
    yield [None, None, None, *(u.code for u in units), None]
    labels = (str(statuses[u.unit_id]) for u in rollup_table.children)
    yield [None, _("Report status"), None, *labels]
    for number, indicator in enumerate(rollup_table.indicators, start=1):
        line = [number, indicator.name, indicator.unit_of_measure]
        for unit in units:
            c = unit.cells[indicator.pk]
            line.append(float(c.reading.value) if c.reading.kind == "number" else c.display)
        target = rollup_table.targets.get(indicator.pk)
        reading = target.reading() if target else None
        if reading is None:
            line.append(None)
        else:
            line.append(float(reading.value) if reading.kind == "number" else reading.text)
        yield line


def bare_openpyxl(rows):
    """openpyxl's plain streaming loop: a write-only sheet, `ws.append()` of plain values."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Roll-up")
    for row in rows:
        ws.append(row)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def bare_xlsxwriter(rows):
    """XlsxWriter's plain streaming loop: constant-memory mode, `write_number` and
    `write_string` without a format (the typed calls: faster than `write_row`, which
    tries each string for a formula and a URL)."""
    import xlsxwriter

    out = BytesIO()
    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    ws = wb.add_worksheet("Roll-up")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                if value:  # "" is a blank cell, as openpyxl writes it
                    ws.write_string(r, c, value)
            elif value is not None:
                ws.write_number(r, c, value)
    wb.close()
    return out.getvalue()


def cell_values(content):
    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(content), read_only=True)
    values = [list(row) for row in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    # Trailing empty cells are not stored: compare rows without them.
    for row in values:
        while row and row[-1] is None:
            row.pop()
    return values


def main_part(repeat=7):
    _setup()
    from django.utils import translation

    from documents.rollup_xlsx import write_rollup

    say(f"Excel roll-up: {N_UNITS:,} units × {N_INDICATORS} indicators, built in memory")
    started = time.perf_counter()
    rollup_table = build_table()
    statuses = report_statuses(rollup_table)
    title = "Tổng hợp chỉ tiêu năm 2025"
    subtitle = "Việt Nam, năm 2025, số thực hiện của các báo cáo đã duyệt"
    with translation.override("vi"):

        def rows():
            return bare_rows(rollup_table, title, subtitle, statuses)

        functions = {
            "workbook": lambda: write_rollup(
                rollup_table, rollup_table.children, title, subtitle, statuses
            ),
            "bare XlsxWriter": lambda: bare_xlsxwriter(rows()),
            "bare openpyxl": lambda: bare_openpyxl(rows()),
        }
        say(f"  built in {time.perf_counter() - started:.1f} s; checking the files agree …")
        files = {name: function() for name, function in functions.items()}
        values = [cell_values(content) for content in files.values()]
        same = all(v == values[0] for v in values)
        if not same:
            fail("the roll-up workbooks and the bare loops' do not hold the same values")
        say(f"  timing: 1 warm-up + {repeat} runs, interleaved")
        medians, _times = median_times(functions, repeat=repeat)
    cells = (N_UNITS + 1) * N_INDICATORS
    bare_x, bare_o = medians["bare XlsxWriter"], medians["bare openpyxl"]
    ratio = medians["workbook"] / bare_x
    verdict = f"≤ {TARGET_RATIO}" + ("" if ratio <= TARGET_RATIO else " MISSED")

    say(
        table(
            [
                "Excel roll-up",
                "cells",
                "ms",
                "÷ bare XlsxWriter",
                "target",
                "÷ bare openpyxl",
                "KB",
            ],
            [
                (
                    name,
                    f"{cells:,}",
                    f"{medians[name] * 1000:.0f}",
                    f"{medians[name] / bare_x:.2f}",
                    verdict if name == "workbook" else "",
                    f"{medians[name] / bare_o:.2f}",
                    f"{len(files[name]) // 1024:,}",
                )
                for name in functions
            ],
        )
    )
    say(f"  same cell values: {'yes' if same else 'NO'}")
    return 0
