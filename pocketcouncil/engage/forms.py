"""Forms parse and check input; the rules about taking part live in rules.py and actions.py."""

from __future__ import annotations

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.engage.models import Response


class GovForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class PollForm(GovForm):
    option = forms.TypedChoiceField(
        label=_("Your answer"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose an answer")},
    )

    def __init__(self, *args, poll, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].label = poll.question
        self.fields["option"].choices = [(o.pk, o.label) for o in poll.options.all()]


class IdeaForm(GovForm):
    title = forms.CharField(
        label=_("Your idea in a few words"),
        max_length=120,
        error_messages={"required": _("Give your idea a title")},
    )
    body = forms.CharField(
        label=_("Tell us more"),
        help_text=_(
            "What would change and who would it help? Do not include phone numbers, "
            "email addresses or anything else that identifies anyone."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Tell us more about your idea")},
    )
    postcode = forms.CharField(
        label=_("Postcode of the place it is about (optional)"),
        help_text=_("Leave empty if it is not about one place."),
        max_length=10,
        required=False,
    )

    def clean_postcode(self):
        from pocketcouncil.councils import queries as councils

        text = self.cleaned_data["postcode"].strip()
        if not text:
            return None
        try:
            return councils.postcode_get(text)
        except councils.PostcodeInvalidError as error:
            raise forms.ValidationError(_("Enter a real postcode, like OX4 3BD")) from error
        except councils.PostcodeNotFoundError as error:
            raise forms.ValidationError(_("We do not know that postcode")) from error


class CommentForm(GovForm):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write your comment")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ReportForm(GovForm):
    reason = forms.CharField(
        label=_("What is wrong with it?"),
        max_length=500,
        error_messages={"required": _("Say what is wrong with it")},
    )


class BallotForm(GovForm):
    projects = forms.TypedMultipleChoiceField(
        label=_("Choose projects"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one project")},
    )

    def __init__(self, *args, engagement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].choices = [
            (p.pk, f"{p.title} (£{p.cost_pence / 100:,.0f})") for p in engagement.projects.all()
        ]


class PaperBallotForm(BallotForm):
    reference = forms.CharField(
        label=_("Number written on the paper ballot"),
        max_length=40,
        error_messages={"required": _("Enter the number on the paper ballot")},
    )


class StatementForm(GovForm):
    text = forms.CharField(
        label=_("Add a statement for others to agree or disagree with"),
        help_text=_("One short point, up to 200 characters."),
        max_length=200,
        error_messages={"required": _("Write your statement")},
    )


class ResponseForm(GovForm):
    response = forms.ChoiceField(
        label=_("Council response"),
        choices=[c for c in Response.choices if c[0]],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a response")},
    )
    text = forms.CharField(
        label=_("What we will do, or why not"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ModerateForm(GovForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("hide", _("Hide"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose publish or hide")},
    )
    reason = forms.CharField(
        label=_("Reason (shown in its place if hidden)"), max_length=300, required=False
    )


class BlockForm(GovForm):
    email = forms.EmailField(label=_("Email address of the account"))
    reason = forms.CharField(label=_("Why it is blocked"), max_length=300)


class WordForm(GovForm):
    word = forms.CharField(label=_("Word or phrase to hold for checking"), max_length=60)


class PaperPollForm(GovForm):
    option = forms.TypedChoiceField(label=_("Answer"), coerce=int)
    count = forms.IntegerField(label=_("How many paper answers"), min_value=1, max_value=10_000)

    def __init__(self, *args, poll, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["option"].choices = [(o.pk, o.label) for o in poll.options.all()]


class ResultsForm(GovForm):
    we_asked = forms.CharField(label=_("We asked"), widget=forms.Textarea(attrs={"rows": 3}))
    you_said = forms.CharField(label=_("You said"), widget=forms.Textarea(attrs={"rows": 4}))
    we_did = forms.CharField(label=_("We did"), widget=forms.Textarea(attrs={"rows": 4}))
