"""The standing of an emulation movement, its declarations and its award list (seed 003).

Standing at a checkpoint. The 6-month checkpoint reads the actual values of
period "H1", the year-end checkpoint those of period "Y", both for the
movement's year. Each key target of each participating unit is:
- met or not met: an indicator target by the achievement rule
  (indicators/achievement.py) applied to the unit's value and the target; a
  yes/no target by the unit's declaration;
- missing: no value, or no declaration;
- not comparable: a value the rule cannot compare with the target, above all
  a text answer ("đang tổng hợp").
Only a target met counts. The share is targets met ÷ key targets. Units are
sorted by share, highest first; equal shares share a rank (1, 2, 2, 4) and
are listed by unit code. A unit meets 100% when every key target is met: a
missing or a text answer is not a target met, whatever the unit may have meant.

Awards (seed 003, section IV). From the year-end standing, the reviewer picks
at most the movement's quota of collectives, each a unit meeting 100%, and at
most its quota of individuals, each working in a unit of the movement, each
with the achievement that earns it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.achievement import Status, evaluate
from indicators.numbers import EMPTY, format_number, format_reading
from indicators.values import reading_of
from movements.models import (
    AwardKind,
    AwardProposal,
    Checkpoint,
    Declaration,
    KeyTarget,
    Movement,
    Participation,
)
from portal import permissions
from portal.models import ReportingUnit

# Standings read the official series (accepted reports' figures): movements sit above reports.
from reports.figures import official_values


class Mark(models.TextChoices):
    MET = "met", gettext_lazy("Met")
    NOT_MET = "not_met", gettext_lazy("Not met")
    MISSING = "missing", gettext_lazy("Missing")
    NOT_COMPARABLE = "not_comparable", gettext_lazy("Not comparable")


_MARK_OF_STATUS = {
    Status.ACHIEVED: Mark.MET,
    Status.NOT_ACHIEVED: Mark.NOT_MET,
    Status.NOT_COMPARABLE: Mark.NOT_COMPARABLE,
}


@dataclass(frozen=True)
class Result:
    """One key target of one unit at a checkpoint."""

    key_target: KeyTarget
    mark: str
    shown: str = ""  # the value as reported, or "Yes"/"No" for a declaration
    evidence: str = ""

    @property
    def mark_label(self):
        return Mark(self.mark).label


@dataclass
class Row:
    """A participating unit's line of the standing."""

    unit: ReportingUnit
    results: list[Result] = field(default_factory=list)
    rank: int = 0

    @property
    def met(self):
        return sum(1 for r in self.results if r.mark == Mark.MET)

    @property
    def total(self):
        return len(self.results)

    @property
    def share(self) -> Fraction:
        # Exact, so that 5 of 6 ties with 5 of 6 whatever the rounding of the display.
        return Fraction(self.met, self.total) if self.total else Fraction(0)

    @property
    def share_display(self):
        """The share in per cent as Vietnamese documents print it: "100", "83,3"."""
        percent = Decimal(self.met * 100) / Decimal(self.total) if self.total else Decimal(0)
        if percent == percent.to_integral_value():
            return format_number(int(percent))
        return format_number(percent, 1)

    @property
    def complete(self):
        return self.total > 0 and self.met == self.total


def ranked(rows: list[Row]) -> list[Row]:
    """Rows by share (highest first) then unit code; equal shares share a rank (1, 2, 2, 4)."""
    ordered = sorted(rows, key=lambda r: (-r.share, r.unit.code))
    for index, row in enumerate(ordered):
        previous = ordered[index - 1] if index else None
        row.rank = previous.rank if previous and previous.share == row.share else index + 1
    return ordered


def _shown(reading, indicator):
    # What the unit typed, as typed; a figure entered without text (an import)
    # is written with the indicator's decimals.
    return reading.text or format_reading(reading, indicator.decimals)


def _indicator_result(key_target, value) -> Result:
    reading = reading_of(value) if value is not None else None
    if reading is None or reading.kind == EMPTY:
        return Result(key_target, Mark.MISSING)
    # A text answer is not comparable by the achievement rule itself.
    achievement = evaluate(reading, key_target.reading(), key_target.indicator.higher_is_better)
    return Result(
        key_target, _MARK_OF_STATUS[achievement.status], _shown(reading, key_target.indicator)
    )


def _statement_result(key_target, declaration) -> Result:
    if declaration is None:
        return Result(key_target, Mark.MISSING)
    return Result(
        key_target,
        Mark.MET if declaration.holds else Mark.NOT_MET,
        _("Yes") if declaration.holds else _("No"),
        declaration.evidence,
    )


def participants(movement) -> list[ReportingUnit]:
    return list(
        ReportingUnit.objects.filter(movement_participations__movement=movement).order_by("code")
    )


def standing(movement, checkpoint) -> list[Row]:
    """Each participating unit's key targets at the checkpoint, ranked (module docstring)."""
    checkpoint = Checkpoint(checkpoint)
    key_targets = list(movement.key_targets.select_related("indicator").order_by("position"))
    units = participants(movement)
    values = {
        (v.unit_id, v.indicator_id): v
        for v in official_values(movement.year, checkpoint).filter(
            unit__in=units,
            indicator_id__in={k.indicator_id for k in key_targets if not k.is_statement},
        )
    }
    declarations = {
        (d.unit_id, d.key_target_id): d
        for d in Declaration.objects.filter(key_target__movement=movement, checkpoint=checkpoint)
    }
    rows = []
    for unit in units:
        results = [
            _statement_result(k, declarations.get((unit.pk, k.pk)))
            if k.is_statement
            else _indicator_result(k, values.get((unit.pk, k.indicator_id)))
            for k in key_targets
        ]
        rows.append(Row(unit, results))
    return ranked(rows)


def complete_units(rows: list[Row]) -> list[ReportingUnit]:
    """The units meeting 100% of the key targets."""
    return [r.unit for r in rows if r.complete]


def current_checkpoint(movement) -> Checkpoint:
    """Year end once any participating unit has a year-end figure or declaration, else 6 months."""
    units = Participation.objects.filter(movement=movement).values("unit")
    indicators = movement.key_targets.exclude(indicator=None).values("indicator")
    year_end = official_values(movement.year, Checkpoint.YEAR_END).filter(
        unit__in=units, indicator__in=indicators
    ).exists() or (
        Declaration.objects.filter(
            key_target__movement=movement, checkpoint=Checkpoint.YEAR_END
        ).exists()
    )
    return Checkpoint.YEAR_END if year_end else Checkpoint.HALF_YEAR


# ------------------------------------------------------------------------ who sees what


def visible_movements(user):
    """The movements whose issuing unit or one of whose participating units the user reaches.

    A participating commune sees the whole standing: an emulation movement
    publishes its ranking to those who take part.
    """
    issued = permissions.scope(user, Movement.objects.all(), unit_field="unit").values("pk")
    joined = permissions.scope(user, Participation.objects.all(), unit_field="unit").values(
        "movement_id"
    )
    return Movement.objects.filter(Q(pk__in=issued) | Q(pk__in=joined))


def get_movement_for_user(user, pk):
    """The movement if the user sees it; 404 alike for missing and not visible."""
    movement = visible_movements(user).select_related("unit", "directive").filter(pk=pk).first()
    if movement is None:
        raise Http404("No such movement in your scope.")
    return movement


def may_propose_awards(user, movement):
    """Reviewers of the issuing unit (and of the units above it) draw up the award list."""
    return permissions.can(user, "review", movement.unit)


def declarable_units(user, movement) -> list[ReportingUnit]:
    """The participating units whose declarations the user may fill in."""
    return [u for u in participants(movement) if permissions.can(user, "fill", u)]


@dataclass
class MyMovement:
    movement: Movement
    checkpoint: Checkpoint
    mine: list[Row]  # the rows of the user's own units that take part
    complete: int
    participants: int


HOME_MOVEMENTS = 5


def movements_for(user) -> list[MyMovement]:
    """The movements for the user's home page, each at its current checkpoint."""
    member_units = {m.unit_id for m in permissions.memberships(user)}
    found = []
    # A home page shows the latest few; each costs its own standing queries,
    # and the movement list has them all.
    latest = visible_movements(user).select_related("unit").order_by("-year", "title")
    for movement in latest[:HOME_MOVEMENTS]:
        checkpoint = current_checkpoint(movement)
        rows = standing(movement, checkpoint)
        found.append(
            MyMovement(
                movement=movement,
                checkpoint=checkpoint,
                mine=[r for r in rows if r.unit.pk in member_units],
                complete=sum(1 for r in rows if r.complete),
                participants=len(rows),
            )
        )
    return found


# ---------------------------------------------------------------------------- declarations


def declare(key_target, unit, checkpoint, holds, evidence, user=None):
    """Record a unit's yes/no answer with its evidence; `holds=None` withdraws it.

    Writes nothing when the answer is unchanged, so that history only keeps changes.
    Raises ValidationError (message for the user) when the evidence is missing.
    """
    checkpoint = Checkpoint(checkpoint)
    if not key_target.is_statement:
        raise ValueError("only a yes/no key target is declared")
    if not Participation.objects.filter(movement_id=key_target.movement_id, unit=unit).exists():
        raise ValueError(f"{unit} does not take part in {key_target.movement}")
    lookup = {"key_target": key_target, "unit": unit, "checkpoint": checkpoint}
    existing = Declaration.objects.filter(**lookup).first()
    if holds is None:
        if existing is not None:
            existing.delete()
        return None
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError(
            _("Give the evidence for this answer (what happened, which report shows it).")
        )
    if existing is not None and (existing.holds, existing.evidence) == (holds, evidence):
        return existing
    declaration, _created = Declaration.objects.update_or_create(
        **lookup, defaults={"holds": holds, "evidence": evidence, "declared_by": user}
    )
    return declaration


# ------------------------------------------------------------------------------ awards


def award_list(movement):
    """(collectives, individuals) of the award list, in the order they were proposed."""
    proposals = list(
        AwardProposal.objects.filter(movement=movement).select_related("unit").order_by("pk")
    )
    return (
        [p for p in proposals if p.kind == AwardKind.COLLECTIVE],
        [p for p in proposals if p.kind == AwardKind.INDIVIDUAL],
    )


def propose_award(
    movement, *, kind, unit, reason, user=None, person_name="", person_title=""
) -> AwardProposal:
    """Add a collective or an individual to the award list.

    Raises ValidationError keyed by field ("kind", "unit", "person_name",
    "reason") with a message for the user: a collective must meet 100% of the
    key targets at year end and be on the list once; an individual needs a
    name and must work in a unit of the movement; neither list may exceed the
    movement's quota.
    """
    reason = (reason or "").strip()
    person_name = " ".join((person_name or "").split())
    person_title = (person_title or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Give the achievement for which the award is proposed.")
    if unit is None:
        errors["unit"] = _("Choose a unit.")
    with transaction.atomic():
        # Two reviewers adding the last place at once must not both get it:
        # the movement's row is the lock that orders quota checks.
        Movement.objects.select_for_update().filter(pk=movement.pk).first()
        taken = AwardProposal.objects.filter(movement=movement, kind=kind).count()
        if kind == AwardKind.COLLECTIVE:
            person_name = person_title = ""
            if taken >= movement.quota_collectives:
                errors["kind"] = _(
                    "The list already has %(count)s collectives, the quota of this movement; "
                    "remove one before adding another."
                ) % {"count": format_number(movement.quota_collectives)}
            if unit is not None:
                errors.update(_collective_errors(movement, unit))
        elif kind == AwardKind.INDIVIDUAL:
            if taken >= movement.quota_individuals:
                errors["kind"] = _(
                    "The list already has %(count)s individuals, the quota of this movement; "
                    "remove one before adding another."
                ) % {"count": format_number(movement.quota_individuals)}
            if not person_name:
                errors["person_name"] = _("Give the person's full name.")
            in_movement = unit is not None and (
                unit.pk == movement.unit_id
                or Participation.objects.filter(movement=movement, unit=unit).exists()
            )
            if unit is not None and not in_movement:
                errors["unit"] = _("%(unit)s neither launched nor takes part in this movement.") % {
                    "unit": unit.name
                }
        else:
            errors["kind"] = _("Choose a collective or an individual.")
        if errors:
            raise ValidationError(errors)
        return AwardProposal.objects.create(
            movement=movement,
            kind=kind,
            unit=unit,
            person_name=person_name,
            person_title=person_title,
            reason=reason,
            proposed_by=user,
        )


def _collective_errors(movement, unit):
    row = next((r for r in standing(movement, Checkpoint.YEAR_END) if r.unit.pk == unit.pk), None)
    if row is None:
        return {"unit": _("%(unit)s does not take part in this movement.") % {"unit": unit.name}}
    if not row.complete:
        return {
            "unit": _(
                "%(unit)s met %(met)s of %(total)s key targets at year end: only a unit that "
                "meets all of them (100%%) can be proposed as a collective."
            )
            % {"unit": unit.name, "met": row.met, "total": row.total}
        }
    if AwardProposal.objects.filter(
        movement=movement, kind=AwardKind.COLLECTIVE, unit=unit
    ).exists():
        return {"unit": _("%(unit)s is already on the list.") % {"unit": unit.name}}
    return {}
