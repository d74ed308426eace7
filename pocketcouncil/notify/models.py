"""Notifications: the durable outbox, subscriptions, templates and preferences.

The outbox is the ``Notification`` table: one row per recipient x channel x event, written in the
same transaction as the event that caused it and delivered later by workers (``delivery.py``).
Its ``idempotency_key`` is unique, so the same event can never produce two messages on one
channel, however often the caller retries.

``notify`` imports no other Pocket Council app: it refers to users and councils by foreign key
only, and callers pass everything else it needs.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    PUSH = "push", _("Phone or browser notification")
    INBOX = "inbox", _("Messages on this site")


class Frequency(models.TextChoices):
    INSTANT = "instant", _("Straight away")
    DIGEST = "digest", _("Once a day, in a summary")


class State(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    HELD = "held", _("Held for the daily summary")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    DIGESTED = "digested", _("Included in a daily summary")
    CANCELLED = "cancelled", _("Cancelled")


# States a worker may still pick up.
PENDING_STATES = (State.QUEUED, State.SENDING)


class Event(models.TextChoices):
    """What happened. Each event has a default message (``templates.py``) councils can override."""

    CASE_ACKNOWLEDGED = "case_acknowledged", _("Request received")
    STATUS_CHANGED = "status_changed", _("Status changed")
    UPDATE_ADDED = "update_added", _("Update added")
    MORE_INFORMATION = "more_information", _("More information needed")
    RESOLVED = "resolved", _("Resolved, with a satisfaction question")
    AREA_ALERT = "area_alert", _("New report in an area you follow")
    TOPIC_NEWS = "topic_news", _("News on a topic you follow")
    DIGEST = "digest", _("Daily summary")
    DIRECT = "direct", _("One-off message (such as a security code)")


class SubjectKind(models.TextChoices):
    CASE = "case", _("A request or report")
    AREA = "area", _("An area")
    TOPIC = "topic", _("A topic")


class Topic(models.TextChoices):
    NEWS = "news", _("Council news")
    CONSULTATIONS = "consultations", _("Consultations")
    DISRUPTIONS = "disruptions", _("Service disruptions")
    BINS = "bins", _("Bin collections")


class Notification(models.Model):
    """One message to one recipient on one channel: the outbox row and the delivery log entry."""

    council = models.ForeignKey(
        "councils.Council",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # notify_subj_idx starts with council
        help_text=_(
            "The council the message is about. Empty only for platform messages such as "
            "sign-in and phone verification codes, which belong to no council."
        ),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        db_index=False,  # notify_inbox_idx starts with recipient
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    to = models.CharField(
        _("sent to"),
        max_length=320,
        blank=True,
        help_text=_("Email address or phone number; empty for push and the in-app inbox."),
    )
    # The links to a subscription and a push subscription are informational (for the log and
    # unsubscribe links) and Django sets them to NULL when those are deleted. They carry no
    # database constraint: PostgreSQL checks a constraint per row at commit, which cost 3 of
    # the 7 seconds committing a 100,000-row fan-out took (docs/benchmarks.md).
    push_subscription = models.ForeignKey(
        "notify.PushSubscription",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,  # partial index notify_push_idx
        db_constraint=False,
    )
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    reason = models.CharField(
        _("why it was sent"), max_length=200, blank=True, help_text=_("Shown to staff in the log.")
    )
    subject_kind = models.CharField(max_length=10, choices=SubjectKind.choices, blank=True)
    subject_key = models.CharField(max_length=100, blank=True)
    subscription = models.ForeignKey(
        "notify.Subscription",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,  # see push_subscription
    )
    # What to say: either given by the caller (subject/body) or rendered at delivery from the
    # event's template and this context (so a fan-out to 100,000 people stays cheap to enqueue).
    context = models.JSONField(default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("message"), blank=True)
    idempotency_key = models.CharField(max_length=200, unique=True)

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    provider_id = models.CharField(
        _("provider reference"), max_length=100, blank=True, help_text=_("Notify's id, if any.")
    )
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    status_at = models.DateTimeField(_("status updated at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    digest = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digested",
        db_index=False,  # partial index notify_digest_idx
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Workers claim in next_attempt_at order from this small partial index.
            models.Index(
                fields=["next_attempt_at", "id"],
                name="notify_due_idx",
                condition=Q(state__in=["queued", "sending"]),
            ),
            models.Index(fields=["recipient", "channel", "-created_at"], name="notify_inbox_idx"),
            models.Index(fields=["council", "subject_kind", "subject_key"], name="notify_subj_idx"),
            # Partial indexes: most rows have no provider id, digest or push subscription, and
            # leaving them out keeps a 100,000-message fan-out cheap to insert.
            models.Index(
                fields=["provider_id"], name="notify_provider_idx", condition=~Q(provider_id="")
            ),
            models.Index(
                fields=["digest"], name="notify_digest_idx", condition=Q(digest__isnull=False)
            ),
            models.Index(
                fields=["push_subscription"],
                name="notify_push_idx",
                condition=Q(push_subscription__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="notification_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(state__in=State.values), name="notification_state_valid"
            ),
            models.CheckConstraint(
                condition=~Q(channel__in=["email", "sms"]) | ~Q(to=""),
                name="notification_address_needed",
            ),
            models.CheckConstraint(
                condition=~Q(channel__in=["inbox", "push"]) | Q(recipient__isnull=False),
                name="notification_inbox_push_need_recipient",
            ),
        ]

    def __str__(self):
        return f"{self.get_event_display()} by {self.get_channel_display()} ({self.state})"


class EventKey(models.Model):
    """Idempotency keys of events already fanned out, so a repeat is recognised at once."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("event key")
        verbose_name_plural = _("event keys")

    def __str__(self):
        return self.key


class Subscription(models.Model):
    """A resident follows a case, an area or a topic in one council."""

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="subscriptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="subscriptions"
    )
    subject_kind = models.CharField(_("follows"), max_length=10, choices=SubjectKind.choices)
    subject_key = models.CharField(
        _("what"),
        max_length=100,
        help_text=_("Case id, 'ward:<area id>', 'point' for a radius, or a topic."),
    )
    label = models.CharField(_("description"), max_length=200, blank=True)
    # A radius around a place: stored plainly and matched with a haversine check.
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    radius_m = models.PositiveIntegerField(null=True, blank=True)
    categories = models.JSONField(
        default=list,
        blank=True,
        help_text=_("For areas: the kinds of report to hear about. Empty means all."),
    )
    automatic = models.BooleanField(
        default=False, help_text=_("Made by the platform (your own case or a 'me too').")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["council", "subject_kind", "subject_key"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "council", "subject_kind", "subject_key"],
                name="subscription_unique_per_subject",
            ),
            models.CheckConstraint(
                condition=Q(subject_kind__in=SubjectKind.values),
                name="subscription_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(radius_m__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False, radius_m__gt=0),
                name="subscription_radius_has_point",
            ),
        ]

    def __str__(self):
        return self.label or f"{self.subject_kind}:{self.subject_key}"


class SubscriptionChannel(models.Model):
    """How one subscription is delivered on one channel: straight away or in a daily summary."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="channels"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    frequency = models.CharField(
        _("how often"), max_length=10, choices=Frequency.choices, default=Frequency.INSTANT
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "channel"], name="subscription_channel_unique"
            ),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="subscription_channel_valid"
            ),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="subscription_frequency_valid"
            ),
        ]

    def __str__(self):
        return f"{self.channel}: {self.frequency}"


class Preferences(models.Model):
    """A resident's delivery settings that apply to every subscription."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preferences"
    )
    sms_number = models.CharField(
        _("mobile number for text messages"),
        max_length=20,
        blank=True,
        help_text=_("Why we hold it: to send the text messages you asked for."),
    )
    quiet_hours_start = models.TimeField(
        _("quiet hours start"), null=True, blank=True, help_text=_("UK time.")
    )
    quiet_hours_end = models.TimeField(_("quiet hours end"), null=True, blank=True)
    digest_hour = models.PositiveSmallIntegerField(
        _("daily summary hour"), default=18, help_text=_("UK time, 0 to 23.")
    )

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.CheckConstraint(condition=Q(digest_hour__lte=23), name="prefs_digest_hour"),
            models.CheckConstraint(
                condition=Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                | Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False),
                name="prefs_quiet_hours_both_or_neither",
            ),
        ]

    def __str__(self):
        return str(self.user)


class PushSubscription(models.Model):
    """A browser's Web Push endpoint and keys, from PushManager.subscribe()."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self):
        return self.user_agent or self.endpoint[:60]


class MessageTemplate(models.Model):
    """A council's own wording for one event and channel, replacing the default."""

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="message_templates"
    )
    event = models.CharField(_("event"), max_length=30, choices=Event.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    subject = models.CharField(
        _("subject"), max_length=300, blank=True, help_text=_("Email and push only.")
    )
    body = models.TextField(_("message"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "event", "channel"], name="message_template_unique"
            ),
        ]

    def __str__(self):
        return f"{self.get_event_display()} ({self.get_channel_display()})"
