"""Rolling indicator values up the unit tree.

Rules (DOMAIN.md, "Indicators and targets"):
- counts add up;
- rates roll up as Σnumerator ÷ Σdenominator × factor, never as an average of
  the units' rates. A unit that gave only its rate is weighted by the
  denominator it gave, else by its population (the `POPULATION_CODE`
  indicator), and the result is marked as an estimate that names those units;
  a unit with neither is left out and named;
- "x/N" fractions add numerators and denominators ("120/135");
- averages are weighted by their base (the value's denominator);
- text and bounds ("< 17") are shown as written and never added: a total
  that had to leave one out is marked as an estimate.

Departments and organisations are not territories: they are neither rows nor
added in. A unit's own reported value wins over what its units below add up to, and a
difference is flagged. A unit without its own value is computed from the
leaves of its subtree. Everything is computed in a fixed number of grouped
queries, whatever the number of units.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models import Value as V
from django.db.models.functions import Substr

from indicators.achievement import Achievement, evaluate
from indicators.models import Indicator, IndicatorKind, Target
from indicators.numbers import Reading, format_number, format_reading
from indicators.values import reading_of
from portal.models import TERRITORIAL_KINDS

POPULATION_CODE = "dan-so"

# No number to add: neither a value nor both parts of one.
UNUSABLE = Q(numeric__isnull=True) & (Q(numerator__isnull=True) | Q(denominator__isnull=True))
# A rate without its numerator, an average without its base: to be weighted
# (by the denominator given with the rate, else by population) and named.
NEEDS_WEIGHT = Q(numeric__isnull=False) & (
    Q(indicator__kind=IndicatorKind.RATE, numerator__isnull=True)
    | Q(indicator__kind=IndicatorKind.AVERAGE, denominator__isnull=True)
)

ZERO = Decimal(0)


@dataclass
class Partial:
    """What a unit or a branch contributes to a roll-up, before dividing."""

    total: Decimal = ZERO  # Σ numeric: counts
    numerator: Decimal = ZERO  # Σ numerators where the denominator is known
    denominator: Decimal = ZERO
    weighted: Decimal = ZERO  # Σ value × weight, for averages
    weight: Decimal = ZERO
    has_numbers: bool = False
    estimated_units: list = field(default_factory=list)  # weighted by population
    left_out_units: list = field(default_factory=list)  # bounds, text, no weight

    def add(self, other):
        self.total += other.total
        self.numerator += other.numerator
        self.denominator += other.denominator
        self.weighted += other.weighted
        self.weight += other.weight
        self.has_numbers |= other.has_numbers
        self.estimated_units += other.estimated_units
        self.left_out_units += other.left_out_units


class OwnValue(NamedTuple):
    """A unit's own value, read as a tuple: thousands of them per page."""

    comparator: str
    numeric: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    text: str


@dataclass(frozen=True)
class Cell:
    reading: Reading
    decimals: int  # the indicator's, for display
    source: str  # "own", "below" or "none"
    estimate: bool = False
    estimated_units: tuple = ()
    left_out_units: tuple = ()
    differs_from_below: str = ""  # what the units below add up to, when it differs
    achievement: Achievement | None = None

    @cached_property
    def display(self):
        """As typed for a unit's own value, else in Vietnamese format. Computed
        when shown: formatting every cell of a national roll-up would cost more
        than adding them up."""
        return self.reading.text or _display(self.decimals, self.reading)


@dataclass(frozen=True)
class Row:
    unit_id: int
    path: str
    code: str
    name: str
    is_leaf: bool
    cells: dict  # indicator id → Cell


@dataclass(frozen=True)
class Rollup:
    indicators: list
    total: Row
    children: list
    targets: dict  # indicator id → Target of the unit (or nearest above), or None


def rollup(indicators, unit, year, values):
    """One row per child unit of `unit` and a total row for `unit` itself.

    `values` is the series to add up: a queryset of figures with a `unit`,
    an `indicator` and the columns of a figure (comparator, numeric,
    numerator, denominator, text), at most one per unit and indicator —
    reports.figures.official_values gives the official one. `year` picks
    the targets the cells are evaluated against."""
    indicators = list(indicators)
    by_id = {i.pk: i for i in indicators}
    ids = list(by_id)
    children = list(unit.children().filter(kind__in=TERRITORIAL_KINDS))
    heads = [unit, *children]
    base = values
    population_id = _population_indicator_id()

    own = defaultdict(dict)  # unit id → indicator id → OwnValue
    own_ids = [*ids, population_id] if population_id else ids
    for row in base.filter(indicator_id__in=own_ids, unit__in=heads).values_list(
        "unit_id", "indicator_id", *OwnValue._fields
    ):
        own[row[0]][row[1]] = OwnValue(*row[2:])

    branch_of = {c.path: c.pk for c in children}
    below = _leaf_partials(base, ids, unit, branch_of, by_id, population_id)

    targets = _targets(ids, unit, children, year)
    # One Reading per Target, however many cells share it.
    by_target = {t.pk: t.reading() for t in targets.values()}
    target_readings = {key: by_target[t.pk] for key, t in targets.items()}
    rows = []
    child_partials = defaultdict(list)
    for child in children:
        cells = {}
        child_id, child_own = child.pk, own[child.pk]
        population = _population(child_own, below, child_id, population_id)
        for ind in indicators:
            ind_id = ind.pk
            own_value = child_own.get(ind_id)
            below_partial = below.get((child_id, ind_id))
            cells[ind_id] = _cell(
                ind, own_value, below_partial, target_readings.get((child_id, ind_id))
            )
            child_partials[ind_id].append(
                _partial_of_value(ind, own_value, child.name, population)
                if own_value is not None
                else below_partial
            )
        rows.append(Row(child.pk, child.path, child.code, child.name, child.is_leaf(), cells))

    total_cells = {}
    for ind in indicators:
        summed = Partial()
        for partial in child_partials[ind.pk]:
            if partial is not None:
                summed.add(partial)
        has_below = any(p is not None for p in child_partials[ind.pk])
        total_cells[ind.pk] = _cell(
            ind,
            own[unit.pk].get(ind.pk),
            summed if has_below else None,
            target_readings.get(ind.pk),
        )
    total = Row(unit.pk, unit.path, unit.code, unit.name, not children, total_cells)
    return Rollup(indicators, total, rows, {i: targets.get(i) for i in ids})


def _population_indicator_id():
    return Indicator.objects.filter(code=POPULATION_CODE).values_list("pk", flat=True).first()


def _leaf_partials(base, ids, unit, branch_of, by_id, population_id):
    """Partials per (child unit id, indicator id) from the leaves below each child."""
    prefix_length = (unit.depth + 1) * unit.steplen
    leaves = base.filter(
        unit__path__startswith=unit.path,
        # Children that are leaves answer for themselves through their own values.
        unit__depth__gt=unit.depth + 1,
        unit__numchild=0,
        unit__kind__in=TERRITORIAL_KINDS,
    ).annotate(branch=Substr("unit__path", 1, prefix_length))
    exact = Q(comparator="")
    with_weight = exact & Q(numeric__isnull=False, denominator__isnull=False)
    grouped = (
        leaves.filter(indicator_id__in=[*ids, population_id] if population_id else ids)
        .values("indicator_id", "branch")
        .annotate(
            s_total=Sum("numeric", filter=exact),
            s_num=Sum("numerator", filter=exact & Q(denominator__isnull=False)),
            s_den=Sum("denominator", filter=exact & Q(numerator__isnull=False)),
            s_wval=Sum(F("numeric") * F("denominator"), filter=with_weight),
            s_w=Sum("denominator", filter=with_weight),
            exact_numbers=Count("id", filter=exact & ~UNUSABLE),
            unweighted=Count("id", filter=exact & NEEDS_WEIGHT),
            left_out=Count("id", filter=~exact | UNUSABLE),
        )
    )
    partials = {}
    needs_weights = False
    for row in grouped:
        child_id = branch_of.get(row["branch"])
        if child_id is None:
            continue
        p = Partial(
            total=row["s_total"] or ZERO,
            numerator=row["s_num"] or ZERO,
            denominator=row["s_den"] or ZERO,
            weighted=row["s_wval"] or ZERO,
            weight=row["s_w"] or ZERO,
            has_numbers=bool(row["exact_numbers"]),
        )
        partials[(child_id, row["indicator_id"])] = p
        if row["left_out"] or row["unweighted"]:
            needs_weights = True
    if needs_weights:
        _weigh_by_population(base, leaves, partials, branch_of, by_id, population_id)
    return partials


def _weigh_by_population(base, leaves, partials, branch_of, by_id, population_id):
    """Leaf rates without their numerator and averages without their base:
    weight them by the denominator given with the rate, else by population,
    and name them; bounds, text and half-given values are named as left out.
    One query."""
    rows = leaves.filter(indicator_id__in=list(by_id)).filter(
        ~Q(comparator="") | UNUSABLE | NEEDS_WEIGHT
    )
    if population_id:
        population = base.filter(indicator_id=population_id, unit_id=OuterRef("unit_id")).values(
            "numeric"
        )[:1]
        rows = rows.annotate(population=Subquery(population))
    else:
        rows = rows.annotate(population=V(None))
    # Ordered by the tree, so that units are named the same way on every run.
    rows = rows.order_by("unit__path").values(
        "indicator_id", "branch", "unit__name", "comparator", "numeric", "denominator", "population"
    )
    for row in rows:
        p = partials[(branch_of[row["branch"]], row["indicator_id"])]
        indicator = by_id[row["indicator_id"]]
        if row["comparator"] or row["numeric"] is None:
            p.left_out_units.append(row["unit__name"])
            continue
        weight = row["population"]
        if indicator.kind == IndicatorKind.RATE and row["denominator"] is not None:
            weight = row["denominator"]
        _weigh(p, indicator, row["numeric"], weight, row["unit__name"])


def _weigh(partial, indicator, number, population, unit_name):
    if not population:
        partial.left_out_units.append(unit_name)
        return
    partial.has_numbers = True
    partial.estimated_units.append(unit_name)
    if indicator.kind == IndicatorKind.RATE:
        partial.numerator += number * population / indicator.factor
        partial.denominator += population
    else:
        partial.weighted += number * population
        partial.weight += population


def _population(own_values, below, unit_id, population_id):
    if not population_id:
        return None
    value = own_values.get(population_id)
    if value is not None and value.numeric is not None:
        return value.numeric
    partial = below.get((unit_id, population_id))
    return partial.total if partial is not None and partial.has_numbers else None


def _partial_of_value(indicator, value, unit_name, population):
    """A unit's own value as a Partial, for adding it into its parent's total."""
    p = Partial()
    has_parts = value.numerator is not None and value.denominator is not None
    if value.comparator or (value.numeric is None and not has_parts):
        p.left_out_units.append(unit_name)
        return p
    kind = indicator.kind
    if kind in (IndicatorKind.RATE, IndicatorKind.FRACTION) and has_parts:
        p.numerator, p.denominator, p.has_numbers = value.numerator, value.denominator, True
    elif kind == IndicatorKind.RATE and value.denominator is not None:
        _weigh(p, indicator, value.numeric, value.denominator, unit_name)
    elif kind in (IndicatorKind.RATE, IndicatorKind.AVERAGE) and value.numeric is not None:
        if kind == IndicatorKind.AVERAGE and value.denominator is not None:
            p.weighted, p.weight = value.numeric * value.denominator, value.denominator
            p.has_numbers = True
        else:
            _weigh(p, indicator, value.numeric, population, unit_name)
    elif value.numeric is not None:
        p.total, p.has_numbers = value.numeric, True
    return p


def _reading_of_partial(indicator, p):
    kind = indicator.kind
    if kind == IndicatorKind.TEXT or not p.has_numbers:
        return Reading("empty", None)
    if kind == IndicatorKind.COUNT:
        return Reading("number", p.total)
    if kind == IndicatorKind.FRACTION:
        return Reading("fraction", p.numerator, p.denominator)
    if kind == IndicatorKind.RATE:
        if not p.denominator:
            return Reading("empty", None)
        return Reading("number", p.numerator / p.denominator * indicator.factor)
    if not p.weight:
        return Reading("empty", None)
    return Reading("number", p.weighted / p.weight)


def _display(decimals, reading):
    if reading.kind == "number":
        return format_number(reading.value, decimals)
    if reading.kind == "fraction":
        return f"{format_number(reading.value, 0)}/{format_number(reading.value2, 0)}"
    return format_reading(reading)


def _cell(indicator, own_value, below_partial, target_reading):
    below_reading = (
        _reading_of_partial(indicator, below_partial) if below_partial is not None else None
    )

    def achievement(reading):
        if target_reading is None or reading.kind in ("empty", "text"):
            return None
        return evaluate(reading, target_reading, indicator.higher_is_better)

    if own_value is not None:
        reading = reading_of(own_value)
        differs = ""
        if below_reading is not None and below_reading.kind != "empty":
            below_display = _display(indicator.decimals, below_reading)
            if below_display != _display(indicator.decimals, reading):
                differs = below_display
        return Cell(
            reading,
            indicator.decimals,
            "own",
            differs_from_below=differs,
            achievement=achievement(reading),
        )
    if below_reading is None or below_reading.kind == "empty":
        left_out = tuple(below_partial.left_out_units) if below_partial else ()
        return Cell(
            Reading("empty", None), indicator.decimals, "none", bool(left_out), (), left_out
        )
    estimated = tuple(below_partial.estimated_units)
    left_out = tuple(below_partial.left_out_units)
    return Cell(
        below_reading,
        indicator.decimals,
        "below",
        estimate=bool(estimated or left_out),
        estimated_units=estimated,
        left_out_units=left_out,
        achievement=achievement(below_reading),
    )


def _targets(ids, unit, children, year):
    """Targets by (unit id, indicator id), and by indicator id for `unit`
    itself: a unit's own target, else the nearest one above it, else the
    national one. One query."""
    ancestor_paths = unit.ancestor_paths()
    rows = (
        Target.objects.filter(indicator_id__in=ids, year=year)
        .filter(
            Q(scope__isnull=True)
            | Q(scope__path__in=ancestor_paths)
            | Q(scope=unit)
            | Q(scope__in=children)
        )
        .select_related("scope")
    )
    # The most specific scope wins: national first, then down the tree.
    rows = sorted(rows, key=lambda t: t.scope.depth if t.scope_id else 0)
    inherited = {}
    own_children = {}
    child_ids = {c.pk for c in children}
    for target in rows:
        if target.scope_id in child_ids:
            own_children[(target.scope_id, target.indicator_id)] = target
        else:
            inherited[target.indicator_id] = target  # deeper scopes come later and win
    result = dict(inherited)
    for child in children:
        for indicator_id in ids:
            t = own_children.get((child.pk, indicator_id), inherited.get(indicator_id))
            if t is not None:
                result[(child.pk, indicator_id)] = t
    return result
