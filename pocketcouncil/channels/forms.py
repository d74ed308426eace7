from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.services import queries as services_queries


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "govuk-textarea"}),
        error_messages={"required": _("Write your reply")},
    )

    def __init__(self, *args, council=None, **kwargs):
        super().__init__(*args, **kwargs)


class LinkForm(forms.Form):
    reference = forms.CharField(
        label=_("Case reference"),
        max_length=30,
        error_messages={"required": _("Enter the case reference, like OXF-26-000123")},
    )


class ConvertForm(forms.Form):
    service = forms.ChoiceField(
        label=_("Service"), error_messages={"required": _("Choose a service")}
    )
    postcode = forms.CharField(label=_("Postcode (for a problem at a place)"), required=False)

    def __init__(self, *args, council=None, **kwargs):
        super().__init__(*args, **kwargs)
        services = services_queries.service_list_for_council(council=council) if council else []
        self.fields["service"].choices = [("", _("Choose a service"))] + [
            (str(s.lgsl), s.name) for s in services
        ]
