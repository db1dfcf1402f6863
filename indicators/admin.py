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
