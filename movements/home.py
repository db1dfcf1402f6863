"""The home page: the user's units, their reports and their emulation movements.

It lives in the highest app whose data it shows (movements sits above reports),
so that portal, which every app imports, imports none of them.
portal/urls.py routes "" here.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from movements.standing import movements_for
from portal import permissions
from reports.selectors import home_lists


@login_required
def home(request):
    return render(
        request,
        "portal/home.html",
        {
            "memberships": permissions.memberships(request.user),
            "top_units": permissions.top_units(request.user),
            "my_movements": movements_for(request.user),
            **home_lists(request.user),
        },
    )
