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
    FILE_TYPES,
    Action,
    BudgetRule,
    Moderation,
    PhaseKind,
    PollResults,
    QuestionKind,
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
            "slug": data.get("slug", ""),
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


class EngagementEditForm(EngagementForm):
    """The same as creating one, without the short name (the web address stays the same)."""

    def __init__(self, *args, council, engagement=None, **kwargs):
        if engagement is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": engagement.title,
                "purpose": engagement.purpose,
                "decision": engagement.decision,
                "topic": engagement.topic,
                "moderation": engagement.moderation,
                "areas": list(engagement.areas.all()),
                "support_threshold": engagement.support_threshold,
                "budget_rule": engagement.budget_rule,
                "budget_total": engagement.budget_total_pence / 100,
                "budget_min_spend": engagement.budget_min_spend_pence / 100,
                "budget_max_choices": engagement.budget_max_choices,
            }
        super().__init__(*args, council=council, **kwargs)
        del self.fields["slug"]

    def action_kwargs(self) -> dict:
        kwargs = super().action_kwargs()
        del kwargs["slug"]
        return kwargs


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


# --- Surveys (staff) ---


class SurveyForm(GovForm):
    introduction = forms.CharField(
        label=_("Introduction shown before the first question (optional)"),
        help_text=_("Say what the survey is for, how long it takes and what happens next."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SurveyQuestionForm(GovForm):
    kind = forms.ChoiceField(
        label=_("Type of question"),
        choices=QuestionKind.choices,
        error_messages={"required": _("Choose a type of question")},
    )
    text = forms.CharField(
        label=_("Question"),
        max_length=300,
        error_messages={"required": _("Enter the question")},
    )
    hint = forms.CharField(label=_("Hint (optional)"), max_length=500, required=False)
    required = forms.TypedChoiceField(
        label=_("Must people answer it?"),
        choices=[("yes", _("Yes")), ("no", _("No, it is optional"))],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    options = forms.CharField(
        label=_("Answers to choose from, or things to put in order, one on each line"),
        help_text=_("For a grid, these are the columns (for example, Agree, Neutral, Disagree)."),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    rows = forms.CharField(
        label=_("Grid rows, one on each line (grid only)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    max_choices = forms.IntegerField(
        label=_("Most answers people may choose (choose any; 0 for no limit)"),
        min_value=0,
        max_value=50,
        required=False,
    )
    scale_max = forms.TypedChoiceField(
        label=_("Scale (scale only)"),
        choices=[(5, _("1 to 5")), (10, _("1 to 10"))],
        coerce=int,
        initial=5,
        required=False,
    )
    scale_min_label = forms.CharField(
        label=_("What 1 means (scale only), like Very poor"), max_length=60, required=False
    )
    scale_max_label = forms.CharField(
        label=_("What the top of the scale means, like Very good"), max_length=60, required=False
    )
    number_min = forms.DecimalField(
        label=_("Smallest number allowed (number only, optional)"),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    number_max = forms.DecimalField(
        label=_("Largest number allowed (number only, optional)"),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    file_types = forms.MultipleChoiceField(
        label=_("Types of file allowed (file upload only)"),
        choices=list(FILE_TYPES.items()),
        widget=forms.CheckboxSelectMultiple,
        initial=list(FILE_TYPES),
        required=False,
    )
    file_max_mb = forms.IntegerField(
        label=_("Largest file in MB (file upload only, 1 to 20)"),
        min_value=1,
        max_value=20,
        initial=5,
        required=False,
    )
    condition_question = forms.ModelChoiceField(
        label=_("Show only if the answer to (optional)"),
        queryset=None,
        required=False,
        empty_label=_("Always show this question"),
    )
    condition_value = forms.CharField(
        label=_("is, or includes"),
        help_text=_("One of that question's answers exactly as written, or a number on a scale."),
        max_length=120,
        required=False,
    )

    def __init__(self, *args, survey, question=None, **kwargs):
        if question is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": question.kind,
                "text": question.text,
                "hint": question.hint,
                "required": "yes" if question.required else "no",
                "options": "\n".join(question.options),
                "rows": "\n".join(question.rows),
                "max_choices": question.max_choices,
                "scale_max": question.scale_max,
                "scale_min_label": question.scale_min_label,
                "scale_max_label": question.scale_max_label,
                "number_min": question.number_min,
                "number_max": question.number_max,
                "file_types": question.file_types,
                "file_max_mb": question.file_max_mb,
                "condition_question": question.condition_question_id,
                "condition_value": question.condition_value,
            }
        super().__init__(*args, **kwargs)
        earlier = survey.questions.filter(
            kind__in=[QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.SCALE]
        )
        if question is not None:
            earlier = earlier.filter(position__lt=question.position)
        self.fields["condition_question"].queryset = earlier.order_by("position")
        self.fields["condition_question"].label_from_instance = lambda q: q.text

    def spec(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "text": data["text"],
            "hint": data["hint"],
            "required": data["required"],
            "options": data["options"].splitlines(),
            "rows": data["rows"].splitlines(),
            "max_choices": data["max_choices"] or 0,
            "scale_max": data["scale_max"] or 5,
            "scale_min_label": data["scale_min_label"],
            "scale_max_label": data["scale_max_label"],
            "number_min": data["number_min"],
            "number_max": data["number_max"],
            "file_types": data["file_types"],
            "file_max_mb": data["file_max_mb"] or 5,
            "condition_question": data["condition_question"],
            "condition_value": data["condition_value"],
        }


class PaperSurveyForm(GovForm):
    reference = forms.CharField(
        label=_("Number written on the paper response"),
        max_length=40,
        error_messages={"required": _("Enter the number on the paper response")},
    )
    ward = forms.ModelChoiceField(
        label=_("Ward the person gave (optional)"),
        queryset=None,
        required=False,
        empty_label=_("Not given"),
    )

    def __init__(self, *args, council, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = Area.objects.filter(council=council, kind="ward").order_by(
            "name"
        )
