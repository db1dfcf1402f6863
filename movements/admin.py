from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from movements.models import AwardProposal, Declaration, KeyTarget, Movement, Participation


class ParticipationInline(admin.TabularInline):
    model = Participation
    autocomplete_fields = ["unit"]
    extra = 0


class KeyTargetInline(admin.TabularInline):
    model = KeyTarget
    fields = ["position", "label", "kind", "indicator", "text"]
    autocomplete_fields = ["indicator"]
    extra = 0


@admin.register(Movement)
class MovementAdmin(SimpleHistoryAdmin):
    list_display = ["title", "unit", "year", "quota_collectives", "quota_individuals"]
    list_filter = ["year"]
    search_fields = ["title", "unit__name", "unit__code"]
    autocomplete_fields = ["unit", "directive"]
    inlines = [KeyTargetInline, ParticipationInline]


@admin.register(Declaration)
class DeclarationAdmin(SimpleHistoryAdmin):
    list_display = ["key_target", "unit", "checkpoint", "holds", "declared_by", "declared_at"]
    list_filter = ["checkpoint", "holds", "key_target__movement"]
    search_fields = ["unit__name", "unit__code", "evidence"]
    autocomplete_fields = ["unit"]
    list_select_related = ["key_target", "unit", "declared_by"]
    readonly_fields = ["declared_by", "declared_at"]


@admin.register(AwardProposal)
class AwardProposalAdmin(SimpleHistoryAdmin):
    list_display = ["movement", "kind", "unit", "person_name", "proposed_by", "proposed_at"]
    list_filter = ["kind", "movement"]
    search_fields = ["person_name", "unit__name", "reason"]
    autocomplete_fields = ["unit"]
    list_select_related = ["movement", "unit", "proposed_by"]
    readonly_fields = ["proposed_by", "proposed_at"]
