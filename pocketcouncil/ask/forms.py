from django import forms
from django.utils.translation import gettext_lazy as _

MAX_QUESTION = 2000


class AskForm(forms.Form):
    question = forms.CharField(
        label=_("What do you want to know?"),
        help_text=_(
            "In your own words. For example: when is my bin day, where is my report "
            "OXF-26-000123, or the street light outside number 50 is broken."
        ),
        max_length=MAX_QUESTION,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Type your question"),
            "max_length": _("Your question must be 2,000 characters or fewer"),
        },
    )
    postcode = forms.CharField(
        label=_("Your postcode (if it is about where you live)"),
        max_length=10,
        required=False,
    )
    email = forms.EmailField(
        label=_("The email address you used when you reported it"),
        help_text=_("Only to find your report. We do not keep it."),
        required=False,
        error_messages={"invalid": _("Enter an email address like name@example.com")},
    )


class CouncilPickForm(forms.Form):
    postcode = forms.CharField(
        label=_("Your postcode"),
        help_text=_("For example, OX4 3BD"),
        max_length=10,
        error_messages={"required": _("Enter your postcode, like OX4 3BD")},
    )
