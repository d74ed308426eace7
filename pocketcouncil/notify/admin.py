"""Django admin for notify until the staff console exists: message wording with a preview, and
the delivery log. A council admin or service manager sees and edits only their own councils'
rows (``notify.edit_templates`` in accounts.permissions); superusers see everything.

The admin is an adapter at the edge, so it may ask accounts who may do what; the rest of
notify imports no other Pocket Council app.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.template import TemplateSyntaxError
from django.utils.html import format_html, linebreaks
from django.utils.translation import gettext_lazy as _

from pocketcouncil.notify import actions, templates
from pocketcouncil.notify.models import Channel, Event, MessageTemplate, Notification, Subscription

PERMISSION = "notify.edit_templates"


def _council_ids(user) -> list[int] | None:
    """The councils this person administers notifications for; None means all (superuser)."""
    if user.is_superuser:
        return None
    from pocketcouncil.accounts import permissions

    return [council.pk for council in permissions.councils_where(user, PERMISSION)]


class CouncilScopedAdmin(admin.ModelAdmin):
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        ids = _council_ids(request.user)
        return queryset if ids is None else queryset.filter(council_id__in=ids)

    def _allowed(self, request, obj=None) -> bool:
        ids = _council_ids(request.user)
        if ids is None:
            return True
        if not ids:
            return False
        return obj is None or obj.council_id in ids

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and self._allowed(request, obj)


class MessageTemplateForm(forms.ModelForm):
    class Meta:
        model = MessageTemplate
        fields = ["council", "event", "channel", "subject", "body"]

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        if councils is not None:
            self.fields["council"].queryset = councils
        self.fields["event"].choices = [c for c in Event.choices if c[0] != Event.DIRECT]
        self.fields["body"].help_text = _(
            "Plain English. You can use {{ council_name }}, {{ reference }}, {{ title }}, "
            "{{ status }}, {{ note }}, {{ url }} and {{ recipient_name }}."
        )

    def clean(self):
        data = super().clean()
        for name in ("subject", "body"):
            try:
                templates.check(data.get(name) or "")
            except TemplateSyntaxError as error:
                self.add_error(name, _("There is a mistake in a {{ }} part: %s") % error)
        return data


@admin.register(MessageTemplate)
class MessageTemplateAdmin(CouncilScopedAdmin):
    form = MessageTemplateForm
    list_display = ["event", "channel", "council", "updated_at", "updated_by"]
    list_filter = ["event", "channel"]
    readonly_fields = ["default_wording", "preview"]
    fields = ["council", "event", "channel", "subject", "body", "default_wording", "preview"]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        ids = _council_ids(request.user)
        council_field = MessageTemplate._meta.get_field("council")
        councils = council_field.related_model.objects.order_by("name")
        if ids is not None:
            councils = councils.filter(pk__in=ids)

        class ScopedForm(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, councils=councils, **inner)

        return ScopedForm

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def save_model(self, request, obj, form, change):
        saved = actions.message_template_save(
            actor=request.user,
            council=form.cleaned_data["council"],
            event=obj.event,
            channel=obj.channel,
            subject=obj.subject,
            body=obj.body,
        )
        obj.pk = saved.pk

    @admin.display(description=_("Default wording"))
    def default_wording(self, obj):
        if not obj or not obj.event:
            return _("Choose an event and save to see the default.")
        default = templates.DEFAULTS.get(obj.event, {})
        return format_html(
            "<strong>{}</strong>{}",
            str(default.get("subject", "")),
            linebreaks(str(default.get("body", "")), autoescape=True),
        )

    @admin.display(description=_("Preview with sample details"))
    def preview(self, obj):
        if not obj or not obj.pk:
            return _("Save to see a preview.")
        message = templates.preview(
            subject=obj.subject or str(templates.DEFAULTS[obj.event]["subject"]),
            body=obj.body,
            council_name=obj.council.name,
            channel=obj.channel,
        )
        length = ""
        if obj.channel == Channel.SMS:
            length = _(" (%(n)d characters; a text message is 160)") % {"n": len(message.text)}
        text = linebreaks(message.text, autoescape=True)
        return format_html("<strong>{}</strong>{}<p>{}</p>", message.subject, text, length)


@admin.register(Notification)
class NotificationAdmin(CouncilScopedAdmin):
    """The delivery log: what was sent, when, on which channel, and what happened."""

    list_display = [
        "created_at",
        "event",
        "channel",
        "recipient",
        "to",
        "state",
        "attempts",
        "sent_at",
        "subject_kind",
        "subject_key",
    ]
    list_filter = ["state", "channel", "event", "subject_kind"]
    search_fields = ["subject_key", "to", "recipient__email", "provider_id", "idempotency_key"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(CouncilScopedAdmin):
    list_display = ["user", "subject_kind", "subject_key", "label", "council", "automatic"]
    list_filter = ["subject_kind", "automatic"]
    search_fields = ["user__email", "subject_key", "label"]
    list_select_related = ["user", "council"]
    readonly_fields = [f.name for f in Subscription._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
