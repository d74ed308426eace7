from django.contrib import admin

from pocketcouncil.privacy.models import (
    AccessLogEntry,
    ConsentEvent,
    ConsentWording,
    Recipient,
    SharingAgreement,
)


@admin.register(Recipient)
class RecipientAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "council", "email")
    list_filter = ("council", "kind")


class WordingInline(admin.TabularInline):
    model = ConsentWording
    extra = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False  # a change of words is a new version


@admin.register(SharingAgreement)
class SharingAgreementAdmin(admin.ModelAdmin):
    list_display = ("recipient", "purpose", "lawful_basis", "council", "starts_on", "review_on")
    list_filter = ("council", "lawful_basis")
    inlines = [WordingInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConsentEvent)
class ConsentEventAdmin(ReadOnlyAdmin):
    list_display = ("resident", "agreement", "action", "channel", "recorded_by_name", "created_at")
    list_filter = ("council", "action")


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    list_display = ("resident", "viewer_name", "viewer_role", "kind", "council", "created_at")
    list_filter = ("council", "kind")
