from django.contrib import admin

from pocketcouncil.councils.models import Area, Council, Postcode, Responsibility, Team


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
    list_display = ["name", "kind", "gss_code", "council", "parent"]
    list_filter = ["kind", "council"]
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
