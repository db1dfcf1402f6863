import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import Indicator
from indicators.numbers import ParseError
from portal import permissions
from portal.downloads import attachment, slug
from reports import completeness, editing, notifications, rounds, selectors, synthesis, workflow
from reports.forms import (
    ChildRoundForm,
    DisseminationRowForm,
    EditExceptionForm,
    IssuedDocumentForm,
    ReturnForm,
)
from reports.models import (
    DisseminationRow,
    IssuedDocument,
    Report,
    ReportingRound,
    ReportStatus,
    ReviewComment,
    TableKind,
    TemplateSection,
)

REPORTS = Report.objects.select_related(
    "round__template", "unit", "round__issuing_unit"
).prefetch_related("round__template__tables")


MAX_COMMENT_LENGTH = 20_000  # characters of a review comment or a reason for returning


def _id(raw):
    """A primary key posted by a form, or 0 (which matches nothing) for
    anything but plain digits of a size the database takes."""
    raw = raw or ""
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else 0


def readable_report(request, pk):
    """The report `pk` if the user may read it, else 404."""
    return permissions.get_for_user(request.user, REPORTS, pk)


def reviewed_round(request, pk, action="review"):
    """The round `pk` if the user may `action` it (review by default), else 404."""
    rounds = ReportingRound.objects.select_related("issuing_unit", "template")
    return permissions.get_for_user(request.user, rounds, pk, action)


@login_required
def report_list(request):
    """A reporter's reports with their deadlines; a reviewer's rounds with completeness."""
    return render(request, "reports/report_list.html", selectors.home_lists(request.user))


@login_required
def round_detail(request, pk):
    round_ = reviewed_round(request, pk)
    status = request.GET.get("status") or None
    if status not in ReportStatus.values:
        status = None
    today = timezone.localdate()
    figures = completeness.round_completeness(round_, today, status)
    children = [
        (child, completeness.round_completeness(child, today))
        for child in round_.child_rounds.all()
    ]
    return render(
        request,
        "reports/round_detail.html",
        {
            "round": round_,
            "figures": figures,
            "children": children,
            "status": status,
            "statuses": ReportStatus.choices,
            "deadlines": round_.deadlines.all(),
        },
    )


@login_required
@require_POST
def round_remind(request, pk):
    round_ = reviewed_round(request, pk)
    today = timezone.localdate()
    # The same reports the daily command reminds: a returned report is owed
    # again, by its resubmission deadline if it has one.
    late = notifications.owing(Report.objects.filter(round=round_)).select_related("unit", "round")
    for report in late:
        notifications.reminder(report, notifications.days_left_for(report, today))
    messages.success(request, _("Reminders sent to %(n)s unit(s).") % {"n": len(late)})
    return redirect("round-detail", pk=round_.pk)


@login_required
def round_synthesis(request, pk):
    round_ = reviewed_round(request, pk)
    return render(
        request,
        "reports/synthesis.html",
        {"round": round_, "sections": synthesis.compile_round(round_)},
    )


@login_required
@require_POST
def round_draft_report(request, pk):
    round_ = reviewed_round(request, pk)
    try:
        report = synthesis.draft_provincial_report(round_, request.user)
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
        return redirect("round-synthesis", pk=round_.pk)
    return redirect("report-detail", pk=report.pk)


def _appendix_form(report, table, data=None):
    """The add-a-row form of an appendix table the outline carries, or None."""
    configs = selectors.table_configs(report, table)
    if not configs:
        return None
    if table == TableKind.DISSEMINATION:
        return DisseminationRowForm(data, table_config=configs[0].config, prefix=table)
    return IssuedDocumentForm(data, prefix=table)


def _child_round_context(request, report, form=None):
    """The communes' round under this report's, or the form to open it for a
    reviewer of the unit."""
    child = report.round.child_rounds.filter(issuing_unit=report.unit).first()
    if child or not permissions.can(request.user, "review", report.unit):
        return {"child_round": child}
    if not rounds.child_units(report.unit):
        return {}
    return {"child_round_form": form or ChildRoundForm()}


def _editor_context(
    request,
    report,
    child_round_form=None,
    return_form=None,
    reopen_form=None,
    exception_form=None,
    **forms,
):
    sections, comments = selectors.sections_of(report)
    dissemination_tables = selectors.table_configs(report, TableKind.DISSEMINATION)
    documents_tables = selectors.table_configs(report, TableKind.DOCUMENTS)
    return {
        "dissemination_table": dissemination_tables[0] if dissemination_tables else None,
        "documents_table": documents_tables[0] if documents_tables else None,
        "dissemination_form": forms.get("dissemination")
        or _appendix_form(report, TableKind.DISSEMINATION),
        "documents_form": forms.get("documents") or _appendix_form(report, TableKind.DOCUMENTS),
        "report": report,
        "sections": sections,
        "rows": selectors.indicator_rows(report, comments),
        "figures": selectors.figures_of(report),
        "dissemination": report.dissemination.all(),
        "documents": report.documents.all(),
        "history": report.status_changes.select_related("by"),
        "can_edit": workflow.may_edit(request.user, report),
        "edit_refusal": workflow.edit_refusal(request.user, report)
        if permissions.can(request.user, "fill", report)
        else None,
        "can_submit": workflow.may_submit(request.user, report),
        "can_review": workflow.may_review(request.user, report),
        "return_form": return_form or ReturnForm(),
        "can_reopen": workflow.may_reopen(request.user, report),
        "reopen_form": reopen_form or ReturnForm(),
        "exception_form": exception_form or EditExceptionForm(),
        "lock_date": workflow.edit_lock_date(report),
        "revisions": report.revisions.all().defer("pdf", "xlsx"),
        "can_comment": permissions.can(request.user, "review", report.round),
        "can_fill": permissions.can(request.user, "fill", report),
        "indicator_tables": selectors.table_configs(report, TableKind.INDICATORS),
        **_child_round_context(request, report, child_round_form),
    }


@login_required
def report_detail(request, pk):
    report = readable_report(request, pk)
    return render(request, "reports/report_detail.html", _editor_context(request, report))


def _saved_fragment(request, template, context, status=200):
    response = render(request, template, context, status=status)
    return response


def _base_version(request, default=None):
    """The version the page edited from; a garbled one never matches."""
    raw = request.POST.get("version")
    if raw is None:
        return default
    return int(raw) if raw.isascii() and raw.isdigit() else -1


def _conflict(context, error, base, theirs):
    """A conflict answer: the page keeps the version it edited from, so that
    nothing saves by itself until the user has chosen (static/js/editor.js)."""
    context.update(
        conflict=error,
        version=base,
        current_version=error.current_version,
        theirs=json.dumps(theirs, ensure_ascii=False),
    )


@login_required
@require_POST
def section_save(request, pk, section_pk):
    report = readable_report(request, pk)
    section = get_object_or_404(TemplateSection, pk=section_pk, template=report.round.template)
    text = request.POST.get("text", "")
    base = _base_version(request, default=0)
    context = {"report": report, "section": section, "text": text}
    try:
        saved = editing.save_section(report, section, text, base, request.user)
    except editing.ConflictError as e:
        _conflict(context, e, base, {"text": e.current_text})
        return _saved_fragment(request, "reports/_save_state.html", context, status=409)
    except workflow.WorkflowError as e:
        context.update(error=e.message, version=base)
        return _saved_fragment(request, "reports/_save_state.html", context, status=422)
    context.update(version=saved.version, saved_at=timezone.localtime())
    return _saved_fragment(request, "reports/_save_state.html", context)


@login_required
@require_POST
def fields_save(request, pk):
    report = readable_report(request, pk)
    values = {name: request.POST[name] for name in editing.DOCUMENT_FIELDS if name in request.POST}
    context = {"report": report}
    if "signed_on" in values:
        raw = values["signed_on"].strip()
        try:
            values["signed_on"] = dt.datetime.strptime(raw, "%d/%m/%Y").date() if raw else None
        except ValueError:
            context.update(
                error=_("Write the date as dd/mm/yyyy, e.g. 20/11/2020."),
                version=_base_version(request, default=0),
            )
            return render(request, "reports/_save_state.html", context, status=422)
    base = _base_version(request, default=0)
    try:
        saved = editing.save_document_fields(report, values, base, request.user)
    except editing.FieldConflictError as e:
        theirs = {name: _field_text(value) for name, (_label, _mine, value) in e.fields.items()}
        _conflict(context, e, base, theirs)
        context["fields"] = [
            (label, _field_text(mine), _field_text(value))
            for label, mine, value in e.fields.values()
        ]
        return render(request, "reports/_save_state.html", context, status=409)
    except workflow.WorkflowError as e:
        context.update(error=e.message, version=base)
        return render(request, "reports/_save_state.html", context, status=422)
    # Fields someone else saved meanwhile were merged in: the page takes them,
    # or its next save would send the old values back.
    merged = {
        name: _field_text(getattr(saved, name))
        for name in editing.DOCUMENT_FIELDS
        if name in values and _field_text(getattr(saved, name)) != _field_text(values[name])
    }
    context.update(
        version=saved.version,
        saved_at=timezone.localtime(),
        merged=json.dumps(merged, ensure_ascii=False) if merged else "",
    )
    return render(request, "reports/_save_state.html", context)


def _field_text(value):
    """A document field as its input shows it."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return editing.clean_text(value) if isinstance(value, str) else ("" if value is None else value)


@login_required
@require_POST
def cell_save(request, pk):
    report = readable_report(request, pk)
    indicator = get_object_or_404(Indicator, pk=_id(request.POST.get("indicator")))
    column = request.POST.get("column", "")
    typed = request.POST.get("value", "")
    if not any(r.indicator.pk == indicator.pk for r in selectors.indicator_rows(report)):
        return HttpResponse(_("This indicator is not in the report's tables."), status=422)
    error = conflict = None
    try:
        editing.save_cell(report, indicator, column, typed, request.user, _base_version(request))
    except editing.ConflictError as e:
        conflict = e
    except ParseError as e:
        error = e.message
    except workflow.WorkflowError as e:
        error = e.message
    rows = [r for r in selectors.indicator_rows(report) if r.indicator.pk == indicator.pk]
    if not rows or column not in editing.COLUMNS:
        return HttpResponse(error or _("Unknown column."), status=422)
    row = rows[0]
    context = {
        "report": report,
        "row": row,
        "can_edit": True,
        "error": error,
        "error_column": column,
        "typed": typed,
        "column": column,
        "shown": getattr(row, column),
        "conflict": conflict,
    }
    if conflict is not None:
        return render(request, "reports/_cell_response.html", context, status=409)
    # The cell itself, and the row's ratio out of band: cells of one row are
    # saved one after the other (hx-sync), so the last answer has the ratio right.
    return render(request, "reports/_cell_response.html", context, status=422 if error else 200)


@login_required
@require_POST
def figure_save(request, pk):
    report = readable_report(request, pk)
    code = request.POST.get("code", "")
    stated = {figure["code"]: (figure, stored) for figure, stored in selectors.figures_of(report)}
    if code not in stated:
        return HttpResponse(
            _("This figure is not in the report's outline."),
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    typed = request.POST.get("value", "")
    context = {"report": report, "fig": stated[code][0], "typed": typed, "can_edit": True}
    try:
        saved = editing.save_figure(report, code, typed, request.user, _base_version(request))
    except editing.ConflictError as e:
        context.update(conflict=e, version=e.current_version)
        return render(request, "reports/_figure_field.html", context, status=409)
    except (ParseError, workflow.WorkflowError) as e:
        context.update(error=e.message, version=_base_version(request, default=0))
        return render(request, "reports/_figure_field.html", context, status=422)
    context.update(stored=saved, version=saved.version if saved else 0, saved=True)
    return render(request, "reports/_figure_field.html", context)


APPENDIX_MODELS = {TableKind.DISSEMINATION: DisseminationRow, TableKind.DOCUMENTS: IssuedDocument}


@login_required
@require_POST
def appendix_add(request, pk, table):
    report = readable_report(request, pk)
    form = _appendix_form(report, table, request.POST) if table in APPENDIX_MODELS else None
    if form is None:
        raise Http404
    if not form.is_valid():
        # The editor again, the form bound: what was typed stays, errors beside it.
        context = _editor_context(request, report, **{table: form})
        return render(request, "reports/report_detail.html", context, status=422)
    try:
        editing.add_appendix_row(report, form, request.user)
        messages.success(request, _("Row added."))
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
    return redirect(f"{report_url(report)}#appendix-{table}")


@login_required
@require_POST
def appendix_delete(request, pk, table, row_pk):
    report = readable_report(request, pk)
    if table not in APPENDIX_MODELS:
        raise Http404
    row = get_object_or_404(APPENDIX_MODELS[table], pk=row_pk, report=report)
    try:
        editing.delete_appendix_row(report, row, request.user)
        messages.success(request, _("Row deleted."))
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
    return redirect(f"{report_url(report)}#appendix-{table}")


@login_required
@require_POST
def child_round_open(request, pk):
    report = readable_report(request, pk)
    form = ChildRoundForm(request.POST)
    if form.is_valid():
        try:
            child = rounds.open_child_round(report, form.cleaned_data["due_on"], request.user)
        except workflow.WorkflowError as e:
            form.add_error("due_on", e.message)
        else:
            messages.success(request, _("The round for the communes is open."))
            return redirect("round-detail", pk=child.pk)
    context = _editor_context(request, report, child_round_form=form)
    return render(request, "reports/report_detail.html", context, status=422)


def _transition(request, pk, action):
    report = readable_report(request, pk)
    try:
        action(report)
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
        for line in e.missing:
            messages.warning(request, line)
    return redirect("report-detail", pk=report.pk)


@login_required
@require_POST
def report_submit(request, pk):
    def submitted(report):
        workflow.submit(report, request.user)
        messages.success(request, _("The report was submitted."))

    return _transition(request, pk, submitted)


@login_required
@require_POST
def report_return(request, pk):
    return _send_back(
        request,
        pk,
        workflow.may_review,
        workflow.return_for_revision,
        "return_form",
        _("The report was returned to the unit."),
    )


def _send_back(request, pk, may, act, form_name, done):
    """Return a submitted report, or reopen an accepted one: a reason and an
    optional resubmission deadline, the page again with the error beside the
    field when the form is wrong (the reason typed stays)."""
    report = readable_report(request, pk)
    form = ReturnForm(request.POST)
    if not form.is_valid() and may(request.user, report):
        context = _editor_context(request, report, **{form_name: form})
        return render(request, "reports/report_detail.html", context, status=422)
    try:
        reason = form.cleaned_data.get("reason", "")
        editing.check_length(reason, MAX_COMMENT_LENGTH)
        act(report, request.user, reason, form.cleaned_data.get("resubmit_by"))
        messages.success(request, done)
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
    return redirect("report-detail", pk=report.pk)


@login_required
@require_POST
def report_accept(request, pk):
    def accepted(report):
        workflow.accept(report, request.user)
        messages.success(request, _("The report was accepted."))

    return _transition(request, pk, accepted)


@login_required
@require_POST
def report_reopen(request, pk):
    """A reviewer reopens an accepted report, with a reason (its accepted
    revision stays printable)."""
    return _send_back(
        request,
        pk,
        workflow.may_reopen,
        workflow.reopen,
        "reopen_form",
        _("The report was reopened; its accepted revision stays printable."),
    )


@login_required
@require_POST
def report_edit_exception(request, pk):
    """A reviewer lets one unit edit past the round's lock, until a day."""
    report = readable_report(request, pk)
    form = EditExceptionForm(request.POST)
    if not form.is_valid():
        if not permissions.can(request.user, "review", report.round):
            raise Http404
        context = _editor_context(request, report, exception_form=form)
        return render(request, "reports/report_detail.html", context, status=422)
    try:
        reason = form.cleaned_data["reason"]
        editing.check_length(reason, MAX_COMMENT_LENGTH)
        workflow.grant_edit_exception(report, request.user, form.cleaned_data["until"], reason)
        messages.success(request, _("The unit may edit its report until the day given."))
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
    return redirect("report-detail", pk=report.pk)


@login_required
def revision_download(request, pk, number, fmt):
    """A revision of the report as it was accepted, to whoever may read the report."""
    report = readable_report(request, pk)
    if fmt not in ("pdf", "xlsx"):
        raise Http404("No such format.")
    revision = get_object_or_404(report.revisions, number=number)
    content = revision.pdf if fmt == "pdf" else revision.xlsx
    name = f"bao-cao-{slug(report.unit.code)}-{report.round.year}-lan-{number}.{fmt}"
    return attachment(content, name)


@login_required
@require_POST
def comment_add(request, pk):
    report = readable_report(request, pk)
    section = TemplateSection.objects.filter(
        pk=_id(request.POST.get("section")), template=report.round.template
    ).first()
    indicator = Indicator.objects.filter(pk=_id(request.POST.get("indicator"))).first()
    text = editing.clean_text(request.POST.get("text", ""))
    try:
        editing.check_length(text, MAX_COMMENT_LENGTH)
        workflow.add_comment(report, request.user, text, section, indicator)
        messages.success(request, _("Comment added."))
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
    return redirect("report-detail", pk=report.pk)


@login_required
@require_POST
def comment_resolve(request, pk, comment_pk):
    report = readable_report(request, pk)
    comment = get_object_or_404(ReviewComment, pk=comment_pk, report=report)
    try:
        workflow.resolve_comment(comment, request.user)
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
    return redirect(f"{report_url(report)}#section-{comment.section_id or 'indicators'}")


def report_url(report):
    from django.urls import reverse

    return reverse("report-detail", args=[report.pk])
