from django.contrib import admin

from pocketcouncil.channels.models import CannedReply, ChannelAccount, InboundMessage, SmsOptOut


@admin.register(ChannelAccount)
class ChannelAccountAdmin(admin.ModelAdmin):
    list_display = ("address", "channel", "council", "is_active")
    list_filter = ("channel", "is_active", "council")
    exclude = ("last_seen_id",)


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ("title", "council")
    list_filter = ("council",)


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ("received_at", "channel", "sender", "status", "council")
    list_filter = ("channel", "status", "council")
    readonly_fields = [f.name for f in InboundMessage._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SmsOptOut)
class SmsOptOutAdmin(admin.ModelAdmin):
    list_display = ("number", "council", "created_at")
    list_filter = ("council",)
