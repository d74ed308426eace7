"""Forms parse input; the rules live in ``actions``."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.insight.models import LOGGABLE_REASONS, LOGGED_CHANNELS, CostKind, Reason


class GovForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class LogContactForm(GovForm):
    channel = forms.ChoiceField(
        label=_("How did they contact you?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the resident contacted you")},
    )
    reason = forms.ChoiceField(
        label=_("Why did they contact you?"),
        help_text=_(
            "Choose the main reason. Chasing, repeats and not understanding us are "
            "failure demand: contact we could have avoided."
        ),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the resident contacted you")},
    )
    service = forms.ChoiceField(label=_("Service (optional)"), required=False)
    case_reference = forms.CharField(
        label=_("Case reference (optional)"),
        help_text=_("If the call or visit was about a case, for example OXF-26-000123."),
        required=False,
        max_length=20,
    )

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        from pocketcouncil.insight.models import Channel

        self.fields["channel"].choices = [(c, Channel(c).label) for c in LOGGED_CHANNELS]
        self.fields["reason"].choices = [(r, Reason(r).label) for r in LOGGABLE_REASONS]
        self.fields["service"].choices = [("", _("Not about one service"))] + [
            (str(s.lgsl), s.name) for s in services
        ]
        self.helper.layout = Layout("channel", "reason", "service", "case_reference")


class ChannelCostForm(GovForm):
    kind = forms.ChoiceField(label=_("Channel"), choices=CostKind.choices)
    cost = forms.DecimalField(
        label=_("Cost of one contact, in pounds"),
        help_text=_("For example, 2.83"),
        min_value=0,
        max_value=1000,
        decimal_places=2,
        error_messages={
            "required": _("Enter the cost of one contact, in pounds"),
            "invalid": _("Enter the cost in pounds and pence, like 2.83"),
            "max_decimal_places": _("Enter the cost in pounds and pence, like 2.83"),
            "min_value": _("Enter a cost of 0 or more"),
            "max_value": _("Enter a cost of 1,000 pounds or less"),
        },
    )
    source = forms.CharField(
        label=_("Where the figure comes from"),
        help_text=_("For example, Contact centre budget 2025 to 2026 divided by calls handled."),
        max_length=300,
        error_messages={"required": _("Say where the figure comes from")},
    )
