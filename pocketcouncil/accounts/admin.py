from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from pocketcouncil.accounts.models import (
    AccountEvent,
    AssistedSession,
    LevelRecord,
    StaffRole,
    User,
)


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["council", "team"]
    readonly_fields = ["granted_by", "granted_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_active", "date_joined"]
    search_fields = ["email", "full_name"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal details"), {"fields": ["full_name"]}),
        (_("Access"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    inlines = [StaffRoleInline]
    readonly_fields = ["last_login", "date_joined"]

    def save_formset(self, request, form, formset, change):
        # Record who granted each new role.
        for instance in formset.save(commit=False):
            if isinstance(instance, StaffRole) and instance.granted_by_id is None:
                instance.granted_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()


class ReadOnlyAdmin(admin.ModelAdmin):
    """Audit rows: visible to platform admins, changed only through accounts actions."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccountEvent)
class AccountEventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind", "actor", "council", "detail"]
    list_filter = ["kind", "council"]
    search_fields = ["user__email", "actor__email", "detail"]
    list_select_related = ["user", "actor", "council"]


@admin.register(AssistedSession)
class AssistedSessionAdmin(ReadOnlyAdmin):
    list_display = ["started_at", "ended_at", "staff", "resident", "council", "reason"]
    list_filter = ["council"]
    search_fields = ["staff__email", "resident__email"]
    list_select_related = ["staff", "resident", "council"]


@admin.register(LevelRecord)
class LevelRecordAdmin(ReadOnlyAdmin):
    list_display = ["user", "level", "method", "reached_at", "verified_by", "lost_at"]
    list_filter = ["level", "method"]
    search_fields = ["user__email"]
    list_select_related = ["user", "verified_by"]
