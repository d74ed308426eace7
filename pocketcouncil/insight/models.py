"""Contact events: every time a resident contacts the council, on any channel, classified as
value demand or failure demand (docs/insight.md explains the classification).

No personal data is kept here: no resident, name, email address or free text written about a
person. Questions residents typed are stored only as the owning app already redacted them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB_SEARCH = "web_search", _("Website search")
    ASK = "ask", _("Ask us page")
    REPORT = "report", _("Report online")
    REQUEST = "request", _("Request online")
    REPLY = "reply", _("Reply to a case")
    APP = "app", _("Partner app (Open311)")
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    SOCIAL = "social", _("Social media")
    PHONE = "phone", _("Phone call")
    FACE_TO_FACE = "face_to_face", _("Face to face")


# Self-service channels: the resident did it themselves, on the web. The others need a person.
DIGITAL_CHANNELS = frozenset(
    {
        Channel.WEB_SEARCH,
        Channel.ASK,
        Channel.REPORT,
        Channel.REQUEST,
        Channel.REPLY,
        Channel.APP,
    }
)
ASSISTED_CHANNELS = frozenset(set(Channel.values) - DIGITAL_CHANNELS)
# Channels staff log by hand with the "log a call or visit" form.
LOGGED_CHANNELS = (
    Channel.PHONE,
    Channel.FACE_TO_FACE,
    Channel.EMAIL,
    Channel.SMS,
    Channel.SOCIAL,
)


class Demand(models.TextChoices):
    VALUE = "value", _("Value demand")
    FAILURE = "failure", _("Failure demand")


class FailureKind(models.TextChoices):
    CHASING = "chasing", _("Chasing progress")
    REPEAT = "repeat", _("Repeat report of the same problem")
    REOPENED = "reopened", _("Reopened case")
    DUPLICATE = "duplicate", _("Duplicate of a known problem")
    FAILED_SELF_SERVICE = "failed_self_service", _("Could not do it online")
    NOT_UNDERSTOOD = "not_understood", _("Did not understand us")


class Reason(models.TextChoices):
    """Why the resident made contact. Staff choose one when they log a call or visit; the
    platform sets one for contact it records itself."""

    NEW_REQUEST = "new_request", _("A new request or report")
    QUESTION = "question", _("Asking for information")
    PROGRESS = "progress", _("Chasing progress on a request")
    REPEAT = "repeat", _("Reporting the same problem again")
    NOT_FIXED = "not_fixed", _("Says it is not fixed")
    NOT_UNDERSTOOD = "not_understood", _("Did not understand a letter, page or decision")
    COULD_NOT_ONLINE = "could_not_online", _("Could not do it online")
    REPLY = "reply", _("Answering a question from the council")
    PAYMENT = "payment", _("Paying or asking about a payment")
    COMPLAINT = "complaint", _("Complaint")
    OTHER = "other", _("Something else")


# Reasons that are failure demand whoever records them, and which kind.
FAILURE_REASONS: dict[str, str] = {
    Reason.PROGRESS: FailureKind.CHASING,
    Reason.REPEAT: FailureKind.REPEAT,
    Reason.NOT_FIXED: FailureKind.REOPENED,
    Reason.NOT_UNDERSTOOD: FailureKind.NOT_UNDERSTOOD,
    Reason.COULD_NOT_ONLINE: FailureKind.FAILED_SELF_SERVICE,
}

# Reasons staff may choose on the "log a call or visit" form.
LOGGABLE_REASONS = (
    Reason.NEW_REQUEST,
    Reason.QUESTION,
    Reason.PROGRESS,
    Reason.REPEAT,
    Reason.NOT_FIXED,
    Reason.NOT_UNDERSTOOD,
    Reason.COULD_NOT_ONLINE,
    Reason.PAYMENT,
    Reason.COMPLAINT,
    Reason.OTHER,
)


class ContactEvent(models.Model):
    """One contact from a resident, on one channel, about one thing."""

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="contact_events"
    )
    occurred_at = models.DateTimeField(_("when"), default=timezone.now)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    demand = models.CharField(_("demand"), max_length=10, choices=Demand.choices)
    failure_kind = models.CharField(
        _("kind of failure demand"), max_length=20, choices=FailureKind.choices, blank=True
    )
    service = models.ForeignKey(
        "services.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The ward as it was when the contact happened (boundaries change at reviews).
    ward_gss_code = models.CharField(max_length=9, blank=True)
    ward_name = models.CharField(max_length=200, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # For questions (searches, Ask us): whether the page answered well, and what was asked
    # (already redacted by the app that took the question).
    answered = models.BooleanField(null=True, blank=True)
    topic = models.CharField(_("what was asked (redacted)"), max_length=200, blank=True)
    # Where the event came from ("case_event:12", "search:34"), so recording twice adds nothing.
    source_key = models.CharField(max_length=60, null=True, blank=True, unique=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The staff member who logged a call or visit."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("contact event")
        verbose_name_plural = _("contact events")
        indexes = [
            models.Index(fields=["council", "occurred_at"], name="insight_contact_when"),
            models.Index(
                fields=["council", "answered", "occurred_at"], name="insight_contact_unanswered"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(demand="value", failure_kind=""))
                | (models.Q(demand="failure") & ~models.Q(failure_kind="")),
                name="insight_failure_has_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_channel_display()} {self.occurred_at:%Y-%m-%d %H:%M}"


class DailyContactCount(models.Model):
    """Contact events counted per council, day (Europe/London) and every dimension the
    dashboards break down by. Rebuilt by ``actions.contact_rollup`` (``manage.py
    insight_rollup``); the dashboards read only these rows, never the events."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    service = models.ForeignKey(
        "services.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    ward_gss_code = models.CharField(max_length=9, blank=True)
    ward_name = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    reason = models.CharField(max_length=20, choices=Reason.choices)
    demand = models.CharField(max_length=10, choices=Demand.choices)
    failure_kind = models.CharField(max_length=20, choices=FailureKind.choices, blank=True)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["council", "day"], name="insight_daily_when")]
        verbose_name = _("daily contact count")
        verbose_name_plural = _("daily contact counts")

    def __str__(self):
        return f"{self.day} {self.channel}: {self.count}"


class RollupRun(models.Model):
    """When a council's daily counts were last rebuilt: the dashboards say how fresh they are."""

    council = models.OneToOneField("councils.Council", on_delete=models.CASCADE, related_name="+")
    finished_at = models.DateTimeField()

    def __str__(self):
        return f"{self.council_id} {self.finished_at:%Y-%m-%d %H:%M}"


class CostKind(models.TextChoices):
    WEB = "web", _("Web (self-service)")
    PHONE = "phone", _("Phone")
    FACE_TO_FACE = "face_to_face", _("Face to face")
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    SOCIAL = "social", _("Social media")


class ChannelCost(models.Model):
    """A council's own cost of one contact on a channel, replacing the published default."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("channel"), max_length=20, choices=CostKind.choices)
    cost_pence = models.PositiveIntegerField(_("cost of one contact, in pence"))
    source = models.CharField(_("where the figure comes from"), max_length=300)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "kind"], name="insight_cost_once")
        ]
        verbose_name = _("channel cost")
        verbose_name_plural = _("channel costs")

    def __str__(self):
        return f"{self.kind}: {self.cost_pence}p"


class SpikeScope(models.TextChoices):
    SERVICE = "service", _("Service")
    WARD = "ward", _("Ward")


class SpikeAlert(models.Model):
    """A week in which contact about one service or ward rose well above its usual level.
    One row per council, scope, key and week: the managers are told once."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(max_length=10, choices=SpikeScope.choices)
    key = models.CharField(max_length=20, help_text=_("LGSL code or ward GSS code"))
    label = models.CharField(max_length=200)
    week_ending = models.DateField()
    count = models.PositiveIntegerField()
    median = models.FloatField()
    notified = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_ending", "-count"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "scope", "key", "week_ending"], name="insight_spike_once"
            )
        ]
        verbose_name = _("spike alert")
        verbose_name_plural = _("spike alerts")

    def __str__(self):
        return f"{self.label}: {self.count} (usual {self.median:g})"
