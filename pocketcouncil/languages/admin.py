from django.contrib import admin

from pocketcouncil.languages.models import WelshLanguageStandard


@admin.register(WelshLanguageStandard)
class WelshLanguageStandardAdmin(admin.ModelAdmin):
    list_display = ["council", "layout", "updated_at"]
    list_select_related = ["council"]
    readonly_fields = ["updated_at", "updated_by"]

    def save_model(self, request, obj, form, change):
        from django.utils import timezone

        obj.updated_by = request.user
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
