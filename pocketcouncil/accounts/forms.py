"""Forms for the profile, step-up and staff pages. They parse input; actions hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.accounts.models import Channel, PlaceKind, StaffRoleKind, Topic


class NameForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("So staff know what to call you. Leave it empty if you prefer."),
    )


class MobileForm(forms.Form):
    mobile = forms.CharField(
        label=_("UK mobile number"),
        max_length=30,
        help_text=_("We will send a code to this number by text message."),
        error_messages={"required": _("Enter your mobile number")},
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the text message"),
        max_length=12,
        help_text=_("The code is 6 numbers, like 123456."),
        error_messages={"required": _("Enter the code from the text message")},
    )


class PlaceForm(forms.Form):
    name = forms.CharField(
        label=_("Name for this place (optional)"),
        max_length=60,
        required=False,
        help_text=_("For example, Work or Mum's house."),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=200,
        help_text=_("House number or name, and street."),
        error_messages={"required": _("Enter the address")},
    )
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=10,
        error_messages={"required": _("Enter the postcode")},
    )


class HomeForm(PlaceForm):
    """A home address: the same fields; the kind is fixed."""

    kind = PlaceKind.HOME


class InterestsForm(forms.Form):
    topics = forms.MultipleChoiceField(
        label=_("Which topics do you want to hear about?"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply."),
    )


class ChannelsForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label=_("How can we contact you?"),
        choices=Channel.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply. Text messages need a checked mobile number."),
    )


class ConfirmForm(forms.Form):
    """A button that confirms a change (nothing to type)."""


class AssistStartForm(forms.Form):
    email = forms.EmailField(
        label=_("Resident's email address"),
        error_messages={
            "required": _("Enter the resident's email address"),
            "invalid": _("Enter an email address like name@example.com"),
        },
    )
    council = forms.ChoiceField(label=_("Acting for which council"))
    reason = forms.CharField(
        label=_("Why the resident asked for help"),
        max_length=300,
        help_text=_("For example: phoned, cannot use a smartphone."),
        error_messages={"required": _("Say why the resident asked for help")},
    )

    def __init__(self, *args, councils=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [(str(c.pk), c.name) for c in councils]


class IdentityCheckForm(AssistStartForm):
    reason = None
    evidence = forms.CharField(
        label=_("Which documents did you check?"),
        max_length=300,
        help_text=_("For example: UK passport and a council tax bill. Do not copy numbers."),
        error_messages={"required": _("Say which documents you checked")},
    )


class RoleGrantForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of their Pocket Council account"),
        help_text=_("They need an account first: ask them to create one."),
        error_messages={
            "required": _("Enter their email address"),
            "invalid": _("Enter an email address like name@example.com"),
        },
    )
    role = forms.ChoiceField(label=_("Role"), choices=StaffRoleKind.choices)
    team = forms.ChoiceField(label=_("Team (case officers)"), required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("No team"))] + [(str(t.pk), t.name) for t in teams]
