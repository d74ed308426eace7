"""Forms parse and check input; the rules about taking part live in rules.py and actions.py."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from pocketcouncil.accounts.models import Topic
from pocketcouncil.councils.models import Area
from pocketcouncil.engage.models import (
    Action,
    BudgetRule,
    Moderation,
    PhaseKind,
    PollResults,
    Response,
)


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


# --- Setting up an engagement (staff) ---


def _pence(pounds) -> int:
    return int(round((pounds or 0) * 100))


class EngagementForm(GovForm):
    title = forms.CharField(label=_("Title"), max_length=150)
    slug = forms.SlugField(
        label=_("Short name for the web address"),
        help_text=_("Lower-case letters, numbers and hyphens, like cowley-road"),
        max_length=80,
    )
    purpose = forms.CharField(
        label=_("What you want to find out, in plain English"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decision = forms.CharField(
        label=_("The decision this will inform"), widget=forms.Textarea(attrs={"rows": 2})
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices, initial=Topic.CONSULTATIONS)
    moderation = forms.ChoiceField(
        label=_("Moderation"),
        choices=Moderation.choices,
        initial=Moderation.POST,
        widget=forms.RadioSelect,
    )
    areas = forms.ModelMultipleChoiceField(
        label=_("Areas it is about (leave empty for the whole council area)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    support_threshold = forms.IntegerField(
        label=_("Supporters an idea needs before the council must respond (0 for none)"),
        min_value=0,
        initial=0,
    )
    budget_rule = forms.ChoiceField(
        label=_("Budget vote"),
        choices=[("", _("No budget vote")), *BudgetRule.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    budget_total = forms.DecimalField(
        label=_("Budget in pounds"), min_value=0, decimal_places=2, required=False
    )
    budget_min_spend = forms.DecimalField(
        label=_("Smallest spend a ballot must reach, in pounds (choose up to the budget)"),
        min_value=0,
        decimal_places=2,
        required=False,
    )
    budget_max_choices = forms.IntegerField(
        label=_("Most projects a ballot may choose (choose up to N)"), min_value=0, required=False
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in ("new", "moderation"):
            raise forms.ValidationError(_("Choose another short name: that one is used by a page"))
        return slug

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = Area.objects.filter(council=council).order_by(
            "kind", "name"
        )

    def action_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "slug": data["slug"],
            "purpose": data["purpose"],
            "decision": data["decision"],
            "topic": data["topic"],
            "moderation": data["moderation"],
            "areas": list(data["areas"]),
            "support_threshold": data["support_threshold"],
            "budget_rule": data["budget_rule"] or "",
            "budget_total_pence": _pence(data["budget_total"]),
            "budget_min_spend_pence": _pence(data["budget_min_spend"]),
            "budget_max_choices": data["budget_max_choices"] or 0,
        }


class PhaseForm(GovForm):
    kind = forms.ChoiceField(label=_("Stage"), choices=PhaseKind.choices)
    starts_on = forms.DateField(
        label=_("Opens on (from midnight)"),
        help_text=_("For example, 2026-06-01"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    ends_on = forms.DateField(
        label=_("Closes at the end of"),
        help_text=_("For example, 2026-06-30"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise forms.ValidationError(_("The closing date must be on or after the opening date"))
        return data

    def times(self):
        london = ZoneInfo("Europe/London")
        starts = datetime.combine(self.cleaned_data["starts_on"], time.min, tzinfo=london)
        ends = datetime.combine(
            self.cleaned_data["ends_on"] + timedelta(days=1), time.min, tzinfo=london
        )
        return starts, ends


class RuleForm(GovForm):
    action = forms.ChoiceField(label=_("Who may"), choices=Action.choices)
    min_level = forms.TypedChoiceField(
        label=_("Level needed"),
        coerce=int,
        choices=[
            (1, _("1: checked email address")),
            (2, _("2: checked phone and home address")),
            (3, _("3: identity checked")),
        ],
        initial=1,
    )
    area = forms.ModelChoiceField(
        label=_("Only residents of (needs level 2 or 3)"), queryset=None, required=False
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = Area.objects.filter(council=council).order_by("kind", "name")


class PollCreateForm(GovForm):
    question = forms.CharField(label=_("Question"), max_length=200)
    options = forms.CharField(
        label=_("Answers, one on each line"), widget=forms.Textarea(attrs={"rows": 4})
    )
    show_results = forms.ChoiceField(
        label=_("When residents see the results"),
        choices=PollResults.choices,
        widget=forms.RadioSelect,
        initial=PollResults.AFTER_VOTE,
    )


class ProjectForm(GovForm):
    title = forms.CharField(label=_("Project"), max_length=120)
    cost = forms.DecimalField(label=_("Cost in pounds"), min_value=0.01, decimal_places=2)
    description = forms.CharField(
        label=_("What it is"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
