"""Bench: the roll-up engine against a hand-written SQL GROUP BY, at national scale.

Builds a fresh PostgreSQL database with the real tree (Việt Nam → 34 provinces
→ 3,321 communes, from vietnam-provinces), 100 indicators and 10 years of
actual values for every commune × indicator (3,321,000 rows, loaded by COPY),
then times `indicators.rollup.rollup` for the largest province and for the
whole country against one raw GROUP BY query that computes the same numbers,
checks that every cell agrees and that the engine issues as many queries for
the country as for a province. See bench/README.md.

    .venv/bin/python -m bench.rollup [--repeat 7] [--reuse] [--profile]
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
FIGURE = "actual"
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

    root = UnitRecord("VN", "Việt Nam", UnitKind.PROVINCE, None, REFORM_DATE)
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


def value_chunks(communes, indicators, seed):
    """COPY rows, year by year (as values are entered), commune by commune."""
    rng = random.Random(seed)
    made = generators(indicators, rng)
    pairs = [(str(i.pk), make) for i, make in zip(indicators, made, strict=True)]
    population = {c.pk: rng.uniform(2_000, 90_000) for c in communes}
    growth = {c.pk: rng.uniform(0.99, 1.03) for c in communes}
    tail = f"\tY\t{FIGURE}\t\t\t{ENTERED_AT}\n"
    for year in YEARS:
        for commune in communes:
            pop = population[commune.pk] * growth[commune.pk] ** (year - YEARS[0])
            head = f"{commune.pk}\t{year}\t"
            rows = [head + pk + "\t" + make(pop) + tail for pk, make in pairs]
            yield "".join(rows).encode()


def load_values(communes, indicators, seed, watch):
    """COPY the values in, the way a bulk load is done: unique and foreign-key
    constraints and secondary indexes dropped first and rebuilt after (row by
    row, the deferred foreign-key checks and five indexes make COPY two to
    three times slower). The schema is checked to be the same afterwards."""
    from django.db import connection, transaction

    from indicators.models import Value

    table = Value._meta.db_table
    columns = (
        "unit_id, year, indicator_id, numeric, numerator, denominator,"
        " period, figure, comparator, text, entered_at"
    )
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
                f"COPY {table} ({columns}) FROM STDIN WITH (FREEZE)",
                ChunkReader(value_chunks(communes, indicators, seed)),
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
    from portal.models import UnitKind

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
    n_values = load_values(communes, indicators, seed, watch)
    expected = len(communes) * len(indicators) * len(YEARS)
    if n_values != expected:
        raise SystemExit(f"{n_values} values loaded, {expected} expected")
    with watch.step("VACUUM ANALYZE"):
        vacuum_analyze()
    return watch.steps, n_values


# --- the hand-written SQL -----------------------------------------------------------------

GROUPED_SQL = """
SELECT v.indicator_id,
       substring(u.path FROM 1 FOR %(prefix)s) AS branch,
       sum(v.numeric), sum(v.numerator), sum(v.denominator), sum(v.numeric * v.denominator)
  FROM {values} v
  JOIN {units} u ON u.id = v.unit_id
 WHERE v.year = %(year)s AND v.period = %(period)s AND v.figure = %(figure)s
   AND v.comparator = '' AND v.indicator_id = ANY(%(ids)s)
   AND u.path LIKE %(like)s AND u.depth > %(depth)s AND u.numchild = 0
   AND u.kind = ANY(%(kinds)s)
 GROUP BY 1, 2
"""


def grouped_query(indicators, unit, year, figure, period="Y"):
    """The hand-written GROUP BY and its parameters."""
    from indicators.models import Value
    from portal.models import TERRITORIAL_KINDS, ReportingUnit

    sql = GROUPED_SQL.format(values=Value._meta.db_table, units=ReportingUnit._meta.db_table)
    return sql, {
        "prefix": (unit.depth + 1) * unit.steplen,
        "year": year,
        "period": period,
        "figure": figure,
        "ids": [i.pk for i in indicators],
        "like": unit.path + "%",
        "depth": unit.depth,
        "kinds": [str(kind) for kind in TERRITORIAL_KINDS],  # departments are not added in
    }


def sql_rollup(indicators, unit, year, figure, period="Y"):
    """(unit id, indicator id) → (value, value2) for each child of `unit` and
    for `unit` itself, from the leaves below: two raw queries and a loop.

    Plain sums, because the bench's values are all exact (no bound, no rate
    without its parts): the engine's FILTERed sums reduce to these.
    """
    from django.db import connection

    from portal.models import ReportingUnit

    by_id = {i.pk: i for i in indicators}
    sql, params = grouped_query(indicators, unit, year, figure, period)
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
    nodes, stack = [], [top]
    while stack:
        node = stack.pop()
        nodes.append(node["Node Type"])
        stack += node.get("Plans", [])
    mode = "parallel" if any(n.startswith("Gather") for n in nodes) else "serial"
    strategy = "Hash" if "HashAggregate" in nodes else "Sort+Group"
    return f"{strategy}, {mode}, est. {top['Plan Rows']:,} groups"


def profile(function, label, lines=25):
    say(f"\ncProfile of the engine, {label} (cumulative, top {lines}):")
    profiler = cProfile.Profile()
    profiler.runcall(function)
    stats = pstats.Stats(profiler, stream=sys.stdout)
    stats.strip_dirs().sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)


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
    args = parser.parse_args(argv)

    url = database_url(DATABASE)
    say(f"bench.rollup: database {url.rsplit('/', 1)[1]}")
    started = time.perf_counter()
    if not (args.reuse and database_exists(url)):
        fresh_database(url)
    setup_django(url)

    from django.db import connection

    from indicators.models import Indicator, Value
    from indicators.rollup import rollup
    from portal.models import ReportingUnit

    steps, n_values = {}, None
    if args.reuse and "indicators_value" in connection.introspection.table_names():
        n_values = Value.objects.count()
        say(f"  reusing {n_values:,} values")
    if not n_values:
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
    results = []
    say(f"\nTiming {len(indicators)} indicators, {YEAR} {FIGURE}: 1 warm-up + {args.repeat} runs")
    for label, unit in scopes:

        def engine(unit=unit):
            return rollup(indicators, unit, YEAR, FIGURE)

        def sql(unit=unit):
            return sql_rollup(indicators, unit, YEAR, FIGURE)

        wrong = disagreements(engine_values(engine()), sql())
        n_cells = (unit.numchild + 1) * len(indicators)
        if wrong:
            failures.append(f"{label}: {len(wrong)} of {n_cells} cells differ")
            for line in wrong[:10]:
                fail(line)
        engine_sql = captured(engine)
        queries = len(engine_sql)
        engine_plan = plan(next(q for q in engine_sql if "GROUP BY" in q))
        sql_plan = plan(*grouped_query(indicators, unit, YEAR, FIGURE))
        medians, _times = median_times({"engine": engine, "sql": sql}, repeat=args.repeat)
        ratio = medians["engine"] / medians["sql"]
        say(
            f"  {label}: engine {medians['engine'] * 1000:.0f} ms, SQL {medians['sql'] * 1000:.0f}"
            f" ms, ratio {ratio:.2f}, {queries} queries,"
            f" {n_cells - len(wrong)}/{n_cells} cells agree"
        )
        groups = unit.numchild * len(indicators)
        say(f"    plans: engine {engine_plan}; SQL {sql_plan}; actual {groups:,} groups")
        results.append((label, unit, n_cells, medians, ratio, queries, len(wrong)))

    q_province, q_country = (queries for *_rest, queries, _wrong in results)
    if q_province != q_country:
        failures.append(
            f"the engine issues {q_province} queries for a province, {q_country} for the country"
        )

    if args.profile:
        for label, unit in scopes:
            profile(lambda unit=unit: rollup(indicators, unit, YEAR, FIGURE), label)

    say("\nSummary")
    if steps:
        loading = steps["values: COPY"] + steps["values: indexes and constraints"]
        say(
            f"Loaded {n_communes:,} communes × {len(indicators)} indicators × {len(YEARS)} years"
            f" = {n_values:,} values in {loading:.1f} s (COPY, then indexes and constraints:"
            f" {n_values / loading:,.0f} rows/s);"
            f" whole build {sum(steps.values()):.1f} s"
        )
        say(table(["load step", "seconds"], [(k, f"{v:.1f}") for k, v in steps.items()]))
        say()
    say(
        table(
            ["roll-up", "cells", "engine ms", "SQL ms", "engine÷SQL", "target", "queries", "agree"],
            [
                (
                    label.split(":")[0],
                    n_cells,
                    f"{m['engine'] * 1000:.1f}",
                    f"{m['sql'] * 1000:.1f}",
                    f"{ratio:.2f}",
                    f"≤ {TARGET_RATIO}" + ("" if ratio <= TARGET_RATIO else " MISSED"),
                    queries,
                    "yes" if not wrong else f"{wrong} differ",
                )
                for label, _unit, n_cells, m, ratio, queries, wrong in results
            ],
        )
    )
    say(f"Total bench time {time.perf_counter() - started:.0f} s")
    for failure in failures:
        fail(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
