from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from portal import mail
from portal.models import Directive, Membership, OutgoingMail, ReportingUnit

admin.site.site_header = _("Resolutions 20 and 21 reporting portal")
admin.site.site_title = _("Reporting portal")


@admin.register(ReportingUnit)
class ReportingUnitAdmin(TreeAdmin):
    form = movenodeform_factory(ReportingUnit)
    list_display = ["name", "code", "kind", "valid_from", "valid_to"]
    list_filter = ["kind", "depth"]
    search_fields = ["name", "code"]
    raw_id_fields = ["successor"]
    list_per_page = 200


@admin.register(Directive)
class DirectiveAdmin(SimpleHistoryAdmin):
    list_display = ["number_symbol", "doc_type", "issuing_body", "issued_on", "implements"]
    list_filter = ["doc_type", "issuing_body"]
    search_fields = ["number_symbol", "summary", "issuing_body"]
    date_hierarchy = "issued_on"
    autocomplete_fields = ["implements"]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "unit"]
    list_filter = ["role", "unit__kind"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """The outbox, read-only: what was sent, what waits and why, what was given up on."""

    list_display = [
        "created_at",
        "subject",
        "addressees",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error",
    ]
    list_filter = ["status"]
    search_fields = ["subject", "body"]
    date_hierarchy = "created_at"
    fields = [
        "subject",
        "addressees",
        "body",
        "status",
        "created_at",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    readonly_fields = fields
    actions = ["send_again_now"]

    @admin.display(description=_("addressees"))
    def addressees(self, obj):
        return ", ".join(obj.recipients)

    @admin.display(description=_("last error"))
    def error(self, obj):
        return Truncator(obj.last_error).chars(120)

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send again now"), permissions=["change"])
    def send_again_now(self, request, queryset):
        count = mail.send_again_now(queryset)
        self.message_user(
            request, _("%(n)s e-mail(s) queued to be sent now.") % {"n": count}, messages.SUCCESS
        )
