import datetime as dt

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
from reports import completeness, editing, notifications, rounds, selectors, synthesis, workflow
from reports.forms import ChildRoundForm, DisseminationRowForm, IssuedDocumentForm
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


def _report(request, pk):
    return permissions.get_for_user(request.user, REPORTS, pk)


def _round(request, pk, action="review"):
    rounds = ReportingRound.objects.select_related("issuing_unit", "template")
    return permissions.get_for_user(request.user, rounds, pk, action)


@login_required
def report_list(request):
    """A reporter's reports with their deadlines; a reviewer's rounds with completeness."""
    return render(request, "reports/report_list.html", selectors.home_lists(request.user))


@login_required
def round_detail(request, pk):
    round_ = _round(request, pk)
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
    round_ = _round(request, pk)
    today = timezone.localdate()
    # The same reports the daily command reminds: a returned report is owed again.
    late = Report.objects.filter(
        round=round_, status__in=notifications.OPEN_STATUSES
    ).select_related("unit", "round")
    for report in late:
        notifications.reminder(report, (report.due_on - today).days)
    messages.success(request, _("Reminders sent to %(n)s unit(s).") % {"n": len(late)})
    return redirect("round-detail", pk=round_.pk)


@login_required
def round_synthesis(request, pk):
    round_ = _round(request, pk)
    return render(
        request,
        "reports/synthesis.html",
        {"round": round_, "sections": synthesis.compile_round(round_)},
    )


@login_required
@require_POST
def round_draft_report(request, pk):
    round_ = _round(request, pk)
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


def _editor_context(request, report, child_round_form=None, **forms):
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
        "can_submit": workflow.may_submit(request.user, report),
        "can_review": workflow.may_review(request.user, report),
        "can_comment": permissions.can(request.user, "review", report.round),
        "can_fill": permissions.can(request.user, "fill", report),
        "indicator_tables": selectors.table_configs(report, TableKind.INDICATORS),
        **_child_round_context(request, report, child_round_form),
    }


@login_required
def report_detail(request, pk):
    report = _report(request, pk)
    return render(request, "reports/report_detail.html", _editor_context(request, report))


@login_required
def report_preview(request, pk):
    # The PDF is laid out from the same template and context: the preview shows
    # what will be printed.
    from reports.exports.pdf import TEMPLATE, document_context

    report = _report(request, pk)
    return render(request, TEMPLATE, document_context(report, screen=True))


def _saved_fragment(request, template, context, status=200):
    response = render(request, template, context, status=status)
    return response


@login_required
@require_POST
def section_save(request, pk, section_pk):
    report = _report(request, pk)
    section = get_object_or_404(TemplateSection, pk=section_pk, template=report.round.template)
    text = request.POST.get("text", "")
    try:
        base = int(request.POST.get("version", "0"))
    except ValueError:
        base = -1
    context = {"report": report, "section": section, "text": text}
    try:
        saved = editing.save_section(report, section, text, base, request.user)
    except editing.ConflictError as e:
        context.update(conflict=e, version=e.current_version)
        return _saved_fragment(request, "reports/_save_state.html", context, status=409)
    except workflow.WorkflowError as e:
        context.update(error=e.message, version=base)
        return _saved_fragment(request, "reports/_save_state.html", context, status=422)
    context.update(version=saved.version, saved_at=timezone.localtime())
    return _saved_fragment(request, "reports/_save_state.html", context)


@login_required
@require_POST
def fields_save(request, pk):
    report = _report(request, pk)
    values = {name: request.POST[name] for name in editing.DOCUMENT_FIELDS if name in request.POST}
    context = {"report": report}
    if "signed_on" in values:
        raw = values["signed_on"].strip()
        try:
            values["signed_on"] = dt.datetime.strptime(raw, "%d/%m/%Y").date() if raw else None
        except ValueError:
            context.update(
                error=_("Write the date as dd/mm/yyyy, e.g. 20/11/2020."), version=report.version
            )
            return render(request, "reports/_save_state.html", context, status=422)
    try:
        base = int(request.POST.get("version", "0"))
        saved = editing.save_document_fields(report, values, base, request.user)
    except ValueError:
        context.update(error=_("The page is out of date: reload it."), version=report.version)
        return render(request, "reports/_save_state.html", context, status=422)
    except editing.ConflictError as e:
        context.update(conflict=e, version=e.current_version)
        return render(request, "reports/_save_state.html", context, status=409)
    except workflow.WorkflowError as e:
        context.update(error=e.message, version=report.version)
        return render(request, "reports/_save_state.html", context, status=422)
    context.update(version=saved.version, saved_at=timezone.localtime())
    return render(request, "reports/_save_state.html", context)


@login_required
@require_POST
def cell_save(request, pk):
    report = _report(request, pk)
    indicator = get_object_or_404(Indicator, pk=_id(request.POST.get("indicator")))
    column = request.POST.get("column", "")
    typed = request.POST.get("value", "")
    if not any(r.indicator.pk == indicator.pk for r in selectors.indicator_rows(report)):
        return HttpResponse(_("This indicator is not in the report's tables."), status=422)
    error = None
    try:
        editing.save_cell(report, indicator, column, typed, request.user)
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
    }
    # The cell itself, and the row's ratio out of band: cells of one row are
    # saved one after the other (hx-sync), so the last answer has the ratio right.
    return render(request, "reports/_cell_response.html", context, status=422 if error else 200)


@login_required
@require_POST
def figure_save(request, pk):
    report = _report(request, pk)
    code = request.POST.get("code", "")
    if code not in {figure["code"] for figure, _stored in selectors.figures_of(report)}:
        return HttpResponse(
            _("This figure is not in the report's outline."),
            status=422,
            content_type="text/plain; charset=utf-8",
        )
    try:
        editing.save_figure(report, code, request.POST.get("value", ""), request.user)
    except ParseError as e:
        return HttpResponse(e.message, status=422, content_type="text/plain; charset=utf-8")
    except workflow.WorkflowError as e:
        return HttpResponse(e.message, status=422, content_type="text/plain; charset=utf-8")
    return HttpResponse(_("Saved"), content_type="text/plain; charset=utf-8")


APPENDIX_MODELS = {TableKind.DISSEMINATION: DisseminationRow, TableKind.DOCUMENTS: IssuedDocument}


@login_required
@require_POST
def appendix_add(request, pk, table):
    report = _report(request, pk)
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
    report = _report(request, pk)
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
    report = _report(request, pk)
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
    report = _report(request, pk)
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
    def returned(report):
        reason = editing.clean_text(request.POST.get("reason", ""))
        editing.check_length(reason, MAX_COMMENT_LENGTH)
        workflow.return_for_revision(report, request.user, reason)
        messages.success(request, _("The report was returned to the unit."))

    return _transition(request, pk, returned)


@login_required
@require_POST
def report_accept(request, pk):
    def accepted(report):
        workflow.accept(report, request.user)
        messages.success(request, _("The report was accepted."))

    return _transition(request, pk, accepted)


@login_required
@require_POST
def comment_add(request, pk):
    report = _report(request, pk)
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
    report = _report(request, pk)
    comment = get_object_or_404(ReviewComment, pk=comment_pk, report=report)
    try:
        workflow.resolve_comment(comment, request.user)
    except workflow.WorkflowError as e:
        messages.error(request, e.message)
    return redirect(f"{report_url(report)}#section-{comment.section_id or 'indicators'}")


def report_url(report):
    from django.urls import reverse

    return reverse("report-detail", args=[report.pk])
