"""The roll-up page: indicators × the units below a unit, from the official
series (reports/figures.py), saying which reports' figures it counts."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from indicators.charts import chart_for
from indicators.models import IndicatorGroup, PeriodKind
from portal import permissions
from reports.figures import Counted, official_rollup, report_statuses
from reports.forms import RollupForm
from reports.models import ValueColumn

DEFAULT_YEAR = 2020


@login_required
def rollup_page(request):
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
        "period": PeriodKind.YEAR,
        "column": ValueColumn.ACTUAL,
        "counted": Counted.ACCEPTED,
    }
    form = RollupForm({**defaults, **request.GET.dict()})
    context = {"form": form, "unit": unit, "ancestors": _visible_ancestors(request.user, unit)}
    if form.is_valid():
        data = form.cleaned_data
        table = official_rollup(
            data["group"].indicators.all(),
            unit,
            data["year"],
            data["period"],
            data["column"],
            data["counted"],
        )
        keep = request.GET.copy()
        keep.pop("unit", None)
        context.update(
            table=table,
            keep=keep.urlencode(),
            counted=Counted(data["counted"]),
            statuses=report_statuses([unit.pk, *(r.unit_id for r in table.children)], data),
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
