"""Forms of the report journey and the staff console. Forms parse and check input; the rules
about cases live in actions."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.cases import photos as photo_rules
from pocketcouncil.cases.models import Priority, Satisfaction
from pocketcouncil.cases.workflow import CaseStatus, CloseReason
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.services.forms import form_class_for


class GovForm(forms.Form):
    """A form rendered by crispy-forms-gds (GOV.UK markup, error summary links)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


# Service questions the journey asks in its own way: "where" on the location page, and
# "details" as the case's description.
JOURNEY_CODES = {"where", "details"}


class LocationForm(GovForm):
    """Where the problem is: a postcode and a description, or a pin dropped on the map."""

    postcode = forms.CharField(
        label=_("Postcode"),
        help_text=_("The postcode nearest the problem, like OX4 3BD"),
        max_length=10,
        required=False,
    )
    where = forms.CharField(
        label=_("Describe exactly where it is"),
        help_text=_(
            "The street and the nearest house number or landmark, like "
            "“behind the shops on Cowley Road, by the bus stop”"
        ),
        max_length=300,
        error_messages={"required": _("Describe exactly where it is")},
    )
    # Filled in by the map when JavaScript is on; the postcode is the equal path without it.
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if lat is not None and lon is not None:
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise forms.ValidationError(_("The point on the map is not a real place"))
            data["point"] = (lon, lat)
            return data
        text = data.get("postcode", "")
        if not text.strip():
            self.add_error("postcode", _("Enter a postcode, or drop a pin on the map"))
            return data
        try:
            postcode = councils_queries.postcode_get(text)
        except councils_queries.PostcodeInvalidError:
            self.add_error("postcode", _("Enter a real postcode, like OX4 3BD"))
            return data
        except councils_queries.PostcodeNotFoundError:
            self.add_error(
                "postcode",
                _(
                    "We could not find the postcode %(postcode)s. Check it, or drop a pin on "
                    "the map."
                )
                % {"postcode": councils_queries.normalise_postcode(text)},
            )
            return data
        data["postcode"] = postcode.postcode
        data["point"] = (postcode.longitude, postcode.latitude)
        return data


class CouncilChoiceForm(GovForm):
    council = forms.ChoiceField(
        label=_("Which council is this for?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your council")},
    )

    def __init__(self, *args, councils=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [(c.slug, c.name) for c in councils]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to three photos, each checked and re-encoded (see photos.py)."""

    widget = MultipleFileInput(
        attrs={"accept": "image/jpeg,image/png,image/heic,image/heif,image/webp"}
    )

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        uploads = [u for u in uploads if u]
        if len(uploads) > photo_rules.MAX_PHOTOS:
            raise forms.ValidationError(
                _("Choose up to %(n)d photos") % {"n": photo_rules.MAX_PHOTOS}
            )
        processed = []
        for upload in uploads:
            try:
                processed.append(photo_rules.process(upload))
            except photo_rules.PhotoInvalidError as error:
                raise forms.ValidationError(str(error)) from None
        return processed


def details_form_class(service, *, anonymous: bool) -> type[forms.Form]:
    """The service's own questions, then the description, photos and (signed out) contact."""
    base = form_class_for(service)
    for code in JOURNEY_CODES:
        base.base_fields.pop(code, None)

    class DetailsForm(base):
        description = forms.CharField(
            label=_("Describe the problem"),
            help_text=_(
                "Anything that helps us find it or fix it. Do not include personal "
                "details: they would be shown in public."
            ),
            widget=forms.Textarea(attrs={"rows": 5}),
            max_length=5000,
            error_messages={"required": _("Describe the problem")},
        )
        photos = PhotosField(
            label=_("Photos (optional)"),
            help_text=_(
                "Up to 3 photos, each up to 10 MB. We remove the location and other "
                "details your phone stores in them."
            ),
            required=False,
        )
        if anonymous:
            reporter_name = forms.CharField(
                label=_("Your name (optional)"),
                max_length=200,
                required=False,
                help_text=_("Never shown in public."),
            )
            reporter_email = forms.EmailField(
                label=_("Your email address (optional)"),
                required=False,
                help_text=_("To tell you when it is fixed. We will not use it for anything else."),
                error_messages={
                    "invalid": _(
                        "Enter an email address in the correct format, like name@example.com"
                    )
                },
            )
        show_name_publicly = forms.BooleanField(
            label=_("Show my name on the public report"),
            required=False,
            help_text=_("Your name is hidden unless you choose this."),
        )

    return DetailsForm


def attributes_from(form: forms.Form) -> dict:
    """The service questions' answers as JSON-ready values."""
    skip = {"description", "photos", "reporter_name", "reporter_email", "show_name_publicly"}
    values = {}
    for name, value in form.cleaned_data.items():
        if name in skip or value in (None, "", []):
            continue
        if hasattr(value, "isoformat"):
            value = value.isoformat()
        elif not isinstance(value, str | int | float | bool | list):
            value = str(value)
        values[name] = value
    return values


class MessageForm(GovForm):
    message = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Write your message")},
    )


class ReopenForm(GovForm):
    reason = forms.CharField(
        label=_("What is still wrong?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Tell us what is still wrong")},
    )


class SatisfactionForm(GovForm):
    answer = forms.TypedChoiceField(
        label=_("How satisfied are you with how we dealt with this?"),
        choices=list(reversed(Satisfaction.choices)),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how satisfied you are")},
    )


class EditForm(GovForm):
    description = forms.CharField(
        label=_("Describe the problem"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": _("Describe the problem")},
    )
    photos = PhotosField(label=_("Add photos (optional)"), required=False)


# --- staff -------------------------------------------------------------------------------------


class StatusForm(GovForm):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[(s, label) for s, label in CaseStatus.choices if s != CaseStatus.DUPLICATE],
        error_messages={"required": _("Choose a status")},
    )
    close_reason = forms.ChoiceField(
        label=_("If closing without a fix, why?"),
        choices=[("", _("Not closing without a fix"))] + list(CloseReason.choices),
        required=False,
    )
    public_note = forms.CharField(
        label=_("Message to the resident (optional)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
    )


class NoteForm(GovForm):
    note = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        error_messages={"required": _("Write the text")},
    )
    visibility = forms.ChoiceField(
        label=_("Who sees it?"),
        choices=[
            ("public", _("Public update: the resident is told")),
            ("internal", _("Internal note: staff only")),
        ],
        widget=forms.RadioSelect,
        initial="internal",
    )


class AssignForm(GovForm):
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)
    assignee = forms.TypedChoiceField(
        label=_("Officer"), coerce=int, required=False, empty_value=None
    )

    def __init__(self, *args, teams=(), officers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("No change"))] + [(t.pk, t.name) for t in teams]
        self.fields["assignee"].choices = [("", _("No change"))] + [
            (u.pk, u.get_full_name()) for u in officers
        ]


class PriorityForm(GovForm):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)


class MergeForm(GovForm):
    into = forms.CharField(
        label=_("Reference of the case this duplicates"),
        help_text=_("For example, OXF-26-000123"),
        max_length=20,
        error_messages={"required": _("Enter the reference of the case this duplicates")},
    )


class ReassignForm(GovForm):
    council = forms.ChoiceField(label=_("Send to"))
    reason = forms.CharField(
        label=_("Why (the resident is told)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say why the case is going to another council")},
    )

    def __init__(self, *args, councils=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [(c.slug, c.name) for c in councils]


class BulkForm(GovForm):
    cases = forms.CharField(widget=forms.MultipleHiddenInput, required=False)
    action = forms.ChoiceField(
        label=_("With the selected cases"),
        choices=[
            ("acknowledged", _("Mark as acknowledged")),
            ("in_progress", _("Mark as in progress")),
            ("resolved", _("Mark as fixed")),
            ("assign_me", _("Assign to me")),
        ],
    )
