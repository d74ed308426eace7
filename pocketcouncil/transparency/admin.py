"""Council tax precepts and budget splits are entered in the Django admin, by finance staff,
for their own councils only (the role table decides, not Django's model permissions).
Spending imports are listed read-only: they are made and rolled back on the staff pages."""

from django.contrib import admin

from pocketcouncil.accounts import permissions
from pocketcouncil.transparency import actions
from pocketcouncil.transparency.models import BudgetLine, Precept, SpendingImport


def _councils(request) -> list:
    return permissions.councils_where(request.user, actions.EDIT_BUDGETS)


class _ByRole:
    """Finance staff see and change only their councils' rows; superusers see all."""

    def _allowed(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        councils = {c.pk for c in _councils(request)}
        if obj is None:
            return bool(councils)
        return obj.council_id in councils

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request, *args):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        if request.user.is_superuser:
            return rows
        return rows.filter(council__in=[c.pk for c in _councils(request)])


class BudgetLineInline(_ByRole, admin.TabularInline):
    model = BudgetLine
    fields = ["service", "amount", "position"]
    extra = 3


@admin.register(Precept)
class PreceptAdmin(_ByRole, admin.ModelAdmin):
    list_display = ["name", "financial_year", "kind", "band_d", "council", "area"]
    list_filter = ["financial_year", "kind", "council"]
    search_fields = ["name"]
    list_select_related = ["council", "area"]
    autocomplete_fields = ["area"]
    inlines = [BudgetLineInline]
    fields = ["council", "financial_year", "kind", "name", "band_d", "area", "source"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "council" and not request.user.is_superuser:
            from pocketcouncil.councils.models import Council

            kwargs["queryset"] = Council.objects.filter(pk__in=[c.pk for c in _councils(request)])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_formset(self, request, form, formset, change):
        # A budget line always belongs to its precept's council.
        for line in formset.save(commit=False):
            line.council_id = form.instance.council_id
            line.save()
        for line in formset.deleted_objects:
            line.delete()
        formset.save_m2m()


@admin.register(SpendingImport)
class SpendingImportAdmin(_ByRole, admin.ModelAdmin):
    list_display = ["file_name", "council", "state", "rows_imported", "rows_skipped", "created_at"]
    list_filter = ["state", "council"]
    exclude = ["mapping", "header"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _allowed(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        councils = {c.pk for c in permissions.councils_where(request.user, actions.IMPORT_SPENDING)}
        return bool(councils) if obj is None else obj.council_id in councils

    def get_queryset(self, request):
        rows = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return rows
        allowed = permissions.councils_where(request.user, actions.IMPORT_SPENDING)
        return rows.filter(council__in=[c.pk for c in allowed])
