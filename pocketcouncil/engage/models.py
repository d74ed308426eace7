"""Engagements: consultations where residents take part in polls, ideas, budgets and
deliberation, and where the council always says what it did with what people said.

Every row belongs to one council (``council`` is never null) and the actions copy it from the
engagement, so a query filtered by council can never pick up another council's rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pocketcouncil.accounts.models import Topic


class Moderation(models.TextChoices):
    PRE = "pre", _("Check everything before it is shown (pre-moderation)")
    POST = "post", _("Show straight away and check afterwards (post-moderation)")


class PhaseKind(models.TextChoices):
    IDEAS = "ideas", _("Ideas")
    POLL = "poll", _("Quick poll")
    BUDGET = "budget", _("Budget vote")
    DELIBERATION = "deliberation", _("Statements to agree or disagree with")
    SURVEY = "survey", _("Survey")
    REVIEW = "review", _("Council review")
    RESULTS = "results", _("Results")


class Action(models.TextChoices):
    """What a resident may do. Each needs its phase to be open (``ACTION_PHASE``)."""

    POLL_VOTE = "poll_vote", _("answer the poll")
    IDEA_PROPOSE = "idea_propose", _("suggest an idea")
    IDEA_SUPPORT = "idea_support", _("support an idea")
    COMMENT = "comment", _("comment")
    BUDGET_VOTE = "budget_vote", _("vote in the budget")
    STATEMENT_PROPOSE = "statement_propose", _("add a statement")
    STATEMENT_VOTE = "statement_vote", _("agree or disagree with statements")
    SURVEY_RESPOND = "survey_respond", _("answer the survey")


ACTION_PHASE = {
    Action.POLL_VOTE: PhaseKind.POLL,
    Action.IDEA_PROPOSE: PhaseKind.IDEAS,
    Action.IDEA_SUPPORT: PhaseKind.IDEAS,
    Action.COMMENT: PhaseKind.IDEAS,
    Action.BUDGET_VOTE: PhaseKind.BUDGET,
    Action.STATEMENT_PROPOSE: PhaseKind.DELIBERATION,
    Action.STATEMENT_VOTE: PhaseKind.DELIBERATION,
    Action.SURVEY_RESPOND: PhaseKind.SURVEY,
}


class BudgetRule(models.TextChoices):
    KNAPSACK = "knapsack", _("Choose projects up to the budget")
    APPROVAL = "approval", _("Choose up to a number of projects")


class ContentState(models.TextChoices):
    PENDING = "pending", _("Waiting to be checked")
    HELD = "held", _("Held for review")
    PUBLISHED = "published", _("Published")
    HIDDEN = "hidden", _("Hidden by a moderator")


class Response(models.TextChoices):
    NONE = "", _("No response yet")
    UNDER_CONSIDERATION = "under_consideration", _("Under consideration")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Not taken forward")


class ContentKind(models.TextChoices):
    IDEA = "idea", _("Idea")
    COMMENT = "comment", _("Comment")
    STATEMENT = "statement", _("Statement")


class PollResults(models.TextChoices):
    AFTER_VOTE = "after_vote", _("Show results once someone has answered")
    AFTER_CLOSE = "after_close", _("Show results only when the poll has closed")


class Engagement(models.Model):
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="engagements"
    )
    slug = models.SlugField(_("short name"), max_length=80)
    title = models.CharField(_("title"), max_length=150)
    purpose = models.TextField(_("what we want to find out, in plain English"))
    decision = models.TextField(_("the decision this will inform"))
    topic = models.CharField(
        _("topic"), max_length=20, choices=Topic.choices, default=Topic.CONSULTATIONS
    )
    areas = models.ManyToManyField(
        "councils.Area",
        blank=True,
        related_name="engagements",
        verbose_name=_("areas it is about"),
        help_text=_("Leave empty if it is about the whole council area."),
    )
    moderation = models.CharField(
        _("moderation"), max_length=4, choices=Moderation.choices, default=Moderation.POST
    )
    is_published = models.BooleanField(_("shown to the public"), default=False)
    support_threshold = models.PositiveIntegerField(
        _("supports that need a council response"),
        default=0,
        help_text=_("0 means no threshold."),
    )
    budget_total_pence = models.PositiveBigIntegerField(_("budget (pence)"), default=0)
    budget_rule = models.CharField(
        _("budget voting rule"), max_length=10, choices=BudgetRule.choices, blank=True
    )
    budget_min_spend_pence = models.PositiveBigIntegerField(
        _("smallest spend a ballot must reach (pence)"), default=0
    )
    budget_max_choices = models.PositiveIntegerField(
        _("most projects a ballot may choose (approval)"), default=0
    )
    we_asked = models.TextField(_("we asked"), blank=True)
    you_said = models.TextField(_("you said"), blank=True)
    we_did = models.TextField(_("we did"), blank=True)
    results_published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council", "-created_at"]
        verbose_name = _("engagement")
        verbose_name_plural = _("engagements")
        constraints = [
            models.UniqueConstraint(fields=["council", "slug"], name="engage_slug_per_council"),
            models.CheckConstraint(
                condition=Q(moderation__in=Moderation.values), name="engage_moderation_valid"
            ),
            models.CheckConstraint(
                condition=Q(budget_rule__in=[*BudgetRule.values, ""]),
                name="engage_budget_rule_valid",
            ),
            models.CheckConstraint(
                condition=Q(budget_min_spend_pence__lte=models.F("budget_total_pence")),
                name="engage_min_spend_within_budget",
            ),
        ]

    def __str__(self):
        return self.title


class Phase(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("kind"), max_length=15, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("opens"))
    ends_at = models.DateTimeField(_("closes"))

    class Meta:
        ordering = ["engagement", "starts_at", "pk"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "kind"], name="engage_phase_once"),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="engage_phase_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=PhaseKind.values), name="engage_phase_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.engagement}: {self.get_kind_display()}"


class ParticipationRule(models.Model):
    """Who may do one action: at least ``min_level``, and (optionally) living in ``area``."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="rules")
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    min_level = models.PositiveSmallIntegerField(_("assurance level needed"), default=1)
    area = models.ForeignKey(
        "councils.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("only residents of"),
    )

    class Meta:
        verbose_name = _("participation rule")
        verbose_name_plural = _("participation rules")
        constraints = [
            models.UniqueConstraint(fields=["engagement", "action"], name="engage_rule_once"),
            models.CheckConstraint(
                condition=Q(min_level__gte=1, min_level__lte=3), name="engage_rule_level_1_3"
            ),
            models.CheckConstraint(
                condition=Q(action__in=Action.values), name="engage_rule_action_valid"
            ),
        ]

    def __str__(self):
        return f"{self.engagement_id}: {self.action} (level {self.min_level})"


class Poll(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="poll")
    question = models.CharField(_("question"), max_length=200)
    show_results = models.CharField(
        _("when results are shown"),
        max_length=12,
        choices=PollResults.choices,
        default=PollResults.AFTER_VOTE,
    )

    class Meta:
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self):
        return self.question


class PollOption(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("answer"), max_length=120)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["poll", "position", "pk"]
        verbose_name = _("poll answer")
        verbose_name_plural = _("poll answers")
        constraints = [
            models.UniqueConstraint(fields=["poll", "label"], name="engage_poll_option_unique")
        ]

    def __str__(self):
        return self.label


class PollVote(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    option = models.ForeignKey(PollOption, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_paper = models.BooleanField(default=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "user"],
                condition=Q(user__isnull=False),
                name="engage_one_poll_vote_each",
            )
        ]

    def __str__(self):
        return f"vote {self.pk}"


class Idea(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="ideas")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("idea in a few words"), max_length=120)
    body = models.TextField(_("more about your idea"), max_length=2000)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ContentState.choices)
    state_reason = models.CharField(max_length=300, blank=True)
    support_count = models.PositiveIntegerField(default=0)
    threshold_reached_at = models.DateTimeField(null=True, blank=True)
    response = models.CharField(max_length=20, choices=Response.choices, blank=True, default="")
    response_text = models.TextField(blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-support_count", "-created_at", "-pk"]
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ContentState.values), name="engage_idea_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(response__in=Response.values), name="engage_idea_response_valid"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="engage_idea_point_whole",
            ),
        ]

    def __str__(self):
        return self.title


class IdeaSupport(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="engage_support_once")]

    def __str__(self):
        return f"support {self.pk}"


class Comment(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("comment"), max_length=1000)
    state = models.CharField(max_length=10, choices=ContentState.choices)
    state_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ContentState.values), name="engage_comment_state_valid"
            )
        ]

    def __str__(self):
        return self.body[:40]


class BudgetProject(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="projects")
    title = models.CharField(_("project"), max_length=120)
    description = models.TextField(_("what it is"), blank=True)
    cost_pence = models.PositiveBigIntegerField(_("cost (pence)"))
    area = models.ForeignKey(
        "councils.Area", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["engagement", "title"]
        verbose_name = _("budget project")
        verbose_name_plural = _("budget projects")
        constraints = [
            models.CheckConstraint(condition=Q(cost_pence__gt=0), name="engage_project_costs"),
            models.UniqueConstraint(
                fields=["engagement", "title"], name="engage_project_title_unique"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def cost_pounds(self) -> float:
        return self.cost_pence / 100


class Ballot(models.Model):
    """One resident's budget vote, or one paper ballot entered by staff."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="ballots")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_paper = models.BooleanField(default=False)
    paper_reference = models.CharField(max_length=40, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    projects = models.ManyToManyField(BudgetProject, related_name="ballots")
    total_pence = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        constraints = [
            models.UniqueConstraint(
                fields=["engagement", "user"],
                condition=Q(user__isnull=False),
                name="engage_one_ballot_each",
            ),
            models.UniqueConstraint(
                fields=["engagement", "paper_reference"],
                condition=~Q(paper_reference=""),
                name="engage_paper_ballot_once",
            ),
            models.CheckConstraint(
                condition=Q(is_paper=False) | ~Q(paper_reference=""),
                name="engage_paper_ballot_has_reference",
            ),
        ]

    def __str__(self):
        return f"ballot {self.pk}"


class Statement(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="statements")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(_("statement"), max_length=200)
    state = models.CharField(max_length=10, choices=ContentState.choices)
    state_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ContentState.values), name="engage_statement_state_valid"
            )
        ]

    def __str__(self):
        return self.text


class StatementVote(models.Model):
    AGREE, PASS, DISAGREE = 1, 0, -1

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statement", "user"], name="engage_statement_vote"),
            models.CheckConstraint(
                condition=Q(value__in=[-1, 0, 1]), name="engage_statement_vote_value"
            ),
        ]

    def __str__(self):
        return f"vote {self.pk}"


class OpinionAnalysis(models.Model):
    """The latest opinion groups for an engagement's statements (recomputed in the background)."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="opinion")
    requested_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)
    participant_count = models.PositiveIntegerField(default=0)
    result = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("opinion groups")
        verbose_name_plural = _("opinion groups")

    def __str__(self):
        return f"opinion groups for {self.engagement_id}"


class AbuseReport(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="+")
    content_kind = models.CharField(max_length=10, choices=ContentKind.choices)
    content_id = models.PositiveBigIntegerField()
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.CharField(_("what is wrong with it"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_kind", "content_id", "reporter"],
                condition=Q(reporter__isnull=False),
                name="engage_report_once_each",
            )
        ]

    def __str__(self):
        return f"report {self.pk}"


class BlockedAccount(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="engage_block_once")
        ]

    def __str__(self):
        return f"block {self.user_id}"


class BlockedWord(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=60)

    class Meta:
        ordering = ["word"]
        verbose_name = _("blocked word")
        verbose_name_plural = _("blocked words")
        constraints = [models.UniqueConstraint(fields=["council", "word"], name="engage_word_once")]

    def __str__(self):
        return self.word


# --- Surveys ---


class QuestionKind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    SINGLE_CHOICE = "single_choice", _("Choose one")
    MULTIPLE_CHOICE = "multiple_choice", _("Choose any (or up to a number)")
    RANKING = "ranking", _("Put in order")
    SCALE = "scale", _("Scale (1 to 5 or 1 to 10)")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    MATRIX = "matrix", _("Grid (one answer for each row)")
    FILE = "file", _("File upload")


# Kinds whose answers are chosen from ``options`` (the columns, for a grid).
KINDS_WITH_OPTIONS = (
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.RANKING,
    QuestionKind.MATRIX,
)
FILE_TYPES = {"pdf": "PDF", "jpg": "JPG", "png": "PNG"}


class Survey(models.Model):
    """An engagement's survey: ordered questions, answered once per person (plus paper)."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    engagement = models.OneToOneField(Engagement, on_delete=models.CASCADE, related_name="survey")
    introduction = models.TextField(_("introduction shown before the first question"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self):
        return f"survey of {self.engagement_id}"


class SurveyQuestion(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    kind = models.CharField(_("type of question"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    hint = models.CharField(_("hint"), max_length=500, blank=True)
    required = models.BooleanField(_("an answer is needed"), default=True)
    # Choices, ranking items, or a grid's columns: a list of labels.
    options = models.JSONField(default=list, blank=True)
    # A grid's rows: a list of labels.
    rows = models.JSONField(default=list, blank=True)
    max_choices = models.PositiveSmallIntegerField(
        _("most answers that may be chosen (0 for any)"), default=0
    )
    scale_max = models.PositiveSmallIntegerField(_("scale from 1 to"), default=5)
    scale_min_label = models.CharField(_("label for 1"), max_length=60, blank=True)
    scale_max_label = models.CharField(
        _("label for the top of the scale"), max_length=60, blank=True
    )
    number_min = models.DecimalField(
        _("smallest number allowed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    number_max = models.DecimalField(
        _("largest number allowed"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    file_types = models.JSONField(default=list, blank=True)
    file_max_mb = models.PositiveSmallIntegerField(_("largest file, in MB"), default=5)
    # Show only if an earlier question's answer is (or, for several answers, includes) a value.
    condition_question = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.RESTRICT, related_name="dependants"
    )
    condition_value = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["survey", "position", "pk"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=QuestionKind.values), name="engage_question_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(scale_max__in=[5, 10]), name="engage_question_scale_5_or_10"
            ),
            models.CheckConstraint(
                condition=Q(file_max_mb__gte=1, file_max_mb__lte=20),
                name="engage_question_file_size_1_20",
            ),
            models.CheckConstraint(
                condition=Q(condition_question__isnull=True) | ~Q(condition_value=""),
                name="engage_question_condition_whole",
            ),
        ]

    def __str__(self):
        return self.text

    @property
    def field_id(self) -> str:
        return f"q{self.pk}"


class SurveyResponseState(models.TextChoices):
    DRAFT = "draft", _("Started, not sent")
    SUBMITTED = "submitted", _("Sent")


class SurveyResponse(models.Model):
    """One person's answers (saved as a draft page by page, then sent), or one paper response
    entered by staff with the number written on it.

    ``answers`` maps a question's id (as text) to its answer. ``ward`` and ``level`` are taken
    when the answers are sent, so results by area and level stay true if the person moves.
    """

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        max_length=10, choices=SurveyResponseState.choices, default=SurveyResponseState.DRAFT
    )
    answers = models.JSONField(default=dict, blank=True)
    is_paper = models.BooleanField(default=False)
    paper_reference = models.CharField(max_length=40, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ward = models.ForeignKey(
        "councils.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ward_name = models.CharField(max_length=120, blank=True)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["survey", "submitted_at", "pk"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "user"],
                condition=Q(user__isnull=False),
                name="engage_one_survey_response_each",
            ),
            models.UniqueConstraint(
                fields=["survey", "paper_reference"],
                condition=~Q(paper_reference=""),
                name="engage_paper_survey_once",
            ),
            models.CheckConstraint(
                condition=Q(is_paper=False) | ~Q(paper_reference=""),
                name="engage_paper_survey_has_reference",
            ),
            models.CheckConstraint(
                condition=Q(state__in=SurveyResponseState.values),
                name="engage_survey_response_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(submitted_at__isnull=False),
                name="engage_survey_sent_has_time",
            ),
        ]

    def __str__(self):
        return f"survey response {self.pk}"


def survey_file_path(instance: SurveyFile, filename: str) -> str:
    return f"engage/{instance.council_id}/surveys/{instance.token}.{instance.extension}"


class SurveyFile(models.Model):
    """A file sent with an answer. Stored under a random name; never part of an export."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="files")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=32, unique=True)
    extension = models.CharField(max_length=4)
    file = models.FileField(upload_to=survey_file_path)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="engage_one_file_per_answer"
            )
        ]

    def __str__(self):
        return f"file {self.token}"
