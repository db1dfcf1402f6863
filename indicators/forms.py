import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.models import FigureKind, IndicatorGroup

FIRST_YEAR = 2017  # Resolutions 20 and 21 date from 25/10/2017


def year_choices():
    return [(y, str(y)) for y in range(dt.date.today().year, FIRST_YEAR - 1, -1)]


class RollupForm(forms.Form):
    """What to roll up: an indicator group, a year and a figure kind."""

    group = forms.ModelChoiceField(
        label=_("Indicator group"),
        queryset=IndicatorGroup.objects.all(),
        to_field_name="code",
        empty_label=None,
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, choices=year_choices)
    figure = forms.ChoiceField(
        label=_("Figure"), choices=FigureKind.choices, initial=FigureKind.ACTUAL
    )
