"""Bench: the roll-up engine against a hand-written SQL GROUP BY, at national scale.

Builds a fresh PostgreSQL database with the real tree (Việt Nam → 34 provinces
→ 3,321 communes, from vietnam-provinces), 100 indicators and 10 years of
actual figures for every commune × indicator, as a real database now holds
them: for each year one closed round issued by the root with one accepted
report per commune, the figures on those reports (3,321,000 rows of
`reports_reportvalue`, loaded by COPY). It then times the official roll-up
(`reports.figures.official_rollup`, accepted reports only) for the largest
province and for the whole country against one raw GROUP BY query that
computes the same official series by hand (accepted reports, the later of two
counted reports winning), checks that every cell agrees and that the engine
issues as many queries for the country as for a province. Then, unless
`--no-drafts`, 10 % of the communes get a draft report in a second round of
the rolled-up year with other figures, and everything is timed and checked
again: the drafts must change nothing. See bench/README.md.

    .venv/bin/python -m bench.rollup [--repeat 7] [--reuse] [--profile] [--no-drafts]
"""

import argparse
import cProfile
import pstats
import random
import sys
import time
from dataclasses import replace
from decimal import Decimal

from bench._common import (
    Stopwatch,
    database_exists,
    database_url,
    fail,
    fresh_database,
    median_times,
    migrate,
    say,
    setup_django,
    table,
)

DATABASE = "portal_bench"
SEED = 20261123
YEARS = range(2016, 2026)  # 10 years of actuals
YEAR = YEARS[-1]  # the year rolled up
COLUMN = "actual"  # reports.models.ValueColumn.ACTUAL
PERIOD = "Y"  # indicators.models.PeriodKind.YEAR: a year round's figures
DRAFT_SHARE = 0.10  # of the communes, with a draft in a second round of YEAR
ROOT_CODE = "VN"
TARGET_RATIO = 1.3
ENTERED_AT = "2026-01-15 09:00:00+07"
SIX_PLACES = Decimal("0.000001")

# 100 indicators: mostly rates, some counts (one of them the population the
# engine weighs by), some x/N fractions, a few averages weighted by population.
N_RATES, N_COUNTS, N_FRACTIONS, N_AVERAGES = 70, 15, 10, 5
RATE_FACTORS = (100, 1000, 10000)


# --- the data set -------------------------------------------------------------------------


def build_units():
    """Việt Nam, the 34 provinces and 3,321 communes, through the project's
    importer (`upsert_units`, which bulk-creates a parent's new children with
    their tree paths built in Python).

    The root is of kind "province": UnitKind has no "country", and the root
    must be a territory, since the engine leaves departments and
    organisations out of every roll-up (TERRITORIAL_KINDS). The price: a
    filter on kind="province" finds 35 units here, not 34.
    """
    from portal.models import ReportingUnit, UnitKind
    from portal.units import REFORM_DATE, UnitRecord, current_division_records, upsert_units

    root = UnitRecord(ROOT_CODE, "Việt Nam", UnitKind.PROVINCE, None, REFORM_DATE)
    records = [
        replace(r, parent=root.code) if r.parent is None else r for r in current_division_records()
    ]
    created, _updated = upsert_units([root, *records])
    if created != len(records) + 1:
        raise SystemExit(f"{created} units created, {len(records) + 1} expected")
    return list(ReportingUnit.objects.order_by("path")), created


def check_tree(n_units):  # n_units: how many the import says it created
    """treebeard's own check, plus what it does not look at: one root, the
    node count, and siblings in code order."""
    from portal.models import ReportingUnit

    problems = ReportingUnit.objects.find_problems()
    names = ("bad characters", "bad path length", "orphans", "wrong depth", "wrong numchild")
    errors = [f"{name}: {ids[:5]}" for name, ids in zip(names, problems, strict=True) if ids]
    steplen = ReportingUnit.steplen
    rows = list(ReportingUnit.objects.order_by("path").values_list("path", "code", "depth"))
    if len(rows) != n_units:
        errors.append(f"{len(rows)} units in the database, {n_units} imported")
    if sum(1 for _path, _code, depth in rows if depth == 1) != 1:
        errors.append("not exactly one root")
    last_code = {}
    for path, code, _depth in rows:
        parent = path[:-steplen]
        if parent in last_code and last_code[parent] >= code:
            errors.append(f"siblings out of code order at {path}")
        last_code[parent] = code
    if errors:
        raise SystemExit("Invalid tree: " + "; ".join(errors))


def build_indicators():
    from indicators.models import Direction, Indicator, IndicatorKind
    from indicators.rollup import POPULATION_CODE

    specs = [("count", None)] * N_COUNTS
    specs += [("rate", RATE_FACTORS[i % len(RATE_FACTORS)]) for i in range(N_RATES)]
    specs += [("fraction", None)] * N_FRACTIONS + [("average", None)] * N_AVERAGES
    names = {
        "count": "Số lượng",
        "rate": "Tỷ lệ",
        "fraction": "Số đơn vị đạt",
        "average": "Bình quân",
    }
    indicators = []
    for position, (kind, factor) in enumerate(specs, start=1):
        code = POPULATION_CODE if position == 1 else f"bench-{kind}-{position:03d}"
        name = "Dân số" if position == 1 else f"{names[kind]} {position:03d}"
        indicators.append(
            Indicator(
                code=code,
                name=name,
                kind=IndicatorKind(kind),
                factor=factor,
                decimals=0 if kind in ("count", "fraction") else 2,
                direction=Direction.HIGHER if position % 4 else Direction.LOWER,
                position=position,
            )
        )
    return Indicator.objects.bulk_create(indicators)


def generators(indicators, rng):
    """Per indicator, a function (population, random) → the COPY columns
    "numeric, numerator, denominator" (tab-separated, \\N for NULL)."""
    from indicators.rollup import POPULATION_CODE

    r = rng.random
    made = []
    for indicator in indicators:
        kind, factor = indicator.kind, indicator.factor
        if indicator.code == POPULATION_CODE:
            made.append(lambda pop: f"{int(pop)}\t\\N\t\\N")
        elif kind == "count":
            per_head = 10 ** rng.uniform(-4, -1)
            made.append(lambda pop, k=per_head: f"{int(pop * k * (0.5 + r()))}\t\\N\t\\N")
        elif kind == "rate":
            share = rng.uniform(0.01, 0.9)  # the denominator, as a share of the population
            chance = rng.uniform(0.05, 0.95) / (int(factor) // 100)

            def rate(pop, share=share, chance=chance, factor=int(factor)):
                den = int(pop * share * (0.9 + 0.2 * r())) or 1
                num = int(den * chance * (0.7 + 0.6 * r()))
                return f"{rate_text(num * factor, den)}\t{num}\t{den}"

            made.append(rate)
        elif kind == "fraction":
            floor = rng.uniform(0.3, 0.9)

            def fraction(pop, floor=floor):
                n = 5 + int(25 * r())
                return f"\\N\t{int(n * (floor + (1 - floor) * r()))}\t{n}"

            made.append(fraction)
        else:  # an average, weighted by the population in the denominator
            base = rng.uniform(5, 75)
            made.append(lambda pop, b=base: f"{b + 6 * r():.2f}\t\\N\t{int(pop)}")
    return made


def rate_text(dividend, divisor):
    """dividend ÷ divisor to 6 places, rounded half to even as Decimal.quantize
    does (float formatting would now and then disagree in the 6th place)."""
    quotient, remainder = divmod(dividend * 1_000_000, divisor)
    if 2 * remainder > divisor or (2 * remainder == divisor and quotient % 2):
        quotient += 1
    whole, places = divmod(quotient, 1_000_000)
    return f"{whole}.{places:06d}"


class ChunkReader:
    """A file-like object over an iterator of bytes, for copy_expert: rows are
    generated while PostgreSQL digests the previous chunk."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._parts = []
        self._length = 0

    def read(self, size=-1):
        while (size is None or size < 0 or self._length < size) and (
            chunk := next(self._chunks, None)
        ) is not None:
            self._parts.append(chunk)
            self._length += len(chunk)
        data = b"".join(self._parts)
        if size is not None and size >= 0:
            data, rest = data[:size], data[size:]
        else:
            rest = b""
        self._parts, self._length = ([rest] if rest else []), len(rest)
        return data

    readline = read


def open_rounds(root, communes, template):
    """One closed round a year, issued by the root, each with one accepted
    report per commune (`open_round` bulk-creates them, not started; then one
    UPDATE accepts them all, as the demo's archive rounds do). Returns
    year → commune id → report id."""
    import datetime as dt

    from django.utils import timezone

    from portal.models import UnitKind
    from reports.models import Report, ReportStatus
    from reports.rounds import RoundSpec, open_round

    reports = {}
    for year in YEARS:
        round_ = open_round(
            RoundSpec(
                title=f"Số liệu thống kê cấp xã năm {year}",
                template=template,
                issuing_unit=root,
                year=year,
                units=communes,
                deadlines={UnitKind.COMMUNE: dt.date(year, 12, 20)},
            )
        )
        round_.is_open = False
        round_.save(update_fields=["is_open"])
        at = timezone.make_aware(dt.datetime(year, 12, 20, 9))
        Report.objects.filter(round=round_).update(
            status=ReportStatus.ACCEPTED, submitted_at=at, accepted_at=at
        )
        reports[year] = dict(Report.objects.filter(round=round_).values_list("unit_id", "pk"))
    return reports


def bench_template():
    """A round needs an outline: the bench's names the 100 indicators."""
    from indicators.models import Indicator
    from reports.models import ReportTemplate, TableKind, TemplateTable

    template = ReportTemplate.objects.create(code="bench", name="Số liệu thống kê (bench)")
    codes = list(Indicator.objects.order_by("position").values_list("code", flat=True))
    TemplateTable.objects.create(
        template=template,
        kind=TableKind.INDICATORS,
        title="Số liệu thống kê",
        config={"indicators": codes},
    )
    return template


COPY_COLUMNS = (
    "report_id, unit_id, year, period, indicator_id, numeric, numerator, denominator,"
    ' "column", comparator, text, version, entered_at'
)


def value_chunks(communes, indicators, seed, reports, years=YEARS):
    """COPY rows, year by year (as figures are entered), commune by commune,
    each on that year's report of the commune (`reports`: year → commune id →
    report id). The same figures as before figures moved onto reports, for
    the same seed."""
    rng = random.Random(seed)
    made = generators(indicators, rng)
    pairs = [(str(i.pk), make) for i, make in zip(indicators, made, strict=True)]
    population = {c.pk: rng.uniform(2_000, 90_000) for c in communes}
    growth = {c.pk: rng.uniform(0.99, 1.03) for c in communes}
    tail = f"\t{COLUMN}\t\t\t1\t{ENTERED_AT}\n"
    for year in years:
        for commune in communes:
            pop = population[commune.pk] * growth[commune.pk] ** (year - YEARS[0])
            head = f"{reports[year][commune.pk]}\t{commune.pk}\t{year}\t{PERIOD}\t"
            rows = [head + pk + "\t" + make(pop) + tail for pk, make in pairs]
            yield "".join(rows).encode()


def load_values(communes, indicators, seed, reports, watch):
    """COPY the figures in, the way a bulk load is done: unique and foreign-key
    constraints and secondary indexes dropped first and rebuilt after (row by
    row, the deferred foreign-key checks and six indexes make COPY two to
    three times slower). The schema is checked to be the same afterwards."""
    from django.db import connection, transaction

    from reports.models import ReportValue

    table = ReportValue._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        before = table_schema(cursor, table)
        constraints, indexes = before
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        # Truncated in this transaction, the table can take COPY FREEZE: no
        # hint bits to set and nothing for VACUUM to do afterwards.
        cursor.execute(f"TRUNCATE {table}")
        with watch.step("values: COPY"):
            cursor.copy_expert(
                f"COPY {table} ({COPY_COLUMNS}) FROM STDIN WITH (FREEZE)",
                ChunkReader(value_chunks(communes, indicators, seed, reports)),
                1 << 20,
            )
        with watch.step("values: indexes and constraints"):
            statements = [definition for _name, definition in indexes] + [
                f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
                for name, definition in sorted(constraints, key=lambda c: "FOREIGN" in c[1])
            ]
            for statement in statements:
                start = time.perf_counter()
                cursor.execute(statement)
                say(f"    {time.perf_counter() - start:5.1f} s  {statement[:90]}")
        after = table_schema(cursor, table)
        if after != before:
            raise SystemExit(f"{table}'s schema changed by the load: {before} → {after}")
        cursor.execute(f"SELECT count(*) FROM {table}")
        return cursor.fetchone()[0]


def table_schema(cursor, table):
    """Unique and foreign-key constraints, and indexes not behind a constraint,
    as (name, definition) lists; the primary key and checks stay put."""
    cursor.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
            WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY conname""",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT indexname, indexdef FROM pg_indexes
            WHERE schemaname = current_schema() AND tablename = %s
              AND indexname NOT IN (SELECT conname FROM pg_constraint
                                     WHERE conrelid = %s::regclass)
            ORDER BY indexname""",
        [table, table],
    )
    return constraints, cursor.fetchall()


def vacuum_analyze():
    """ANALYZE for the planner; VACUUM too, so that autovacuum, woken by 3.3
    million inserts, does not start in the middle of the timings."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def build(seed):
    from portal.models import ReportingUnit, UnitKind

    watch = Stopwatch()
    with watch.step("migrate"):
        migrate()
    with watch.step("units (upsert_units)"):
        units, created = build_units()
    with watch.step("tree check (find_problems)"):
        check_tree(created)
    with watch.step("indicators"):
        indicators = build_indicators()
    communes = [u for u in units if u.kind == UnitKind.COMMUNE]
    root = ReportingUnit.objects.get(depth=1)
    with watch.step("rounds and accepted reports (open_round)"):
        reports = open_rounds(root, communes, bench_template())
    n_values = load_values(communes, indicators, seed, reports, watch)
    expected = len(communes) * len(indicators) * len(YEARS)
    if n_values != expected:
        raise SystemExit(f"{n_values} values loaded, {expected} expected")
    with watch.step("VACUUM ANALYZE"):
        vacuum_analyze()
    return watch.steps, n_values


# --- the drafts variant -------------------------------------------------------------------

DRAFT_ROUND_TITLE = f"Số liệu thống kê cấp xã năm {YEAR} (bổ sung)"


def draft_round():
    from reports.models import ReportingRound

    return ReportingRound.objects.filter(title=DRAFT_ROUND_TITLE, year=YEAR).first()


def add_drafts(seed):
    """A second round of YEAR (open, issued by the root) in which DRAFT_SHARE of
    the communes, drawn at random, have a draft report with figures of their
    own (other generators: other numbers for every indicator). Its reports
    come after the accepted ones (higher ids): counted, they would win.
    Returns (draft reports, figures)."""
    import datetime as dt

    from django.db import connection, transaction

    from indicators.models import Indicator
    from portal.models import ReportingUnit, UnitKind
    from reports.models import Report, ReportStatus, ReportTemplate, ReportValue
    from reports.rounds import RoundSpec, open_round

    communes = list(ReportingUnit.objects.filter(kind=UnitKind.COMMUNE).order_by("path"))
    rng = random.Random(seed + 1)
    chosen = sorted(rng.sample(communes, round(DRAFT_SHARE * len(communes))), key=lambda u: u.path)
    indicators = list(Indicator.objects.order_by("position"))
    with transaction.atomic():
        round_ = open_round(
            RoundSpec(
                title=DRAFT_ROUND_TITLE,
                template=ReportTemplate.objects.get(code="bench"),
                issuing_unit=ReportingUnit.objects.get(depth=1),
                year=YEAR,
                units=chosen,
                deadlines={UnitKind.COMMUNE: dt.date(YEAR, 12, 28)},
            )
        )
        Report.objects.filter(round=round_).update(status=ReportStatus.DRAFT)
        reports = {YEAR: dict(Report.objects.filter(round=round_).values_list("unit_id", "pk"))}
        with connection.cursor() as cursor:
            cursor.copy_expert(
                f"COPY {ReportValue._meta.db_table} ({COPY_COLUMNS}) FROM STDIN",
                ChunkReader(value_chunks(chosen, indicators, seed + 2, reports, years=[YEAR])),
                1 << 20,
            )
    analyze()
    return len(chosen), len(chosen) * len(indicators)


def remove_drafts():
    """The drafts variant's round, reports and figures, if a reused database has them."""
    from django.db import connection, transaction

    round_ = draft_round()
    if round_ is None:
        return False
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM reports_reportvalue WHERE report_id IN"
            " (SELECT id FROM reports_report WHERE round_id = %s)",
            [round_.pk],
        )
        round_.delete()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) reports_reportvalue, reports_report")
    return True


def analyze():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reports_reportvalue, reports_report")


# --- the hand-written SQL -----------------------------------------------------------------

# The official series by hand: figures of the counted reports (r.status), minus
# any that a later counted report of the same unit states for the same
# indicator, year, period and column (the NOT EXISTS), summed per indicator and
# child branch over the leaves: reports.figures.official_values' semantics.
GROUPED_SQL = """
SELECT v.indicator_id,
       substring(u.path FROM 1 FOR %(prefix)s) AS branch,
       sum(v.numeric), sum(v.numerator), sum(v.denominator), sum(v.numeric * v.denominator)
  FROM {values} v
  JOIN {reports} r ON r.id = v.report_id
  JOIN {units} u ON u.id = v.unit_id
 WHERE v.year = %(year)s AND v.period = %(period)s AND v."column" = %(column)s
   AND r.status = ANY(%(statuses)s)
   AND v.comparator = '' AND v.indicator_id = ANY(%(ids)s)
   AND u.path LIKE %(like)s AND u.depth > %(depth)s AND u.numchild = 0
   AND u.kind = ANY(%(kinds)s)
   AND NOT EXISTS (
       SELECT FROM {values} w
         JOIN {reports} s ON s.id = w.report_id
        WHERE w.unit_id = v.unit_id AND w.indicator_id = v.indicator_id
          AND w.year = v.year AND w.period = v.period AND w."column" = v."column"
          AND w.report_id > v.report_id AND s.status = ANY(%(statuses)s){later}
 GROUP BY 1, 2
"""

# The baseline: the later report's row is looked for only among the rows of
# "later" reports, the counted reports that follow another counted report of
# their unit in a round of the same year and kind of period. The same result,
# since a figure's unit, year and period repeat its report's unit and round
# (ReportValue's docstring; checked on the bench's data by check_invariant).
# Most units have one counted report a period, so the anti-join's inner side
# is tiny and PostgreSQL hashes it: one pass instead of one index probe per
# figure (332,100 for the country).
LATER_PRUNED = """
          AND s.id IN (
              SELECT t.id FROM {reports} t JOIN {rounds} g ON g.id = t.round_id
               WHERE g.year = %(year)s AND g.period_type = %(period_type)s
                 AND t.status = ANY(%(statuses)s)
                 AND EXISTS (
                     SELECT FROM {reports} t0 JOIN {rounds} g0 ON g0.id = t0.round_id
                      WHERE t0.unit_id = t.unit_id AND t0.id < t.id
                        AND g0.year = %(year)s AND g0.period_type = %(period_type)s
                        AND t0.status = ANY(%(statuses)s))))"""
# For reference: the rule written as plainly as official_values writes it.
LATER_PLAIN = ")"


def grouped_query(
    indicators, unit, year, column=COLUMN, period=PERIOD, statuses=("accepted",), plain=False
):
    """The hand-written GROUP BY and its parameters (`plain`: the reference
    formulation of the later-report rule, not the baseline's)."""
    from portal.models import TERRITORIAL_KINDS, ReportingUnit
    from reports.figures import PERIOD_TYPE_OF
    from reports.models import Report, ReportingRound, ReportValue

    tables = {
        "values": ReportValue._meta.db_table,
        "reports": Report._meta.db_table,
        "rounds": ReportingRound._meta.db_table,
        "units": ReportingUnit._meta.db_table,
    }
    later = (LATER_PLAIN if plain else LATER_PRUNED).format(**tables)
    sql = GROUPED_SQL.format(later=later, **tables)
    return sql, {
        "prefix": (unit.depth + 1) * unit.steplen,
        "year": year,
        "period": period,
        "period_type": str(PERIOD_TYPE_OF[period]),
        "column": column,
        "statuses": [str(s) for s in statuses],
        "ids": [i.pk for i in indicators],
        "like": unit.path + "%",
        "depth": unit.depth,
        "kinds": [str(kind) for kind in TERRITORIAL_KINDS],  # departments are not added in
    }


def check_invariant(year=YEAR, period=PERIOD):
    """What the baseline's pruning takes from the data model: each figure of the
    period has its report's unit, and its report's round has the figure's year
    and the period's kind. Returns the number of figures that do not."""
    from django.db import connection

    from reports.figures import PERIOD_TYPE_OF

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM reports_reportvalue v
                 JOIN reports_report r ON r.id = v.report_id
                 JOIN reports_reportinground g ON g.id = r.round_id
                WHERE v.year = %s AND v.period = %s
                  AND (v.unit_id <> r.unit_id OR g.year <> v.year OR g.period_type <> %s)""",
            [year, period, str(PERIOD_TYPE_OF[period])],
        )
        return cursor.fetchone()[0]


def sql_rollup(
    indicators, unit, year, column=COLUMN, period=PERIOD, statuses=("accepted",), plain=False
):
    """(unit id, indicator id) → (value, value2) for each child of `unit` and
    for `unit` itself, from the leaves below: two raw queries and a loop.

    Plain sums, because the bench's values are all exact (no bound, no rate
    without its parts): the engine's FILTERed sums reduce to these.
    """
    from django.db import connection

    from portal.models import ReportingUnit

    by_id = {i.pk: i for i in indicators}
    sql, params = grouped_query(indicators, unit, year, column, period, statuses, plain)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT path, id FROM {ReportingUnit._meta.db_table}"
            " WHERE path LIKE %s AND depth = %s AND kind = ANY(%s)",
            [unit.path + "%", unit.depth + 1, params["kinds"]],
        )
        child_of = dict(cursor.fetchall())
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    result = {}
    totals = {}
    for indicator_id, branch, *sums in rows:
        child_id = child_of.get(branch)
        if child_id is None:
            continue
        sums = [s or 0 for s in sums]
        result[(child_id, indicator_id)] = _value(by_id[indicator_id], *sums)
        total = totals.setdefault(indicator_id, [0, 0, 0, 0])
        for i, s in enumerate(sums):
            total[i] += s
    for indicator_id, sums in totals.items():
        result[(unit.pk, indicator_id)] = _value(by_id[indicator_id], *sums)
    return result


def _value(indicator, numeric, numerator, denominator, weighted):
    kind = indicator.kind
    if kind == "count":
        return numeric, None
    if kind == "fraction":
        return numerator, denominator
    if kind == "rate":
        return (numerator / denominator * indicator.factor, None) if denominator else (None, None)
    return (weighted / denominator, None) if denominator else (None, None)


# --- comparing, timing --------------------------------------------------------------------


def engine_values(result):
    """The same mapping as sql_rollup's, from a Rollup."""
    values = {}
    for row in [*result.children, result.total]:
        for indicator_id, cell in row.cells.items():
            values[(row.unit_id, indicator_id)] = (cell.reading.value, cell.reading.value2)
    return values


def rounded(number):
    return None if number is None else Decimal(number).quantize(SIX_PLACES)


def disagreements(engine, sql):
    found = []
    for key in sorted(engine.keys() | sql.keys()):
        a = tuple(map(rounded, engine.get(key, (None, None))))
        b = tuple(map(rounded, sql.get(key, (None, None))))
        if a != b:
            found.append(f"unit {key[0]} indicator {key[1]}: engine {a}, SQL {b}")
    return found


def captured(function):
    """The SQL of every query `function` issues."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        function()
    return [query["sql"] for query in context.captured_queries]


def plan(sql, params=None):
    """The planner's choice for a grouped query, in a few words: top node,
    estimated groups, serial or parallel. A flip between runs (ANALYZE
    samples at random) moves the ratios more than any change in Python."""
    import json

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        (raw,) = cursor.fetchone()
    top = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
    nodes, anti, stack = [], "no", [top]
    while stack:
        node = stack.pop()
        nodes.append(node["Node Type"])
        if node.get("Join Type") == "Anti":  # the later-report rule: a probe per figure or a pass
            anti = node["Node Type"].removesuffix(" Join")
        stack += node.get("Plans", [])
    mode = "parallel" if any(n.startswith("Gather") for n in nodes) else "serial"
    strategy = "Hash" if "HashAggregate" in nodes else "Sort+Group"
    return f"{strategy}, {mode}, {anti} anti-join, est. {top['Plan Rows']:,} groups"


def profile(function, label, lines=25):
    say(f"\ncProfile of the engine, {label} (cumulative, top {lines}):")
    profiler = cProfile.Profile()
    profiler.runcall(function)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)


def time_scopes(scopes, indicators, repeat, variant, failures):
    """Engine against SQL for each scope, checked cell by cell; one result
    tuple per scope. The engine is the official roll-up (accepted reports);
    "plain" is the hand-written query with the later-report rule written as
    official_values once wrote it (one index probe per figure), for reference."""
    from reports.figures import official_rollup

    results = []
    for label, unit in scopes:

        def engine(unit=unit):
            return official_rollup(indicators, unit, YEAR, PERIOD, COLUMN)

        def sql(unit=unit):
            return sql_rollup(indicators, unit, YEAR)

        def plain(unit=unit):
            return sql_rollup(indicators, unit, YEAR, plain=True)

        name = label.split(":")[0] + variant
        by_hand = sql()
        wrong = disagreements(engine_values(engine()), by_hand)
        n_cells = (unit.numchild + 1) * len(indicators)
        if wrong:
            failures.append(f"{name}: {len(wrong)} of {n_cells} cells differ")
            for line in wrong[:10]:
                fail(line)
        if disagreements(plain(), by_hand):
            failures.append(f"{name}: the two hand-written formulations disagree")
        engine_sql = captured(engine)
        queries = len(engine_sql)
        engine_plan = plan(next(q for q in engine_sql if "GROUP BY" in q))
        sql_plan = plan(*grouped_query(indicators, unit, YEAR))
        functions = {"engine": engine, "sql": sql, "plain": plain}
        medians, _times = median_times(functions, repeat=repeat)
        ratio = medians["engine"] / medians["sql"]
        say(
            f"  {label}{variant}: engine {medians['engine'] * 1000:.0f} ms,"
            f" SQL {medians['sql'] * 1000:.0f} ms, ratio {ratio:.2f}"
            f" (plain NOT EXISTS {medians['plain'] * 1000:.0f} ms,"
            f" ratio {medians['engine'] / medians['plain']:.2f}), {queries} queries,"
            f" {n_cells - len(wrong)}/{n_cells} cells agree"
        )
        groups = unit.numchild * len(indicators)
        say(f"    plans: engine {engine_plan}; SQL {sql_plan}; actual {groups:,} groups")
        results.append((name, unit, n_cells, medians, ratio, queries, len(wrong)))

    q_province, q_country = (queries for *_rest, queries, _wrong in results)
    if q_province != q_country:
        failures.append(
            f"the engine issues {q_province} queries for a province, {q_country} for the country"
            f"{variant}"
        )
    return results


def drafts_matter(scopes, indicators, failures):
    """The drafts must be able to change the figures for the check that they do
    not to mean anything: counted (every status: the later report wins, so a
    draft's figure replaces the accepted one), engine and SQL agree with each
    other and differ from the accepted-only series. Returns, per scope, how
    many cells the drafts would change."""
    from reports.figures import Counted, official_rollup
    from reports.models import ReportStatus

    changed = []
    for label, unit in scopes:
        name = label.split(":")[0]
        counted = engine_values(
            official_rollup(indicators, unit, YEAR, PERIOD, COLUMN, counted=Counted.ALL)
        )
        by_hand = sql_rollup(indicators, unit, YEAR, statuses=ReportStatus.values)
        wrong = disagreements(counted, by_hand)
        if wrong:
            failures.append(f"{name}, drafts counted: {len(wrong)} cells differ")
            for line in wrong[:10]:
                fail(line)
        n_changed = len(disagreements(counted, sql_rollup(indicators, unit, YEAR)))
        if not n_changed:
            failures.append(f"{name}: the drafts would change no cell, the check proves nothing")
        changed.append((name, n_changed, (unit.numchild + 1) * len(indicators), not wrong))
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m bench.rollup", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--repeat", type=int, default=7, help="timed runs (after 1 warm-up)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--reuse", action="store_true", help="keep the bench database of the last run, if loaded"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the engine afterwards")
    parser.add_argument(
        "--no-drafts", action="store_true", help="skip the variant with drafts in a second round"
    )
    args = parser.parse_args(argv)

    url = database_url(DATABASE)
    say(f"bench.rollup: database {url.rsplit('/', 1)[1]}")
    started = time.perf_counter()
    if not (args.reuse and database_exists(url)):
        fresh_database(url)
    setup_django(url)

    from django.db import connection

    from indicators.models import Indicator
    from portal.models import ReportingUnit
    from reports.figures import official_rollup
    from reports.models import ReportValue

    steps, n_values = {}, None
    if args.reuse and "reports_reportvalue" in connection.introspection.table_names():
        if remove_drafts():
            say("  removed the last run's drafts")
        n_values = ReportValue.objects.count()
        say(f"  reusing {n_values:,} figures")
    if not n_values:
        if args.reuse:  # nothing to reuse (or an older bench's schema): start afresh
            connection.close()
            fresh_database(url)
        say(f"Loading (seed {args.seed}):")
        steps, n_values = build(args.seed)

    indicators = list(Indicator.objects.all())
    root = ReportingUnit.objects.get(depth=1)
    province = ReportingUnit.objects.filter(depth=2).order_by("-numchild", "code").first()
    n_communes = ReportingUnit.objects.filter(depth=3).count()
    scopes = [
        (f"province: {province.name} ({province.numchild} communes)", province),
        (f"country: {root.name} ({root.numchild} provinces)", root),
    ]

    failures = []
    broken = check_invariant()
    if broken:
        failures.append(f"{broken} figures of {YEAR} are not on a report of their unit and year")
    say(
        f"\nTiming {len(indicators)} indicators, {YEAR} {COLUMN}, accepted reports:"
        f" 1 warm-up + {args.repeat} runs"
    )
    results = time_scopes(scopes, indicators, args.repeat, "", failures)
    changed = []
    if not args.no_drafts:
        n_drafts, n_draft_values = add_drafts(args.seed)
        say(
            f"\nWith {n_drafts} draft reports ({DRAFT_SHARE:.0%} of the communes) in a second"
            f" round of {YEAR}, {n_draft_values:,} figures of their own:"
        )
        broken = check_invariant()
        if broken:
            failures.append(f"{broken} draft figures are not on a report of their unit and year")
        changed = drafts_matter(scopes, indicators, failures)
        for name, n_changed, n_cells, agree in changed:
            say(
                f"  {name}: counted, the drafts would change {n_changed} of {n_cells} cells"
                f" (engine and SQL with drafts counted agree: {'yes' if agree else 'NO'})"
            )
        results += time_scopes(scopes, indicators, args.repeat, " + drafts", failures)

    if args.profile:
        for label, unit in scopes:
            profile(
                lambda unit=unit: official_rollup(indicators, unit, YEAR, PERIOD, COLUMN), label
            )

    say("\nSummary")
    if steps:
        loading = steps["values: COPY"] + steps["values: indexes and constraints"]
        say(
            f"Loaded {n_communes:,} communes × {len(indicators)} indicators × {len(YEARS)} years"
            f" = {n_values:,} figures on {n_communes * len(YEARS):,} accepted reports"
            f" in {loading:.1f} s (COPY, then indexes and constraints:"
            f" {n_values / loading:,.0f} rows/s);"
            f" whole build {sum(steps.values()):.1f} s"
        )
        say(table(["load step", "seconds"], [(k, f"{v:.1f}") for k, v in steps.items()]))
        say()
    say(
        table(
            [
                "roll-up",
                "cells",
                "engine ms",
                "SQL ms",
                "engine÷SQL",
                "target",
                "plain ms",
                "engine÷plain",
                "queries",
                "agree",
            ],
            [
                (
                    name,
                    n_cells,
                    f"{m['engine'] * 1000:.1f}",
                    f"{m['sql'] * 1000:.1f}",
                    f"{ratio:.2f}",
                    f"≤ {TARGET_RATIO}" + ("" if ratio <= TARGET_RATIO else " MISSED"),
                    f"{m['plain'] * 1000:.1f}",
                    f"{m['engine'] / m['plain']:.2f}",
                    queries,
                    "yes" if not wrong else f"{wrong} differ",
                )
                for name, _unit, n_cells, m, ratio, queries, wrong in results
            ],
        )
    )
    for name, n_changed, n_cells, _agree in changed:
        say(f"drafts, if counted, would change {n_changed} of {n_cells} cells ({name})")
    say(f"Total bench time {time.perf_counter() - started:.0f} s")
    for failure in failures:
        fail(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
