from django.contrib import admin

from pocketcouncil.services.models import (
    CouncilService,
    CouncilServiceVersion,
    FrontDoorSearch,
    Service,
    ServiceAttribute,
    ServiceFAQ,
)


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0
    fields = ["order", "code", "label", "help_text", "datatype", "required", "values"]


class ServiceFAQInline(admin.StackedInline):
    model = ServiceFAQ
    extra = 0
    fields = ["order", "question", "answer"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["lgsl", "name", "topic", "tier", "curated", "location_based"]
    list_filter = ["curated", "topic", "tier", "location_based", "minimum_assurance_level"]
    search_fields = ["lgsl", "name", "lgsl_label", "synonyms"]
    readonly_fields = ["lgsl_label", "lgsl_description", "created_at", "updated_at"]
    inlines = [ServiceFAQInline, ServiceAttributeInline]
    fieldsets = [
        (None, {"fields": ["lgsl", "lgsl_label", "lgsl_description", "curated"]}),
        ("Plain English", {"fields": ["name", "summary", "synonyms", "eligibility", "how_to"]}),
        (
            "How it works",
            {
                "fields": [
                    "topic",
                    "tier",
                    "team_name",
                    "location_based",
                    "minimum_assurance_level",
                    "anonymous_allowed",
                    "sla_working_days",
                    "urgent_notice",
                    "online_reports_stopped",
                ]
            },
        ),
    ]


@admin.register(CouncilService)
class CouncilServiceAdmin(admin.ModelAdmin):
    list_display = ["service", "council", "hidden", "name", "team"]
    list_filter = ["council", "hidden"]
    search_fields = ["service__name", "service__lgsl", "name"]
    autocomplete_fields = ["service"]
    list_select_related = ["service", "council", "team"]


@admin.register(CouncilServiceVersion)
class CouncilServiceVersionAdmin(admin.ModelAdmin):
    """Read-only: the history staff make on the Service content pages (the audit)."""

    list_display = ["created_at", "council", "service", "number", "created_by", "note"]
    list_filter = ["council"]
    search_fields = ["service__name", "service__lgsl", "note"]
    list_select_related = ["council", "service", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FoundFilter(admin.SimpleListFilter):
    """The searches the front door failed: nothing shown, or shown but nothing opened."""

    title = "outcome"
    parameter_name = "outcome"

    def lookups(self, request, model_admin):
        return [
            ("nothing", "Nothing found"),
            ("not-opened", "Results shown, none opened"),
            ("opened", "A service opened"),
        ]

    def queryset(self, request, queryset):
        if self.value() == "nothing":
            return queryset.filter(shown=[])
        if self.value() == "not-opened":
            return queryset.exclude(shown=[]).filter(clicked_lgsl__isnull=True)
        if self.value() == "opened":
            return queryset.filter(clicked_lgsl__isnull=False)
        return queryset


@admin.register(FrontDoorSearch)
class FrontDoorSearchAdmin(admin.ModelAdmin):
    """Read-only: what residents searched for and whether the front door helped."""

    list_display = ["created_at", "query", "council", "shown", "clicked_lgsl", "answer_helped"]
    list_filter = [FoundFilter, "answer_helped", "council"]
    search_fields = ["query"]
    list_select_related = ["council"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
