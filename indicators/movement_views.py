"""Pages of emulation movements: the list, the standing at a checkpoint, the
units' declarations, the award list and its downloads. The rules are in
indicators/standing.py; who may see what is decided there and in portal/permissions.py."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from indicators import movement_export
from indicators.models_movements import (
    AwardKind,
    AwardProposal,
    Checkpoint,
    Declaration,
    KeyTargetKind,
)
from indicators.standing import (
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
from portal.models import ReportingUnit
from reports.forms import CleanTextField, PlainTextField


def _checkpoint(request, movement):
    asked = request.GET.get("checkpoint")
    return Checkpoint(asked) if asked in Checkpoint.values else current_checkpoint(movement)


def _detail_url(movement, checkpoint):
    return f"{reverse('movement-detail', args=[movement.pk])}?checkpoint={checkpoint}"


@login_required
def movement_list(request):
    return render(
        request, "indicators/movement_list.html", {"my_movements": movements_for(request.user)}
    )


@login_required
def movement_detail(request, pk):
    movement = get_movement_for_user(request.user, pk)
    checkpoint = _checkpoint(request, movement)
    rows = standing(movement, checkpoint)
    return render(
        request,
        "indicators/movement_detail.html",
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

ANSWERS = [
    ("", gettext_lazy("Not declared")),
    ("yes", gettext_lazy("Yes")),
    ("no", gettext_lazy("No")),
]


class DeclarationForm(forms.Form):
    """One answer and its evidence per yes/no key target."""

    def __init__(self, statements, declarations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = statements
        for target in statements:
            current = declarations.get(target.pk)
            self.fields[f"answer_{target.pk}"] = forms.ChoiceField(
                label=target.label,
                choices=ANSWERS,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                initial=("yes" if current.holds else "no") if current else "",
            )
            self.fields[f"evidence_{target.pk}"] = CleanTextField(
                label=_("Evidence"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=current.evidence if current else "",
            )

    def pairs(self):
        """(key target, answer field, evidence field) for the template."""
        return [(t, self[f"answer_{t.pk}"], self[f"evidence_{t.pk}"]) for t in self.statements]


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
        "indicators/movement_declare.html",
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


class _UnitChoice(forms.ModelChoiceField):
    def __init__(self, *args, labels=None, **kwargs):
        self.labels = labels or {}
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return self.labels.get(obj.pk, obj.name)


class AwardForm(forms.Form):
    """A line of the award list. The rules (quota, 100%) are checked by
    standing.propose_award, whose errors land beside these fields."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Award for"),
        choices=AwardKind.choices,
        initial=AwardKind.COLLECTIVE,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    unit = _UnitChoice(label=gettext_lazy("Unit"), queryset=ReportingUnit.objects.none())
    person_name = PlainTextField(
        label=gettext_lazy("Full name (individuals)"), max_length=200, required=False
    )
    person_title = PlainTextField(
        label=gettext_lazy("Job title (individuals)"), max_length=200, required=False
    )
    reason = CleanTextField(
        label=gettext_lazy("Achievement"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, movement, rows, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            r.unit.pk: _("%(unit)s — %(share)s%% of key targets at year end")
            % {"unit": r.unit.name, "share": r.share_display}
            for r in rows
        }
        labels[movement.unit_id] = movement.unit.name
        unit_ids = [movement.unit_id, *(r.unit.pk for r in rows)]
        field = self.fields["unit"]
        field.queryset = ReportingUnit.objects.filter(pk__in=unit_ids).order_by("path")
        field.labels = labels


def _awards_context(movement, rows, form):
    collectives, individuals = award_list(movement)
    return {
        "movement": movement,
        "collectives": collectives,
        "individuals": individuals,
        "candidates": [r for r in rows if r.complete],
        "form": form,
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
    if request.method == "POST" and form.is_valid():
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
        "indicators/movement_awards.html",
        _awards_context(movement, rows, form),
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def movement_award_withdraw(request, pk, award_pk):
    movement = get_movement_for_user(request.user, pk)
    if not may_propose_awards(request.user, movement):
        raise PermissionDenied
    get_object_or_404(AwardProposal, pk=award_pk, movement=movement).delete()
    messages.success(request, _("Removed from the award list."))
    return redirect("movement-awards", pk=movement.pk)


def _download(content, content_type, name):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    # The list changes with every proposal: a cached copy would be out of date.
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def movement_awards_pdf(request, pk):
    movement = get_movement_for_user(request.user, pk)
    return _download(
        movement_export.award_list_pdf(movement),
        "application/pdf",
        movement_export.filename(movement, "pdf"),
    )


@login_required
def movement_awards_xlsx(request, pk):
    movement = get_movement_for_user(request.user, pk)
    return _download(
        movement_export.award_list_workbook(movement),
        movement_export.XLSX_MIME_TYPE,
        movement_export.filename(movement, "xlsx"),
    )
