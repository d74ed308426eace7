"""Forms of the resident pages (find help, send my list) and of the listing editor."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.directory.needs import NEEDS

MILES = 1609.344
DISTANCES = (("1", _("1 mile")), ("3", _("3 miles")), ("5", _("5 miles")), ("10", _("10 miles")))


class FindHelpForm(forms.Form):
    q = forms.CharField(
        label=_("What are you looking for? (optional)"),
        help_text=_("For example, food bank, lunch club or carers"),
        required=False,
        max_length=100,
    )
    need = forms.ChoiceField(
        label=_("Type of help"),
        required=False,
        choices=[("", _("Any"))] + [(n.slug, n.label) for n in NEEDS],
    )
    postcode = forms.CharField(
        label=_("Postcode (optional)"),
        help_text=_("To show help nearest to you first"),
        required=False,
        max_length=10,
    )
    distance = forms.ChoiceField(
        label=_("Distance"), required=False, choices=DISTANCES, initial="3"
    )
    age = forms.IntegerField(
        label=_("Age of the person who needs help (optional)"),
        required=False,
        min_value=0,
        max_value=120,
        error_messages={
            "invalid": _("Enter an age as a number, like 72"),
            "min_value": _("Enter an age from 0 to 120"),
            "max_value": _("Enter an age from 0 to 120"),
        },
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    free = forms.BooleanField(label=_("Free or low cost"), required=False)

    def radius_m(self) -> float:
        return int(self.cleaned_data.get("distance") or 3) * MILES


class SendListForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How should we send it?"),
        choices=(("email", _("Email")), ("sms", _("Text message"))),
        error_messages={"required": _("Choose email or text message")},
    )
    to = forms.CharField(
        label=_("Email address or mobile number"),
        max_length=254,
        error_messages={"required": _("Enter an email address or a mobile number")},
    )


class ClaimForm(forms.Form):
    role = forms.CharField(
        label=_("Your role at the organisation"),
        help_text=_("For example, volunteer coordinator or manager"),
        max_length=200,
        error_messages={"required": _("Enter your role at the organisation")},
    )


class ListingEditForm(forms.Form):
    name = forms.CharField(
        label=_("Name of the service"),
        max_length=255,
        error_messages={"required": _("Enter the name of the service")},
    )
    description = forms.CharField(
        label=_("What the service does and who it is for"), widget=forms.Textarea, max_length=5000
    )
    url = forms.URLField(
        label=_("Website (optional)"), required=False, max_length=500, assume_scheme="https"
    )
    email = forms.EmailField(label=_("Email address (optional)"), required=False)
    fees = forms.CharField(
        label=_("Cost (optional)"),
        help_text=_("For example, free, or £3 a session"),
        required=False,
        max_length=500,
    )
    alert = forms.CharField(
        label=_("Important notice (optional)"),
        help_text=_("For example, closed for the summer holidays"),
        required=False,
        max_length=1000,
    )
    note = forms.CharField(
        label=_("Anything the council should know (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=(("approve", _("Approve")), ("reject", _("Reject"))),
        error_messages={"required": _("Choose approve or reject")},
    )
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=1000)
