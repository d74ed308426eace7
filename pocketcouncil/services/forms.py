"""Forms: a service's online form built from its questions (Open311 attributes), and the
front-door search form.

``form_class_for(service)`` is the one place that turns attributes into a Django form; the
cases app renders it (crispy-forms-gds gives the GOV.UK markup) and validates with it, and the
Open311 server describes the same attributes.
"""

from __future__ import annotations

from decimal import Decimal

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.services import queries
from pocketcouncil.services.models import AttributeDatatype, Service, ServiceAttribute

DATETIME_FORMATS = [
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%d %m %Y %H:%M",
    "%d %m %Y",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]


def _field_for(attribute: ServiceAttribute) -> forms.Field:
    label = attribute.label
    common = {
        "label": label,
        "help_text": attribute.help_text,
        "required": attribute.required,
    }
    required_message = _("Answer the question: %(label)s") % {"label": label}
    datatype = attribute.datatype
    if datatype == AttributeDatatype.STRING:
        return forms.CharField(
            max_length=200,
            error_messages={
                "required": required_message,
                "max_length": _("%(label)s must be 200 characters or fewer") % {"label": label},
            },
            widget=forms.TextInput(attrs={"class": "govuk-input"}),
            **common,
        )
    if datatype == AttributeDatatype.TEXT:
        return forms.CharField(
            max_length=2000,
            error_messages={
                "required": required_message,
                "max_length": _("%(label)s must be 2,000 characters or fewer") % {"label": label},
            },
            widget=forms.Textarea(attrs={"rows": 5, "class": "govuk-textarea"}),
            **common,
        )
    if datatype == AttributeDatatype.NUMBER:
        return forms.DecimalField(
            min_value=Decimal(0),
            max_digits=12,
            decimal_places=2,
            error_messages={
                "required": required_message,
                "invalid": _("%(label)s must be a number, like 3") % {"label": label},
                "min_value": _("%(label)s must be 0 or more") % {"label": label},
            },
            widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input"}),
            **common,
        )
    if datatype == AttributeDatatype.DATETIME:
        return forms.DateTimeField(
            input_formats=DATETIME_FORMATS,
            error_messages={
                "required": required_message,
                "invalid": _("%(label)s must be a real date, like 21/11/2026 08:30")
                % {"label": label},
            },
            widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
            **common,
        )
    choices = [(value["key"], value["name"]) for value in attribute.values]
    if datatype == AttributeDatatype.SINGLEVALUELIST:
        return forms.ChoiceField(
            choices=choices,
            widget=forms.RadioSelect,
            error_messages={
                "required": _("Select an answer: %(label)s") % {"label": label},
                "invalid_choice": _("Select one of the choices given"),
            },
            **common,
        )
    if datatype == AttributeDatatype.MULTIVALUELIST:
        return forms.MultipleChoiceField(
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": _("Select at least one answer: %(label)s") % {"label": label},
                "invalid_choice": _("Select only the choices given"),
            },
            **common,
        )
    raise ValueError(f"Unknown attribute datatype {datatype!r}")


def form_class_for(service: Service) -> type[forms.Form]:
    """A Django form class asking the service's questions, in order, with GOV.UK widgets."""
    attributes = queries.service_attributes(service=service)
    fields = {attribute.code: _field_for(attribute) for attribute in attributes}

    def __init__(self, *args, **kwargs):
        forms.Form.__init__(self, *args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    return type(
        f"Service{service.lgsl}Form",
        (forms.Form,),
        {**fields, "__init__": __init__, "service": service},
    )


class SearchForm(forms.Form):
    """The front door: "What do you need?" and, optionally, where."""

    q = forms.CharField(
        label=_("What do you need?"),
        help_text=_("Describe it in your own words, for example “bins not emptied”"),
        max_length=queries.QUERY_MAX_LENGTH,
        error_messages={
            "required": _("Enter what you need, for example “bins not emptied”"),
            "max_length": _("Enter 2,000 characters or fewer"),
        },
    )
    postcode = forms.CharField(
        label=_("Postcode (optional)"),
        help_text=_("So we can show the council responsible where you live, like OX4 3BD"),
        max_length=10,
        required=False,
    )
