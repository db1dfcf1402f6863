from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reports.models import (
    ExportJob,
    Report,
    ReportingRound,
    ReportTemplate,
    RoundDeadline,
    StatusChange,
    TemplateSection,
    TemplateTable,
)


class TemplateSectionInline(admin.TabularInline):
    model = TemplateSection
    fields = ["position", "key", "number", "title", "required", "guidance"]
    extra = 0


class TemplateTableInline(admin.StackedInline):
    model = TemplateTable
    extra = 0


@admin.register(ReportTemplate)
class ReportTemplateAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "version"]
    search_fields = ["name", "code"]
    inlines = [TemplateSectionInline, TemplateTableInline]


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
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("content")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
