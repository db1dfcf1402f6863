from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Indicator, IndicatorGroup, Target


@admin.register(IndicatorGroup)
class IndicatorGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "position"]
    search_fields = ["name", "code"]


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "unit_of_measure", "kind", "direction", "group"]
    list_filter = ["kind", "direction", "group"]
    search_fields = ["name", "code", "definition"]
    filter_horizontal = ["directives"]


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "year", "text", "scope", "directive"]
    list_filter = ["year", "comparator", "indicator__group"]
    search_fields = ["indicator__name", "scope__name", "directive__number_symbol", "text"]
    autocomplete_fields = ["indicator", "scope", "directive"]


# Emulation movements (indicators/models_movements.py).
from indicators.models_movements import (  # noqa: E402
    AwardProposal,
    Declaration,
    KeyTarget,
    Movement,
    Participation,
)


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
