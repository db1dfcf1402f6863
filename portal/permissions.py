"""Every scoping decision of the portal: who may do what to which unit's objects.

A permission is a question about a user, an action and an object:
`can(user, "view", unit)`. Querysets are narrowed with `scope(user, qs)`, and
single objects are fetched with `get_unit_for_user(user, pk)`, which answers
404 alike for "missing" and "not yours" so that ids of other units leak nothing.
"""

from django.db.models import Q
from django.http import Http404

from portal.models import SUBTREE_ROLES, Membership, ReportingUnit, Role

ALL_ROLES = frozenset(Role.values)

ACTION_ROLES = {
    "view": ALL_ROLES,
    "fill": frozenset({Role.REPORTER, Role.APPROVER}),
    "submit": frozenset({Role.APPROVER}),
    "review": frozenset({Role.REVIEWER, Role.ADMINISTRATOR}),
    "administer": frozenset({Role.ADMINISTRATOR}),
}


def memberships(user):
    """The user's memberships with their units, loaded once per request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_portal_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("unit"))
        user._portal_memberships = cached
    return cached


def _unit_q(user, action, unit_field):
    """A Q object selecting the units on which `user` may do `action`."""
    prefix = f"{unit_field}__" if unit_field else ""
    if user.is_authenticated and user.is_superuser:
        return Q()
    allowed_roles = ACTION_ROLES[action]
    q = Q(pk__in=[])
    for m in memberships(user):
        if m.role not in allowed_roles:
            continue
        if m.role in SUBTREE_ROLES:
            q |= Q(**{f"{prefix}path__startswith": m.unit.path})
        else:
            q |= Q(**{f"{prefix}pk" if prefix else "pk": m.unit_id})
    return q


def scope(user, queryset, action="view", unit_field=None):
    """Narrow `queryset` to the objects whose unit `user` may `action`.

    `unit_field` names the foreign key to ReportingUnit ("unit",
    "report__unit"); leave it out for a queryset of units.
    """
    return queryset.filter(_unit_q(user, action, unit_field))


def units_in_scope(user, action="view"):
    return scope(user, ReportingUnit.objects.all(), action)


def _unit_of(obj):
    """The unit an object belongs to: the object itself when it has a tree path."""
    return obj if hasattr(obj, "path") else obj.unit


def can(user, action, obj):
    """May `user` do `action` ("view", "fill", "submit", "review", "administer") to `obj`?"""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    unit = _unit_of(obj)
    for m in memberships(user):
        if m.role not in ACTION_ROLES[action]:
            continue
        if m.unit_id == unit.pk:
            return True
        if m.role in SUBTREE_ROLES and unit.path.startswith(m.unit.path):
            return True
    return False


def get_unit_for_user(user, pk, action="view"):
    """The unit with this pk if the user may `action` it; 404 otherwise."""
    unit = ReportingUnit.objects.filter(pk=pk).first()
    if unit is None or not can(user, action, unit):
        raise Http404("No such unit in your scope.")
    return unit


def top_units(user):
    """The highest units the user reaches: where a home page starts."""
    if user.is_superuser:
        return list(ReportingUnit.objects.get_root_nodes())
    units = {m.unit.pk: m.unit for m in memberships(user)}
    return sorted(units.values(), key=lambda u: u.path)


def get_for_user(user, queryset, pk, action="view"):
    """The object with this pk if the user may `action` it; 404 otherwise,
    so that another unit's ids answer exactly like missing ones."""
    obj = queryset.filter(pk=pk).first()
    if obj is None or not can(user, action, obj):
        raise Http404("Not found in your scope.")
    return obj
