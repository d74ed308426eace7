"""Forms parse input; the rules live in actions.py and offers.py."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.rewards.models import AgeBand, CapPeriod


class GovForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class JoinForm(GovForm):
    age_band = forms.ChoiceField(
        label=_("How old are you?"),
        help_text=_(
            "People under 16 can join. They are never named on the champions list and can "
            "only take offers suitable for them."
        ),
        choices=AgeBand.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Select your age")},
    )
    show_as_champion = forms.BooleanField(
        label=_("Show my first name and initial on my ward's champions list"),
        help_text=_("You can change this at any time. Nothing else about you is shown."),
        required=False,
    )


class ChampionForm(GovForm):
    show_as_champion = forms.BooleanField(
        label=_("Show my first name and initial on my ward's champions list"),
        required=False,
    )


class CodeForm(GovForm):
    code = forms.CharField(
        label=_("Code"),
        help_text=_("The 8 letters and numbers on the resident's screen, for example ABCD-2345"),
        max_length=40,
        error_messages={"required": _("Enter the code from the resident's screen")},
    )


class SchemeForm(GovForm):
    is_active = forms.BooleanField(label=_("Run the thank-you scheme"), required=False)
    monthly_budget = forms.DecimalField(
        label=_("Monthly budget for offers, in pounds"),
        help_text=_("What the council will pay partners for offers taken in one month."),
        min_value=0,
        max_value=1_000_000,
        decimal_places=2,
        error_messages={
            "required": _("Enter the monthly budget, for example 250"),
            "invalid": _("Enter the monthly budget as an amount of money, for example 250"),
            "min_value": _("The monthly budget cannot be less than 0"),
            "max_value": _("The monthly budget must be £1,000,000 or less"),
            "max_decimal_places": _("Enter the budget in pounds and pence, for example 250.50"),
        },
    )
    redemptions_per_month = forms.IntegerField(
        label=_("Offers one person can take in a month"),
        error_messages={"required": _("Enter how many offers one person can take in a month")},
    )
    rejected_reports_flag = forms.IntegerField(
        label=_("Rejected reports from one person in 30 days before staff are told"),
        error_messages={"required": _("Enter how many rejected reports raise a flag")},
    )


class RuleForm(GovForm):
    is_active = forms.BooleanField(label=_("Earns points"), required=False)
    points = forms.IntegerField(
        label=_("Points each time"),
        error_messages={"required": _("Enter the points each time")},
    )
    cap_count = forms.IntegerField(
        label=_("At most this many times"),
        help_text=_("0 means no limit."),
        min_value=0,
        max_value=1000,
        error_messages={
            "required": _("Enter how many times it can earn points"),
            "min_value": _("The limit cannot be less than 0"),
            "max_value": _("The limit must be 1000 or less"),
        },
    )
    cap_period = forms.ChoiceField(label=_("In"), choices=CapPeriod.choices)
    cooldown_hours = forms.IntegerField(
        label=_("Hours to wait between two awards"),
        min_value=0,
        error_messages={
            "required": _("Enter the hours to wait, or 0"),
            "min_value": _("The hours to wait cannot be less than 0"),
        },
    )


class ResolveForm(GovForm):
    resolution = forms.CharField(
        label=_("What did you find or do?"),
        help_text=_("For example: checked the reports, they were genuine."),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say what you found or did")},
    )
