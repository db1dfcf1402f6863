"""Demo data of emulation movements: seed 003's movement of Huyện Hồng Ngự in
2021, its six key targets, its 10 communes' declarations, and a first award
list (fixtures/indicators/movement_hong_ngu_2021.json). The communes' 6-month
and year-end figures are filed as their reports by reports/demo.py.

Runs after portal.demo and indicators.demo (units, directives, catalogue).
Every step compares before it writes, so loading twice adds no row and no
history.
"""

from django.contrib.auth import get_user_model
from django.db import transaction

from indicators.models import Indicator
from indicators.numbers import parse
from indicators.values import target_fields
from movements.models import (
    AwardKind,
    AwardProposal,
    Checkpoint,
    KeyTarget,
    KeyTargetKind,
    Movement,
    Participation,
)
from movements.standing import declare, propose_award
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
    load_declarations(data, movement, units)
    return movement


@transaction.atomic
def load_award_list():
    """The first award list: after reports/demo.py has filed the communes'
    figures, which the standing it checks reads."""
    data = read_fixture(FIXTURE)
    units = _units()
    movement = Movement.objects.get(
        unit=units[data["movement"]["unit"]], year=data["movement"]["year"]
    )
    load_awards(data, movement, units)
