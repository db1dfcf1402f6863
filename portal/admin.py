from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from portal.models import Directive, Membership, ReportingUnit

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
