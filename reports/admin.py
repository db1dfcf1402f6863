from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from reports import outlines
from reports.models import (
    ExportJob,
    Report,
    ReportingRound,
    ReportTemplate,
    ReportValue,
    RoundDeadline,
    StatusChange,
    TemplateSection,
    TemplateTable,
)

# Outlines are versioned (reports/outlines.py): once a report has been
# submitted on a version, no admin page changes it, its sections or its
# tables; the admin makes a new version instead.
IN_USE_NOTICE = gettext_lazy(
    "Reports already submitted use this version of the outline, so it can no longer be "
    "changed: they would read and print headings they were not written under. To change "
    "the outline, make a new version and choose it for the rounds to come."
)


def _in_use(template):
    """template_in_use, once per template object (the admin asks many times a page)."""
    if getattr(template, "outline_in_use", None) is None:
        template.outline_in_use = outlines.template_in_use(template)
    return template.outline_in_use


class OutlinePartInline:
    """A section or a table of an outline: fixed once the outline is in use."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not (obj and _in_use(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and _in_use(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and _in_use(obj))


class TemplateSectionInline(OutlinePartInline, admin.TabularInline):
    model = TemplateSection
    fields = ["position", "key", "number", "title", "required", "guidance"]
    extra = 0


class TemplateTableInline(OutlinePartInline, admin.StackedInline):
    model = TemplateTable
    extra = 0


@admin.register(ReportTemplate)
class ReportTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "version", "in_use"]
    search_fields = ["name", "code"]
    inlines = [TemplateSectionInline, TemplateTableInline]
    actions = ["make_new_version"]
    change_form_template = "admin/reports/reporttemplate/change_form.html"

    class Media:
        css = {"all": ["css/admin.css"]}

    def get_queryset(self, request):
        return outlines.annotate_in_use(super().get_queryset(request), "outline_in_use")

    @admin.display(description=gettext_lazy("in use"), boolean=True, ordering="outline_in_use")
    def in_use(self, obj):
        return _in_use(obj)

    # Read only once in use: the change page shows it and refuses a post, the
    # history page refuses a revert, and nothing deletes it.
    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and _in_use(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj and _in_use(obj))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and _in_use(obj):
            fields += [f.name for f in self.opts.fields if f.editable and not f.primary_key]
        return list(dict.fromkeys(fields))

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a revert with the view permission alone.
        if request.method == "POST":
            current = self.get_object(request, unquote(object_id))
            if not self.has_change_permission(request, current):
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        if change and outlines.template_in_use(obj):
            raise PermissionDenied
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if change and outlines.template_in_use(form.instance):
            raise PermissionDenied
        super().save_formset(request, form, formset, change)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            if self.has_change_permission(request):
                context["new_version_url"] = self._url("new_version", obj.pk)
            if _in_use(obj):
                context["in_use_notice"] = IN_USE_NOTICE
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        view = self.admin_site.admin_view(self.new_version_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_new_version"
        return [path("<path:object_id>/new-version/", view, name=name), *super().get_urls()]

    def new_version_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        template = self.get_object(request, unquote(object_id))
        if template is None:
            raise Http404
        return redirect(self._url("change", self._new_version(request, template).pk))

    @admin.action(description=gettext_lazy("Make a new version"), permissions=["change"])
    def make_new_version(self, request, queryset):
        copies = [self._new_version(request, t) for t in queryset.order_by("code", "version")]
        if len(copies) == 1:
            return redirect(self._url("change", copies[0].pk))
        return None

    def _new_version(self, request, template):
        copy = outlines.new_version(template, user=request.user)
        self.log_addition(request, copy, [{"added": {}}])
        message = _(
            "Made version %(version)s of “%(name)s” from version %(old)s. Edit it here, then "
            "choose it for the rounds to come."
        )
        values = {"version": copy.version, "name": copy.name, "old": template.version}
        self.message_user(request, message % values, messages.SUCCESS)
        return copy

    def _url(self, view, pk):
        name = f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_{view}"
        return reverse(name, args=[pk], current_app=self.admin_site.name)


class RoundDeadlineInline(admin.TabularInline):
    model = RoundDeadline
    extra = 0


@admin.register(ReportingRound)
class ReportingRoundAdmin(SimpleHistoryAdmin):
    list_display = ["title", "year", "period_type", "issuing_unit", "is_open"]
    list_filter = ["year", "period_type", "is_open"]
    search_fields = ["title", "request__number_symbol"]
    autocomplete_fields = ["request", "issuing_unit", "parent"]
    filter_horizontal = ["directives"]
    inlines = [RoundDeadlineInline]

    # The outline of a round is fixed once one of its reports has been
    # submitted: another version would change the headings of that report.
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and outlines.round_in_use(obj):
            fields.append("template")
        return fields

    def save_model(self, request, obj, form, change):
        if change and outlines.round_in_use(obj):
            stored = ReportingRound.objects.filter(pk=obj.pk).values_list("template", flat=True)
            if obj.template_id not in stored:
                raise PermissionDenied
        super().save_model(request, obj, form, change)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    readonly_fields = ["from_status", "to_status", "by", "at", "reason"]
    can_delete = False


@admin.register(Report)
class ReportAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "round", "status", "due_on", "submitted_at"]
    list_filter = ["status", "round"]
    search_fields = ["unit__name", "round__title", "number_symbol"]
    list_select_related = ["unit", "round"]
    autocomplete_fields = ["unit", "round"]
    readonly_fields = ["status", "version", "submitted_at", "accepted_at"]
    inlines = [StatusChangeInline]

    def get_readonly_fields(self, request, obj=None):
        # The document's content changes through the editor only, where the
        # edit rules apply (reports/workflow.py): here its dates and status.
        if obj is None:
            return self.readonly_fields
        content = [
            f.name for f in Report._meta.fields if f.name not in ("due_on", "editable_until")
        ]
        return list(dict.fromkeys([*self.readonly_fields, *content]))


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Background exports, read only: they are made by their tasks, never by hand."""

    list_display = ["pk", "kind", "round", "requested_by", "status", "done", "total", "created_at"]
    list_filter = ["kind", "status"]
    fields = [
        "round",
        "kind",
        "requested_by",
        "status",
        "done",
        "total",
        "filename",
        "error",
        "task_id",
        "created_at",
        "finished_at",
        "expires_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ReportValue)
class ReportValueAdmin(SimpleHistoryAdmin):
    """Figures as their reports state them, to read and trace (history); they
    are written through the report editor and the offline import only, where
    the edit rules of reports/workflow.py apply."""

    list_display = ["indicator", "unit", "year", "period", "column", "text", "report"]
    list_filter = ["year", "period", "column", "report__status", "indicator__group"]
    search_fields = ["indicator__name", "unit__name", "unit__code"]
    list_select_related = ["indicator", "unit", "report__round"]
    show_full_result_count = False  # millions of rows: no COUNT(*) on every page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
