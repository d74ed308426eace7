"""Partners and their offers are kept here by the platform's admins (a staff page for them is
not built yet; docs/rewards.md). The ledger is read-only: points change only through actions."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from pocketcouncil.rewards.models import (
    AnomalyFlag,
    LedgerEntry,
    Offer,
    Partner,
    PartnerChecker,
    Redemption,
)


class PartnerCheckerInline(admin.TabularInline):
    model = PartnerChecker
    extra = 1
    raw_id_fields = ["user"]
    verbose_name = "person who checks codes at the till"


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "council"]
    list_filter = ["council"]
    search_fields = ["name"]
    autocomplete_fields = ["council"]
    inlines = [PartnerCheckerInline]


@admin.register(Offer)
class OfferAdmin(TranslationAdmin):
    list_display = ["title", "partner", "council", "points_cost", "stock", "expires_at"]
    list_filter = ["council", "is_active", "suitable_for_under_16"]
    search_fields = ["title"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LedgerEntry)
class LedgerEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "council", "user", "kind", "points", "reason"]
    list_filter = ["council", "kind", "rule_kind"]


@admin.register(Redemption)
class RedemptionAdmin(ReadOnlyAdmin):
    list_display = ["issued_at", "council", "offer", "status"]
    list_filter = ["council", "status"]


@admin.register(AnomalyFlag)
class AnomalyFlagAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "council", "kind", "detail", "resolved_at"]
    list_filter = ["council", "kind"]
