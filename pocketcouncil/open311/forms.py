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
