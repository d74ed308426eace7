"""Forms parse input; the rules live in actions."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _


class GovForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


def pence_from(text: str) -> int | None:
    """ "12.50", "£12.50" or "12" -> pence; None if it is not an amount of money."""
    text = (text or "").strip().replace("£", "").replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if value <= 0 or value != value.quantize(Decimal("0.01")) or value > 100_000:
        return None
    return int(value * 100)


class RefundForm(GovForm):
    amount = forms.CharField(
        label=_("Amount to refund, in pounds"),
        help_text=_("For example, 12.50"),
        max_length=12,
        error_messages={"required": _("Enter an amount to refund")},
    )
    reason = forms.CharField(
        label=_("Why are you refunding?"),
        help_text=_("The resident does not see this. It is kept in the audit trail."),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        error_messages={"required": _("Say why you are refunding")},
    )

    def clean_amount(self):
        pence = pence_from(self.cleaned_data["amount"])
        if pence is None:
            raise forms.ValidationError(_("Enter an amount in pounds, like 12.50"))
        return pence


class PayAccountForm(GovForm):
    api_key = forms.CharField(
        label=_("API key"),
        help_text=_("From GOV.UK Pay: Settings, API keys. We never show it again after saving."),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        max_length=200,
        error_messages={"required": _("Enter the API key")},
    )
    webhook_secret = forms.CharField(
        label=_("Webhook signing secret"),
        help_text=_("From GOV.UK Pay: Settings, Webhooks. Leave blank to keep the saved one."),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        max_length=200,
        required=False,
    )


class DayForm(forms.Form):
    date = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    to = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
