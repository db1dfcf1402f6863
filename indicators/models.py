from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from indicators.numbers import Comparator, Reading
from portal.models import Directive, ReportingUnit


class IndicatorKind(models.TextChoices):
    COUNT = "count", _("Count")
    RATE = "rate", _("Rate")
    FRACTION = "fraction", _("Fraction x/N")
    AVERAGE = "average", _("Weighted average")
    TEXT = "text", _("Text")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class IndicatorGroup(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("indicator group")
        verbose_name_plural = _("indicator groups")
        ordering = ["position", "code"]

    def __str__(self):
        return self.name


class Indicator(models.Model):
    """What is measured, and how it rolls up (see indicators/rollup.py).

    A rate keeps its `factor` (100 for %, 1,000 for ‰, 10,000 per ten thousand
    people, 100,000); an average is weighted by the base stored as the value's
    denominator (population for life expectancy).
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=300)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    factor = models.DecimalField(_("factor"), max_digits=9, decimal_places=0, null=True, blank=True)
    decimals = models.PositiveSmallIntegerField(_("decimals"), default=2)
    definition = models.TextField(_("definition"), blank=True)
    group = models.ForeignKey(
        IndicatorGroup,
        verbose_name=_("group"),
        on_delete=models.PROTECT,
        related_name="indicators",
        null=True,
        blank=True,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    directives = models.ManyToManyField(
        Directive, verbose_name=_("directives"), blank=True, related_name="indicators"
    )
    history = HistoricalRecords(m2m_fields=[directives])

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["group__position", "position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="rate") | models.Q(factor__gt=0),
                name="indicator_rate_has_factor",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def higher_is_better(self):
        return self.direction == Direction.HIGHER


class Target(models.Model):
    """A target set by a directive for a scope and a year or horizon.

    Stored as numbers with a comparator ("< 14", "≥ 91", "khoảng 74", a
    range) so that it can be evaluated; `text` keeps targets that are words.
    """

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    directive = models.ForeignKey(
        Directive,
        verbose_name=_("directive"),
        on_delete=models.PROTECT,
        related_name="targets",
        null=True,
        blank=True,
    )
    scope = models.ForeignKey(
        ReportingUnit,
        verbose_name=_("scope"),
        on_delete=models.CASCADE,
        related_name="targets",
        null=True,
        blank=True,
        help_text=_("Empty for a national target."),
    )
    year = models.PositiveSmallIntegerField(_("year or horizon"))
    comparator = models.CharField(
        _("comparator"), max_length=10, choices=Comparator.choices, blank=True
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    value2 = models.DecimalField(
        _("second value"),
        max_digits=20,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("The upper end of a range, or N in x/N."),
    )
    text = models.CharField(_("as written"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["indicator", "year"]
        constraints = [
            # One target per indicator, directive, scope and year; a missing
            # directive or scope (a national target) counts as a value.
            models.UniqueConstraint(
                fields=["indicator", "directive", "scope", "year"], name="target_unique"
            ),
            models.UniqueConstraint(
                fields=["indicator", "scope", "year"],
                condition=models.Q(directive__isnull=True),
                name="target_unique_without_directive",
            ),
            models.UniqueConstraint(
                fields=["indicator", "directive", "year"],
                condition=models.Q(scope__isnull=True),
                name="target_unique_national",
            ),
        ]

    def __str__(self):
        return f"{self.indicator} {self.year}: {self.text}"

    def reading(self) -> Reading:
        from indicators.values import reading_of

        return reading_of(self)


class PeriodKind(models.TextChoices):
    """The span a figure covers, ending in its year (a round's period, see
    reports.models.ReportingRound.period)."""

    YEAR = "Y", _("Year")
    H1 = "H1", _("First 6 months")
    H2 = "H2", _("Last 6 months")
    Q1 = "Q1", _("Quarter 1")
    Q2 = "Q2", _("Quarter 2")
    Q3 = "Q3", _("Quarter 3")
    Q4 = "Q4", _("Quarter 4")
    REVIEW = "R", _("Multi-year review")
