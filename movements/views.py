"""Pages of emulation movements: the list, the standing at a checkpoint, the
units' declarations and the award list. The rules are in movements/standing.py;
who may see what is decided there and in portal/permissions.py. The award
list's PDF and Excel are served by the documents layer (documents/registry.py, "award-list")."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from movements.forms import AwardDocumentForm, AwardForm, DeclarationForm
from movements.models import AwardProposal, Checkpoint, Declaration, KeyTargetKind
from movements.standing import (
    award_list,
    current_checkpoint,
    declarable_units,
    declare,
    get_movement_for_user,
    may_propose_awards,
    movements_for,
    propose_award,
    standing,
)


def _checkpoint(request, movement):
    asked = request.GET.get("checkpoint")
    return Checkpoint(asked) if asked in Checkpoint.values else current_checkpoint(movement)


def _detail_url(movement, checkpoint):
    return f"{reverse('movement-detail', args=[movement.pk])}?checkpoint={checkpoint}"


@login_required
def movement_list(request):
    return render(request, "movements/list.html", {"my_movements": movements_for(request.user)})


@login_required
def movement_detail(request, pk):
    movement = get_movement_for_user(request.user, pk)
    checkpoint = _checkpoint(request, movement)
    rows = standing(movement, checkpoint)
    return render(
        request,
        "movements/detail.html",
        {
            "movement": movement,
            "checkpoint": checkpoint,
            "checkpoints": Checkpoint.choices,
            "key_targets": list(
                movement.key_targets.select_related("indicator").order_by("position")
            ),
            "rows": rows,
            "complete": sum(1 for r in rows if r.complete),
            "declarable": declarable_units(request.user, movement),
            "may_propose": may_propose_awards(request.user, movement),
        },
    )


# ---------------------------------------------------------------------------- declarations


@login_required
def movement_declare(request, pk, unit_pk):
    """A participating unit answers the yes/no key targets at a checkpoint."""
    movement = get_movement_for_user(request.user, pk)
    unit = next((u for u in declarable_units(request.user, movement) if u.pk == unit_pk), None)
    if unit is None:
        raise Http404("Not a unit you declare for.")
    checkpoint = _checkpoint(request, movement)
    statements = list(movement.key_targets.filter(kind=KeyTargetKind.STATEMENT))
    declarations = {
        d.key_target_id: d
        for d in Declaration.objects.filter(
            key_target__in=statements, unit=unit, checkpoint=checkpoint
        )
    }
    form = DeclarationForm(statements, declarations, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            for target in statements:
                answer = form.cleaned_data[f"answer_{target.pk}"]
                holds = {"yes": True, "no": False}.get(answer)
                try:
                    declare(
                        target,
                        unit,
                        checkpoint,
                        holds,
                        form.cleaned_data[f"evidence_{target.pk}"],
                        request.user,
                    )
                except ValidationError as error:
                    form.add_error(f"evidence_{target.pk}", error)
            if form.errors:
                # Save all the answers or none: the page comes back with all that was typed.
                transaction.set_rollback(True)
        if not form.errors:
            messages.success(request, _("Declarations saved."))
            return redirect(_detail_url(movement, checkpoint))
    return render(
        request,
        "movements/declare.html",
        {
            "movement": movement,
            "unit": unit,
            "checkpoint": checkpoint,
            "checkpoints": Checkpoint.choices,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


# ---------------------------------------------------------------------------------- awards


def _awards_context(movement, rows, form, document_form=None):
    collectives, individuals = award_list(movement)
    if form is not None and document_form is None:
        document_form = AwardDocumentForm(instance=movement)
    return {
        "movement": movement,
        "collectives": collectives,
        "individuals": individuals,
        "candidates": [r for r in rows if r.complete],
        "form": form,
        "document_form": document_form,
        "may_propose": form is not None,
    }


@login_required
def movement_awards(request, pk):
    """The award list; reviewers of the launching unit add to it."""
    movement = get_movement_for_user(request.user, pk)
    may_propose = may_propose_awards(request.user, movement)
    if request.method == "POST" and not may_propose:
        raise PermissionDenied
    rows = standing(movement, Checkpoint.YEAR_END)
    form = AwardForm(movement, rows, request.POST or None) if may_propose else None
    if request.method == "POST" and form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            propose_award(
                movement,
                kind=data["kind"],
                unit=data["unit"],
                reason=data["reason"],
                user=request.user,
                person_name=data["person_name"],
                person_title=data["person_title"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Added to the award list."))
            return redirect("movement-awards", pk=movement.pk)
    return render(
        request,
        "movements/awards.html",
        _awards_context(movement, rows, form),
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def movement_award_document(request, pk):
    """The award list's number, signer, date and recipients, set by its reviewers."""
    movement = get_movement_for_user(request.user, pk)
    if not may_propose_awards(request.user, movement):
        raise PermissionDenied
    form = AwardDocumentForm(request.POST, instance=movement)
    if form.is_valid():
        form.save()
        messages.success(request, _("The award list's signature is saved."))
        return redirect("movement-awards", pk=movement.pk)
    # The page again, with the errors beside their fields and all that was typed.
    movement.refresh_from_db()
    rows = standing(movement, Checkpoint.YEAR_END)
    context = _awards_context(movement, rows, AwardForm(movement, rows), form)
    return render(request, "movements/awards.html", context, status=400)


@login_required
@require_POST
def movement_award_withdraw(request, pk, award_pk):
    movement = get_movement_for_user(request.user, pk)
    if not may_propose_awards(request.user, movement):
        raise PermissionDenied
    get_object_or_404(AwardProposal, pk=award_pk, movement=movement).delete()
    messages.success(request, _("Removed from the award list."))
    return redirect("movement-awards", pk=movement.pk)
