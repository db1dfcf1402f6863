from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal import permissions
from portal.models import Directive


@require_GET
@never_cache
def healthz(request):
    """200 "ok" when the database answers, 503 otherwise (for the load balancer)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy", never a 500
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def unit_detail(request, pk):
    unit = permissions.get_unit_for_user(request.user, pk)
    children = list(unit.children())
    ancestors = [a for a in unit.ancestors() if permissions.can(request.user, "view", a)]
    return render(
        request,
        "portal/unit_detail.html",
        {"unit": unit, "children": children, "ancestors": ancestors},
    )


@login_required
def directive_list(request):
    directives = list(Directive.objects.all())
    by_parent = {}
    for d in directives:
        by_parent.setdefault(d.implements_id, []).append(d)

    def tree(parent_id, level):
        for d in by_parent.get(parent_id, []):
            yield d, level
            yield from tree(d.pk, level + 1)

    return render(request, "portal/directive_list.html", {"rows": list(tree(None, 0))})


@login_required
def directive_detail(request, pk):
    directive = get_object_or_404(Directive.objects.select_related("implements"), pk=pk)
    return render(
        request,
        "portal/directive_detail.html",
        {
            "directive": directive,
            "chain": directive.chain_up()[1:],
            "implemented_by": directive.implemented_by.all(),
        },
    )
