"""Demo data of emulation movements: seed 003's movement of Huyện Hồng Ngự in
2021, its six key targets, its 10 communes' 6-month and year-end figures and
declarations, and a first award list (fixtures/indicators/movement_hong_ngu_2021.json).

Runs after portal.demo and indicators.demo (units, directives, catalogue and
the generated 2021 figures, which the year-end figures here replace). Every
step compares before it writes, so loading twice adds no row and no history.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from indicators.models import FigureKind, Indicator, Value
from indicators.models_movements import (
    AwardKind,
    AwardProposal,
    Checkpoint,
    KeyTarget,
    KeyTargetKind,
    Movement,
    Participation,
)
from indicators.numbers import format_number, parse
from indicators.standing import declare, propose_award
from indicators.values import record_value, target_fields
from portal.demo import read_fixture, upsert
from portal.models import Directive, ReportingUnit

FIXTURE = "indicators/movement_hong_ngu_2021.json"
REVIEWER = "syt"


def _units():
    return {u.code: u for u in ReportingUnit.objects.filter(valid_from=None)}


def load_movement(data, units):
    row = data["movement"]
    unit = units[row["unit"]]
    movement = upsert(
        Movement,
        {"unit": unit, "year": row["year"], "title": row["title"]},
        {
            "directive": Directive.objects.filter(number_symbol=row["directive"]).first(),
            "quota_collectives": row["quota_collectives"],
            "quota_individuals": row["quota_individuals"],
        },
    )
    for code in data["participants"]:
        Participation.objects.get_or_create(movement=movement, unit=units[code])
    indicators = {i.code: i for i in Indicator.objects.all()}
    for target in data["key_targets"]:
        statement = target["indicator"] is None
        fields = {"comparator": "", "value": None, "value2": None, "text": ""}
        if not statement:
            fields = target_fields(parse(target["target"]))
        upsert(
            KeyTarget,
            {"movement": movement, "position": target["position"]},
            {
                "label": target["label"],
                "kind": KeyTargetKind.STATEMENT if statement else KeyTargetKind.INDICATOR,
                "indicator": None if statement else indicators[target["indicator"]],
                **fields,
            },
        )
    return movement


def _typed(indicator, entry):
    """What a commune would type, and the numerator and denominator it would give."""
    if isinstance(entry, str):
        return entry, None, None
    numerator, denominator = (Decimal(n) for n in entry)
    rate = numerator / denominator * indicator.factor
    return format_number(rate, indicator.decimals), numerator, denominator


def load_values(data, movement, units):
    indicators = {i.code: i for i in Indicator.objects.all()}
    for period, by_unit in data["values"].items():
        for code, entries in by_unit.items():
            unit = units[code]
            for indicator_code, entry in entries.items():
                indicator = indicators[indicator_code]
                typed, numerator, denominator = _typed(indicator, entry)
                stored = Value.objects.filter(
                    indicator=indicator,
                    unit=unit,
                    year=movement.year,
                    period=period,
                    figure=FigureKind.ACTUAL,
                ).first()
                if stored is not None and (stored.text, stored.numerator, stored.denominator) == (
                    typed,
                    numerator if numerator is not None else stored.numerator,
                    denominator if denominator is not None else stored.denominator,
                ):
                    continue
                record_value(
                    indicator,
                    unit,
                    movement.year,
                    FigureKind.ACTUAL,
                    typed,
                    period=period,
                    numerator=numerator,
                    denominator=denominator,
                )


def load_declarations(data, movement, units):
    key_targets = {k.position: k for k in movement.key_targets.all()}
    answers = {}
    for checkpoint, by_target in data["declarations"]["default"].items():
        for position, (holds, evidence) in by_target.items():
            for code in data["participants"]:
                answers[(checkpoint, code, int(position))] = (holds, evidence)
    for row in data["declarations"]["exceptions"]:
        answers[(row["checkpoint"], row["unit"], row["target"])] = (row["holds"], row["evidence"])
    for (checkpoint, code, position), (holds, evidence) in answers.items():
        declare(key_targets[position], units[code], Checkpoint(checkpoint), holds, evidence)


def load_awards(data, movement, units):
    reviewer = get_user_model().objects.filter(username=REVIEWER).first()
    for row in data["awards"]:
        unit = units[row["unit"]]
        person_name = row.get("person_name", "")
        if AwardProposal.objects.filter(
            movement=movement, kind=row["kind"], unit=unit, person_name=person_name
        ).exists():
            continue
        propose_award(
            movement,
            kind=AwardKind(row["kind"]),
            unit=unit,
            reason=row["reason"],
            user=reviewer,
            person_name=person_name,
            person_title=row.get("person_title", ""),
        )


@transaction.atomic
def load():
    data = read_fixture(FIXTURE)
    units = _units()
    movement = load_movement(data, units)
    load_values(data, movement, units)
    load_declarations(data, movement, units)
    load_awards(data, movement, units)
    return movement


def value_rows_added():
    """How many Value rows the demo adds: the 6-month figures (the year-end ones
    replace generated rows). tests/portal/test_demo.py counts them."""
    return sum(len(entries) for entries in read_fixture(FIXTURE)["values"]["H1"].values())
