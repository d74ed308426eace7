from django.contrib import admin

from pocketcouncil.councils.models import (
    Area,
    BoundaryGeneration,
    Council,
    CouncilAuditEntry,
    Postcode,
    Responsibility,
    Team,
)


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "tier", "upper_tier", "is_demo"]
    list_filter = ["tier", "is_demo"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "tier", "upper_tier", "case_reference_prefix", "is_demo"]},
        ),
        ("Branding", {"fields": ["logo_text", "brand_colour"]}),
        (
            "Contact details",
            {
                "fields": [
                    "phone",
                    "opening_hours",
                    "emergency_phone",
                    "email",
                    "address",
                    "website",
                ]
            },
        ),
    ]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "gss_code", "council", "parent", "generation", "retired_in"]
    list_filter = ["kind", "council", ("retired_in", admin.EmptyFieldListFilter)]
    search_fields = ["name", "gss_code"]
    list_select_related = ["council", "parent"]
    autocomplete_fields = ["parent"]
    readonly_fields = ["min_lon", "min_lat", "max_lon", "max_lat", "updated_at"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "council", "email"]
    list_filter = ["council"]
    search_fields = ["name", "council__name"]


@admin.register(Responsibility)
class ResponsibilityAdmin(admin.ModelAdmin):
    list_display = ["lgsl", "area", "council", "team"]
    list_filter = ["council"]
    search_fields = ["lgsl", "area__name"]
    autocomplete_fields = ["area", "council", "team"]


@admin.register(Postcode)
class PostcodeAdmin(admin.ModelAdmin):
    list_display = ["postcode", "latitude", "longitude"]
    search_fields = ["postcode"]


@admin.register(BoundaryGeneration)
class BoundaryGenerationAdmin(admin.ModelAdmin):
    """Generations are made by ``councils_import_boundaries``; here they are only read."""

    list_display = ["council", "number", "valid_from", "source", "created_at"]
    list_filter = ["council"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CouncilAuditEntry)
class CouncilAuditEntryAdmin(admin.ModelAdmin):
    """The council audit trail: read only, never changed or deleted."""

    list_display = ["created_at", "council", "action", "actor_label"]
    list_filter = ["action", "council"]
    search_fields = ["actor_label", "council__slug", "note"]
    list_select_related = ["council"]
    readonly_fields = ["council", "action", "actor", "actor_label", "before", "after", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
