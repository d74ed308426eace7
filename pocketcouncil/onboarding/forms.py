"""Forms for the onboarding pages. They parse input; actions hold the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.accounts.models import StaffRoleKind
from pocketcouncil.councils.models import CouncilTier


class CouncilSettingsForm(forms.Form):
    name_en_gb = forms.CharField(
        label=_("Council name in English"),
        max_length=200,
        error_messages={"required": _("Enter the council's name in English")},
    )
    name_cy = forms.CharField(
        label=_("Council name in Welsh (optional)"),
        max_length=200,
        required=False,
        help_text=_("Shown on Welsh pages. Where it is empty, the English name is shown."),
    )
    logo_text = forms.CharField(
        label=_("Short name for the header (optional)"),
        max_length=60,
        required=False,
        help_text=_("For example, Oxford City for Oxford City Council."),
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address like https://www.example.gov.uk")},
    )
    phone = forms.CharField(label=_("Phone number"), max_length=40, required=False)
    opening_hours = forms.CharField(
        label=_("When phone lines are open (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example, Monday to Friday, 9am to 5pm."),
    )
    emergency_phone = forms.CharField(
        label=_("Out of hours emergency number (optional)"), max_length=40, required=False
    )
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        error_messages={"invalid": _("Enter an email address like name@example.gov.uk")},
    )
    address = forms.CharField(
        label=_("Postal address (optional)"), required=False, widget=forms.Textarea
    )
    privacy_notice_url = forms.URLField(
        label=_("Privacy notice"),
        max_length=200,
        required=False,
        assume_scheme="https",
        help_text=_("The web address of your privacy notice for residents."),
        error_messages={"invalid": _("Enter a web address like https://www.example.gov.uk")},
    )
    brand_colour = forms.CharField(
        label=_("Header colour"),
        max_length=7,
        help_text=_(
            "A # and six hex digits, like #1d70b8. White text must be readable on it: a "
            "contrast ratio of at least 4.5:1."
        ),
        error_messages={"required": _("Enter a colour, like #1d70b8")},
    )


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Upload a logo"),
        help_text=_(
            "PNG, JPEG, GIF or WebP, smaller than 2 MB. It is shown at most 160 pixels high."
        ),
        error_messages={"required": _("Choose a logo file to upload")},
    )


class ServicesOfferedForm(forms.Form):
    offered = forms.MultipleChoiceField(
        label=_("Services you offer on Pocket Council"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offered"].choices = [(str(s.lgsl), s.name) for s in services]


class CouncilServiceForm(forms.Form):
    name = forms.CharField(
        label=_("Your name for this service (optional)"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the national name."),
    )
    website_url = forms.URLField(
        label=_("Page on your website (optional)"),
        max_length=500,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Enter a web address like https://www.example.gov.uk/bins")},
    )
    reports_on_council_site = forms.TypedChoiceField(
        label=_("Where do residents report or request it?"),
        choices=[
            ("here", _("Here, on Pocket Council")),
            ("council", _("On our own website (we send residents to the page above)")),
        ],
        coerce=lambda value: value == "council",
        widget=forms.RadioSelect,
        initial="here",
        error_messages={"required": _("Choose where residents report or request it")},
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("They accept by signing in with this address."),
        error_messages={
            "required": _("Enter their email address"),
            "invalid": _("Enter an email address like name@example.gov.uk"),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=StaffRoleKind.choices,
        error_messages={"required": _("Choose a role")},
    )
    team = forms.ChoiceField(label=_("Team (case officers)"), required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("No team"))] + [(str(t.pk), t.name) for t in teams]


class CouncilAddForm(forms.Form):
    name = forms.CharField(
        label=_("Council name in English"),
        max_length=200,
        error_messages={"required": _("Enter the council's name")},
    )
    name_cy = forms.CharField(
        label=_("Council name in Welsh (optional)"), max_length=200, required=False
    )
    slug = forms.CharField(
        label=_("Short name"),
        max_length=60,
        help_text=_(
            "Lower-case letters, digits and hyphens, like south-oxfordshire. It is part of the "
            "council's web addresses and its Open311 jurisdiction_id, so it cannot change later."
        ),
        error_messages={"required": _("Enter a short name")},
    )
    gss = forms.CharField(
        label=_("GSS code"),
        max_length=9,
        help_text=_("The council's ONS code, like E07000179."),
        error_messages={"required": _("Enter the council's GSS code")},
    )
    tier = forms.ChoiceField(
        label=_("Kind of council"),
        choices=CouncilTier.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of council")},
    )
    parent = forms.ChoiceField(label=_("County council above it (districts only)"), required=False)

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", _("None"))] + [(c.slug, c.name) for c in counties]
