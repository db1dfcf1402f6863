from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from indicators.charts import chart_for
from indicators.forms import RollupForm
from indicators.models import FigureKind, IndicatorGroup
from indicators.rollup import rollup
from portal import permissions

DEFAULT_YEAR = 2020


@login_required
def rollup_page(request):
    """Indicators × the units below a unit, with the unit's total and target."""
    unit_pk = request.GET.get("unit")
    if unit_pk:
        if not (unit_pk.isascii() and unit_pk.isdigit()):
            raise Http404("No such unit.")
        unit = permissions.get_unit_for_user(request.user, int(unit_pk))
    else:
        top = permissions.top_units(request.user)
        if not top:
            raise Http404("No unit in your scope.")
        unit = top[0]
    first_group = IndicatorGroup.objects.first()
    defaults = {
        "group": first_group.code if first_group else "",
        "year": DEFAULT_YEAR,
        "figure": FigureKind.ACTUAL,
    }
    form = RollupForm({**defaults, **request.GET.dict()})
    context = {"form": form, "unit": unit, "ancestors": _visible_ancestors(request.user, unit)}
    if form.is_valid():
        group = form.cleaned_data["group"]
        table = rollup(
            group.indicators.all(), unit, form.cleaned_data["year"], form.cleaned_data["figure"]
        )
        context.update(
            table=table,
            charts=[chart_for(table, indicator) for indicator in table.indicators],
            drillable={
                row.unit_id
                for row in table.children
                if permissions.can(request.user, "view", _Unit(row))
            },
        )
    return render(request, "indicators/rollup.html", context)


class _Unit:
    """Just enough of a unit for `permissions.can`, without a query per row."""

    def __init__(self, row):
        self.pk = row.unit_id
        self.path = row.path


def _visible_ancestors(user, unit):
    return [a for a in unit.ancestors() if permissions.can(user, "view", a)]
