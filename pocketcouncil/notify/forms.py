from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.notify.models import Channel, Frequency, SubjectKind, Topic

CHANNEL_CHOICES = [("off", _("Off"))] + list(Frequency.choices)


class SubscriptionChannelsForm(forms.Form):
    """For each channel: off, straight away, or in the daily summary."""

    def __init__(self, *args, current: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        current = current or {}
        for value, label in Channel.choices:
            self.fields[value] = forms.ChoiceField(
                label=label,
                choices=CHANNEL_CHOICES if value != Channel.INBOX else CHANNEL_CHOICES[:2],
                initial=current.get(value, "off"),
                widget=forms.RadioSelect,
            )

    def clean(self):
        data = super().clean()
        chosen = {k: v for k, v in data.items() if v and v != "off"}
        if not self.errors and not chosen:
            raise forms.ValidationError(
                _("Choose at least one way to hear about it, or stop following it.")
            )
        data["channels"] = chosen
        return data


class FollowForm(forms.Form):
    """Posted by "Follow" buttons anywhere on the site."""

    council = forms.SlugField(max_length=60)
    subject_kind = forms.ChoiceField(choices=SubjectKind.choices)
    subject_key = forms.CharField(max_length=100, required=False)
    label = forms.CharField(max_length=200, required=False)
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    radius_m = forms.IntegerField(required=False, min_value=50, max_value=5000)
    categories = forms.CharField(max_length=500, required=False)
    next = forms.CharField(max_length=500, required=False)


class TopicsForm(forms.Form):
    council = forms.ChoiceField(label=_("Council"))
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one topic")},
    )

    def __init__(self, *args, councils=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].choices = [(c.slug, c.name) for c in councils]
        self.fields["council"].error_messages["required"] = _("Choose a council")


class PreferencesForm(forms.Form):
    quiet_hours_start = forms.TimeField(
        label=_("Quiet hours start"),
        required=False,
        help_text=_("For example, 21:00. Leave both empty for no quiet hours."),
        error_messages={"invalid": _("Enter a time like 21:00")},
    )
    quiet_hours_end = forms.TimeField(
        label=_("Quiet hours end"),
        required=False,
        help_text=_("For example, 07:00"),
        error_messages={"invalid": _("Enter a time like 07:00")},
    )
    digest_hour = forms.IntegerField(
        label=_("Send my daily summary at"),
        min_value=0,
        max_value=23,
        help_text=_("An hour from 0 to 23, UK time. For example, 18 for 6pm."),
        error_messages={
            "required": _("Enter an hour from 0 to 23"),
            "invalid": _("Enter an hour from 0 to 23, like 18"),
            "min_value": _("Enter an hour from 0 to 23"),
            "max_value": _("Enter an hour from 0 to 23"),
        },
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("quiet_hours_start"), data.get("quiet_hours_end")
        if "quiet_hours_start" in data and "quiet_hours_end" in data:
            if (start is None) != (end is None):
                field = "quiet_hours_end" if end is None else "quiet_hours_start"
                self.add_error(field, _("Enter both a start and an end, or leave both empty"))
            elif start is not None and start == end:
                self.add_error("quiet_hours_end", _("Quiet hours must end at a different time"))
        return data


class _GovForm(forms.Form):
    """Rendered by crispy-forms-gds inside the page's own <form>."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the page's form has its own token


class MessageTemplateEditForm(_GovForm):
    """A council's own wording for one event and channel (checked for template mistakes)."""

    subject = forms.CharField(
        label=_("Subject line"),
        max_length=300,
        required=False,
        help_text=_("For emails and phone notifications. Leave it empty to use the standard one."),
    )
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=5000,
        error_messages={"required": _("Enter the message")},
        help_text=_(
            "Plain English. You can use {{ council_name }}, {{ reference }}, {{ title }}, "
            "{{ status }}, {{ note }}, {{ url }} and {{ recipient_name }}."
        ),
    )

    def __init__(self, *args, sms: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if sms:
            del self.fields["subject"]

    def clean(self):
        from django.template import TemplateSyntaxError

        from pocketcouncil.notify import templates

        data = super().clean()
        for name in ("subject", "body"):
            if data.get(name):
                try:
                    templates.check(data[name])
                except TemplateSyntaxError as error:
                    self.add_error(
                        name,
                        _("There is a mistake in a {{ }} or {%% %%} part: %(error)s")
                        % {"error": error},
                    )
        return data


class DeliveryLogSearchForm(_GovForm):
    email = forms.EmailField(
        label=_("Resident's email address"),
        max_length=254,
        error_messages={
            "required": _("Enter the resident's email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
