from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.open311.models import WebhookEvent


class ApiClientForm(forms.Form):
    name = forms.CharField(
        label=_("Who will use this key"),
        help_text=_("For example, FixMyStreet or the highways contractor's app."),
        max_length=200,
        error_messages={"required": _("Enter who will use this key")},
    )
    rate_limit_per_minute = forms.IntegerField(
        label=_("Requests a minute"),
        help_text=_("How many reports a minute this key may send before it is told to wait."),
        initial=60,
        min_value=1,
        max_value=10_000,
        error_messages={
            "required": _("Enter how many requests a minute the key may make"),
            "invalid": _("Requests a minute must be a whole number, like 60"),
            "min_value": _("Allow at least 1 request a minute"),
            "max_value": _("Allow at most 10,000 requests a minute"),
        },
    )


class WebhookForm(forms.Form):
    url = forms.URLField(
        label=_("Address to send events to"),
        help_text=_("A full web address, like https://example.org/pocket-council-events"),
        max_length=500,
        assume_scheme="https",
        error_messages={
            "required": _("Enter the address to send events to"),
            "invalid": _("Enter the address as a full web address, like https://example.org/hooks"),
        },
    )
    events = forms.MultipleChoiceField(
        label=_("Which events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one event"),
            "invalid_choice": _("Choose only the events listed"),
        },
    )


class OutboundEndpointForm(forms.Form):
    """A back office's Open311 endpoint for one service. ``services`` are the council's."""

    service = forms.TypedChoiceField(
        label=_("Service"),
        help_text=_("New cases for this service are sent to the back office."),
        coerce=int,
        error_messages={
            "required": _("Choose the service"),
            "invalid_choice": _("Choose one of the council's services"),
        },
    )
    name = forms.CharField(
        label=_("Back office name"),
        help_text=_("Shown to staff, for example Highways works system."),
        max_length=200,
        error_messages={"required": _("Enter the back office's name")},
    )
    base_url = forms.URLField(
        label=_("Open311 address"),
        help_text=_(
            "The base address of its GeoReport v2 API, like https://example.org/open311/v2/"
        ),
        max_length=500,
        assume_scheme="https",
        error_messages={
            "required": _("Enter the Open311 address"),
            "invalid": _(
                "Enter the Open311 address as a full web address, like https://example.org/open311/v2/"
            ),
        },
    )
    jurisdiction_id = forms.CharField(
        label=_("Jurisdiction id (if it asks for one)"), max_length=100, required=False
    )
    service_code = forms.CharField(
        label=_("Its code for this service"),
        help_text=_("The service_code the back office lists for this kind of report."),
        max_length=100,
        error_messages={"required": _("Enter the back office's code for this service")},
    )
    api_key = forms.CharField(
        label=_("API key"),
        help_text=_(
            "The key the back office gave you. It is sent with each case and never shown "
            "again in full."
        ),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False),
    )
    is_enabled = forms.BooleanField(label=_("Send new cases now"), required=False, initial=True)

    def __init__(self, *args, services=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", _("Choose a service"))] + [
            (s.pk, s.name) for s in services
        ]
        if editing:
            self.fields["api_key"].help_text = _("Leave empty to keep the key you gave before.")
