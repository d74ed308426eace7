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


# --- prices, bulky waste items and collection days (staff) ---------------------------------------


class PoundsField(forms.CharField):
    """An amount in pounds ("25", "25.00", "£25.00") cleaned to whole pence."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-5"}))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        pence = pence_from(value)
        if pence is None:
            raise forms.ValidationError(_("Enter an amount in pounds, like 25.00"))
        return pence


def _whole(label, help_text="", *, low=0, high=999, required_message):
    return forms.IntegerField(
        label=label,
        help_text=help_text,
        min_value=low,
        max_value=high,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
        error_messages={
            "required": required_message,
            "invalid": _("Enter a whole number"),
            "min_value": _("Enter %(limit_value)s or more"),
            "max_value": _("Enter %(limit_value)s or less"),
        },
    )


def _code(label):
    return forms.CharField(
        label=label,
        help_text=_("As your finance system uses it, in the reconciliation file"),
        max_length=40,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": _("Enter an income code")},
    )


class ChargesForm(GovForm):
    garden_price_per_bin = PoundsField(
        label=_("Garden waste: yearly price per bin, in pounds"),
        help_text=_("New subscriptions and renewals pay this; those already paid keep theirs"),
        error_messages={"required": _("Enter the yearly price per bin")},
    )
    garden_refund_rule = forms.ChoiceField(
        label=_("Garden waste: refund when a resident cancels"),
        choices=[
            ("none", _("No refund")),
            ("full_14_days", _("Full refund within 14 days of the start")),
            ("pro_rata", _("Refund for each whole month left")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a refund rule")},
    )
    garden_income_code = _code(_("Garden waste: income code"))
    bulky_max_items = _whole(
        _("Bulky waste: most items in one collection"),
        low=1,
        high=50,
        required_message=_("Enter the most items in one collection"),
    )
    bulky_cancel_cutoff_hours = _whole(
        _("Bulky waste: full refund if cancelled at least this many hours before the day"),
        _("Counted back from 7am on the collection day. 0 means until the day starts."),
        high=336,
        required_message=_("Enter the number of hours"),
    )
    bulky_concession_percent = _whole(
        _("Bulky waste: discount for council tax reduction, percent"),
        _("0 means no discount"),
        high=100,
        required_message=_("Enter the discount, or 0"),
    )
    bulky_income_code = _code(_("Bulky waste: income code"))
    permit_price = PoundsField(
        label=_("Residents' parking permit: yearly price, in pounds"),
        error_messages={"required": _("Enter the yearly permit price")},
    )
    permit_zones = forms.CharField(
        label=_("Residents' parking zones"),
        help_text=_("One a line, as residents know them"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=3000,
        error_messages={"required": _("Enter at least one parking zone")},
    )
    permit_income_code = _code(_("Residents' parking permit: income code"))
    pcn_income_code = _code(_("Penalty charges: income code"))


class BulkyItemForm(GovForm):
    name = forms.CharField(
        label=_("Item"),
        help_text=_("As residents will see it, for example Sofa or Fridge freezer"),
        max_length=100,
        error_messages={"required": _("Enter the item's name")},
    )
    price = PoundsField(
        label=_("Price, in pounds, including any VAT"),
        error_messages={"required": _("Enter the item's price")},
    )
    vat_rate = _whole(
        _("VAT rate, percent"),
        _("0 if the collection is outside the scope of VAT"),
        high=100,
        required_message=_("Enter the VAT rate, or 0"),
    )
    order = _whole(
        _("Position in the list"),
        _("Lower numbers are shown first"),
        required_message=_("Enter a position, or 0"),
    )


class BulkyItemChangeForm(BulkyItemForm):
    active = forms.BooleanField(
        label=_("Residents can book this item"),
        required=False,
    )


class SlotAddForm(GovForm):
    round_name = forms.CharField(
        label=_("Round"),
        help_text=_("For example East or Crew 2"),
        max_length=100,
        error_messages={"required": _("Enter the round's name")},
    )
    day = forms.DateField(
        label=_("Collection day"),
        help_text=_("For example, 2027-03-27"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"class": "govuk-input--width-10", "type": "date"}),
        error_messages={
            "required": _("Enter the collection day"),
            "invalid": _("Enter the collection day as a real date, like 2027-03-27"),
        },
    )
    capacity = _whole(
        _("Collections the round can make that day"),
        low=1,
        high=500,
        required_message=_("Enter the number of collections"),
    )
    repeat_weeks = _whole(
        _("Repeat on the same weekday for this many more weeks"),
        _("0 for this day only, up to 26"),
        high=26,
        required_message=_("Enter a number of weeks, or 0"),
    )


class SlotCapacityForm(forms.Form):
    capacity = forms.IntegerField(
        min_value=0,
        max_value=500,
        error_messages={
            "required": _("Enter the number of collections"),
            "invalid": _("Enter a whole number"),
            "min_value": _("Enter %(limit_value)s or more"),
            "max_value": _("Enter %(limit_value)s or less"),
        },
    )
