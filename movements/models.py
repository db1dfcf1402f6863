"""Emulation movements (phong trào thi đua): seed 003.

A unit (a district, the province) launches a movement under a directive for a
year, names its key targets and the units that take part, and rewards the
units that meet every target. Key targets are either indicator targets with a
comparator ("≤ 11,88", "< 1", "≥ 91", "1/1"), evaluated from the units'
reported values, or yes/no statements ("no major food poisoning") that each
unit declares with evidence. The rules live in movements/standing.py.

The models were born in the indicators app and keep its tables
(`indicators_movement`, …, and their history tables): moving them here
changed no row (movements/migrations/0001_initial.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.models import Indicator
from indicators.numbers import Comparator, Reading
from portal.models import Directive, ReportingUnit


class Checkpoint(models.TextChoices):
    """When units report on a movement: every 6 months and at year end (seed 003,
    section V). The codes are those of Value.period, so a checkpoint reads the
    values of its period."""

    HALF_YEAR = "H1", _("6 months")
    YEAR_END = "Y", _("Year end")


class Movement(models.Model):
    unit = models.ForeignKey(
        ReportingUnit,
        verbose_name=_("launched by"),
        on_delete=models.PROTECT,
        related_name="movements",
    )
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("directive"),
        on_delete=models.PROTECT,
        related_name="movements",
        null=True,
        blank=True,
        help_text=_("The plan that launches the movement."),
    )
    title = models.CharField(_("title"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"))
    quota_collectives = models.PositiveSmallIntegerField(
        _("collectives to reward"), default=0, help_text=_("At most this many collectives.")
    )
    quota_individuals = models.PositiveSmallIntegerField(
        _("individuals to reward"), default=0, help_text=_("At most this many individuals.")
    )
    # The award list as an official document, stored as a report stores its
    # own (reports.models.Report): the number and symbol as written (blank
    # until the list is registered at signing), the authority words and the
    # title of who signs, the date signed and who receives it.
    number_symbol = models.CharField(
        _("award list number and symbol"),
        max_length=50,
        blank=True,
        help_text=_("For example 15/DS-UBND; empty until the list is signed."),
    )
    signed_on = models.DateField(_("award list signed on"), null=True, blank=True)
    authority = models.TextField(
        _("authority words"),
        blank=True,
        help_text=_("One per line: TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH"),
    )
    position = models.CharField(_("signer's title"), max_length=100, blank=True)
    signer = models.CharField(_("signer"), max_length=100, blank=True)
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line"))
    history = HistoricalRecords(table_name="indicators_historicalmovement")

    class Meta:
        db_table = "indicators_movement"
        verbose_name = _("emulation movement")
        verbose_name_plural = _("emulation movements")
        ordering = ["-year", "title"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "title"], name="movement_unique")
        ]

    def __str__(self):
        return self.title


class Participation(models.Model):
    movement = models.ForeignKey(
        Movement,
        verbose_name=_("movement"),
        on_delete=models.CASCADE,
        related_name="participations",
    )
    unit = models.ForeignKey(
        ReportingUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="movement_participations",
    )
    history = HistoricalRecords(table_name="indicators_historicalparticipation")

    class Meta:
        db_table = "indicators_participation"
        verbose_name = _("participating unit")
        verbose_name_plural = _("participating units")
        constraints = [
            models.UniqueConstraint(fields=["movement", "unit"], name="participation_unique")
        ]

    def __str__(self):
        return f"{self.movement} · {self.unit}"


class KeyTargetKind(models.TextChoices):
    INDICATOR = "indicator", _("Indicator target")
    STATEMENT = "statement", _("Yes/no target")


class KeyTarget(models.Model):
    """One key target (chỉ tiêu trọng tâm), the same for every participating unit.

    An indicator target is stored as indicators.Target stores one (comparator,
    value, value2, text as written) so that the achievement rule applies to it
    unchanged; a statement has no indicator and is declared by each unit.
    """

    movement = models.ForeignKey(
        Movement,
        verbose_name=_("movement"),
        on_delete=models.CASCADE,
        related_name="key_targets",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("key target"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=KeyTargetKind.choices)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("indicator"),
        on_delete=models.PROTECT,
        related_name="key_targets",
        null=True,
        blank=True,
    )
    comparator = models.CharField(
        _("comparator"), max_length=10, choices=Comparator.choices, blank=True
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    value2 = models.DecimalField(
        _("second value"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    text = models.CharField(
        _("target for each unit, as written"),
        max_length=500,
        blank=True,
        help_text=_("For example ≤ 11,88 or 1/1; empty for a yes/no target."),
    )
    history = HistoricalRecords(table_name="indicators_historicalkeytarget")

    class Meta:
        db_table = "indicators_keytarget"
        verbose_name = _("key target")
        verbose_name_plural = _("key targets")
        ordering = ["movement", "position"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "position"], name="key_target_position"),
            models.CheckConstraint(
                condition=(models.Q(kind="indicator") & models.Q(indicator__isnull=False))
                | (models.Q(kind="statement") & models.Q(indicator__isnull=True)),
                name="key_target_kind_matches_indicator",
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def is_statement(self):
        return self.kind == KeyTargetKind.STATEMENT

    def reading(self) -> Reading:
        """The target as a Reading, exactly as indicators.values.reading_of reads a Target."""
        comparator = Comparator(self.comparator) if self.comparator else None
        if comparator == Comparator.RANGE:
            return Reading("range", self.value, self.value2, comparator, text=self.text)
        if comparator is not None:
            return Reading("bound", self.value, None, comparator, text=self.text)
        if self.value is not None and self.value2 is not None:
            return Reading("fraction", self.value, self.value2, text=self.text)
        if self.value is not None:
            return Reading("number", self.value, text=self.text)
        if self.text:
            return Reading("text", None, text=self.text)
        return Reading("empty", None)


class Declaration(models.Model):
    """A unit's answer to a yes/no key target at a checkpoint, with its evidence."""

    key_target = models.ForeignKey(
        KeyTarget,
        verbose_name=_("key target"),
        on_delete=models.CASCADE,
        related_name="declarations",
    )
    unit = models.ForeignKey(
        ReportingUnit,
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="movement_declarations",
    )
    checkpoint = models.CharField(_("checkpoint"), max_length=2, choices=Checkpoint.choices)
    holds = models.BooleanField(
        _("the statement holds"), help_text=_("Yes: the target is met (e.g. no major epidemic).")
    )
    evidence = models.TextField(_("evidence"), blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("declared at"), auto_now=True)
    history = HistoricalRecords(table_name="indicators_historicaldeclaration")

    class Meta:
        db_table = "indicators_declaration"
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        constraints = [
            models.UniqueConstraint(
                fields=["key_target", "unit", "checkpoint"], name="declaration_unique"
            )
        ]

    def __str__(self):
        return f"{self.key_target} · {self.unit} · {self.checkpoint}"


class AwardKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collective")
    INDIVIDUAL = "individual", _("Individual")


class AwardProposal(models.Model):
    """A line of the award list: a collective (a unit) or a person of a unit."""

    movement = models.ForeignKey(
        Movement,
        verbose_name=_("movement"),
        on_delete=models.CASCADE,
        related_name="award_proposals",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AwardKind.choices)
    unit = models.ForeignKey(
        ReportingUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="award_proposals",
    )
    person_name = models.CharField(_("full name"), max_length=200, blank=True)
    person_title = models.CharField(_("job title"), max_length=200, blank=True)
    reason = models.TextField(_("achievement"))
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    history = HistoricalRecords(table_name="indicators_historicalawardproposal")

    class Meta:
        db_table = "indicators_awardproposal"
        verbose_name = _("award proposal")
        verbose_name_plural = _("award proposals")
        ordering = ["movement", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["movement", "unit"],
                condition=models.Q(kind="collective"),
                name="award_collective_once",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="collective") & models.Q(person_name=""))
                | (models.Q(kind="individual") & ~models.Q(person_name="")),
                name="award_person_only_for_individuals",
            ),
        ]

    def __str__(self):
        return self.person_name or str(self.unit)
