from django import forms
from django.utils.translation import gettext_lazy as _


class FindCouncilForm(forms.Form):
    """The home page question: where are you?"""

    q = forms.CharField(
        label=_("Enter a postcode or place name"),
        help_text=_("For example, OX4 3BD or Headington"),
        max_length=100,
        error_messages={"required": _("Enter a postcode or place name")},
    )
