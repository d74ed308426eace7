"""Forms for the home page and the staff pages. They parse input; the rules live in actions."""

from __future__ import annotations

from datetime import datetime, time

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pocketcouncil.accounts.models import Topic
from pocketcouncil.councils.models import Area, AreaKind
from pocketcouncil.news.models import AnnouncementKind, BinType, Frequency
from pocketcouncil.news.queries import LONDON


class GovForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PostcodeForm(forms.Form):
    postcode = forms.CharField(
        label=_("Your postcode"),
        help_text=_("For example, OX4 3BD. We do not keep it."),
        max_length=10,
        error_messages={"required": _("Enter your postcode, like OX4 3BD")},
    )


class DateInput(forms.DateInput):
    input_type = "date"


def _areas_field(council, *, required: bool, label, help_text=""):
    return forms.ModelMultipleChoiceField(
        label=label,
        help_text=help_text,
        queryset=Area.objects.filter(council=council).defer("geometry").order_by("kind", "name"),
        required=required,
        widget=forms.CheckboxSelectMultiple,
    )


class AnnouncementForm(GovForm):
    kind = forms.ChoiceField(
        label=_("What is it?"), choices=AnnouncementKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Text"),
        help_text=_(
            "Plain English. Leave a blank line between paragraphs; start lines with - "
            "for a list; [words](https://link) for a link."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    # The Welsh version (docs/welsh.md): where it is empty, Welsh pages show the English with a
    # notice that it has not been translated yet.
    title_cy = forms.CharField(label=_("Title in Welsh"), max_length=120, required=False)
    body_cy = forms.CharField(
        label=_("Text in Welsh"),
        help_text=_("Leave empty until you have the Welsh: the English shows meanwhile."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    urgent = forms.BooleanField(
        label=_("Urgent: show it at the top of residents' pages"), required=False
    )
    starts_on = forms.DateField(
        label=_("Show from (leave empty for now)"), required=False, widget=DateInput
    )
    ends_on = forms.DateField(
        label=_("Show until the end of (leave empty to keep it up)"),
        required=False,
        widget=DateInput,
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"] = _areas_field(
            council,
            required=False,
            label=_("Which areas is it for?"),
            help_text=_("Leave all empty for everyone the council serves."),
        )

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        data["starts_at"] = (
            datetime.combine(starts, time(0), tzinfo=LONDON) if starts else timezone.now()
        )
        data["ends_at"] = datetime.combine(ends, time(23, 59, 59), tzinfo=LONDON) if ends else None
        if data["ends_at"] and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_on", _("The end must be after the start"))
        return data


class RoundForm(GovForm):
    name = forms.CharField(label=_("Name"), max_length=100)
    bin_types = forms.MultipleChoiceField(
        label=_("Which bins does it collect?"),
        choices=BinType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the bins this round collects")},
    )
    frequency = forms.ChoiceField(
        label=_("How often?"), choices=Frequency.choices, widget=forms.RadioSelect
    )
    first_collection = forms.DateField(
        label=_("First collection"),
        help_text=_("Any day this round collects: its weekday becomes the collection day."),
        widget=DateInput,
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"] = forms.ModelMultipleChoiceField(
            label=_("Which wards does it cover?"),
            queryset=Area.objects.filter(council=council, kind=AreaKind.WARD)
            .defer("geometry")
            .order_by("name"),
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": _("Choose the wards this round covers")},
        )


class RoundChangeForm(GovForm):
    scheduled_date = forms.DateField(label=_("Collection due on"), widget=DateInput)
    new_date = forms.DateField(
        label=_("Move it to"),
        help_text=_("Leave empty to cancel this collection."),
        required=False,
        widget=DateInput,
    )
    reason = forms.CharField(label=_("Why (residents see this)"), max_length=200)


class MissedRoundForm(GovForm):
    date = forms.DateField(label=_("Day it was missed"), widget=DateInput)
    reason = forms.CharField(label=_("What happened (residents see this)"), max_length=300)
    catch_up = forms.CharField(
        label=_("What happens next"),
        help_text=_("Like: we will come back on Saturday. Leave bins out."),
        max_length=300,
    )
