"""Open311 API clients: apps and back offices that report into a council with an API key.

The key itself is never stored: only its SHA-256 digest (keys are long random strings, so a
fast digest is enough; a slow password hash would make every API call cost tens of
milliseconds) and its first characters, so staff can tell keys apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApiClient(models.Model):
    """One app or system allowed to POST to a council's Open311 endpoint."""

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="open311_clients"
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("Who uses this key."))
    key_prefix = models.CharField(_("key starts with"), max_length=12)
    key_digest = models.CharField(max_length=64)
    rate_limit_per_minute = models.PositiveIntegerField(
        _("requests a minute"),
        default=60,
        help_text=_("How many POSTs a minute this key may make before it is told to wait."),
    )
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["council", "name"]
        verbose_name = _("Open311 API client")
        verbose_name_plural = _("Open311 API clients")
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="open311_client_name_unique"),
            # A key belongs to one council (the demo key is the same text in each demo council).
            models.UniqueConstraint(
                fields=["key_digest", "council"], name="open311_client_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(rate_limit_per_minute__gte=1), name="open311_client_rate_positive"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def integration_grant(self) -> IntegrationGrant | None:
        """What this client may do as an actor in case actions (see accounts.permissions):
        add notes to its own council's cases, while its key works."""
        if not self.is_active:
            return None
        return IntegrationGrant(council_id=self.council_id, actions=frozenset({"cases.note"}))


@dataclass(frozen=True)
class IntegrationGrant:
    council_id: int
    actions: frozenset[str]


class WebhookEvent(models.TextChoices):
    CASE_CREATED = "case_created", _("A case is created")
    STATUS_CHANGED = "status_changed", _("A case's status changes")
    UPDATE_ADDED = "update_added", _("A public update is added to a case")


class Webhook(models.Model):
    """An address told about a council's case events, with HMAC-SHA256 signed requests."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    url = models.URLField(_("address"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(
        max_length=64, help_text=_("Shared with the receiver to check signatures.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    disabled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["council", "url"]
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")

    def __str__(self):
        return self.url


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed: gave up")


class WebhookDelivery(models.Model):
    """One event to send to one webhook: an outbox row written in the same transaction as the
    case change. ``event_key`` makes writing it twice impossible; ``lease_until`` lets one
    worker at a time send it; a worker that dies leaves a lease that simply runs out."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=20, choices=WebhookEvent.choices)
    event_key = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    state = models.CharField(
        max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event_key"], name="webhook_delivery_once_per_event"
            ),
            models.CheckConstraint(
                condition=Q(state__in=DeliveryState.values), name="webhook_delivery_state"
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_delivery_due")]

    def __str__(self):
        return f"{self.event} to {self.webhook_id} ({self.state})"


class WebhookAttempt(models.Model):
    """The log of one try: when, the response code (or the error), how long it took."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.delivery_id}: {self.status_code or self.error}"


# --- outbound Open311: sending a service's new cases to a back office ---------------------------


class OutboundEndpoint(models.Model):
    """A back office's Open311 GeoReport v2 endpoint that one service's new cases are sent to.

    The API key is the back office's, given to us to send: it is kept as it was entered (it has
    to be sent) and never shown back in full, only its first characters."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("services.Service", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(
        _("back office"), max_length=200, help_text=_("The system's name, shown to staff.")
    )
    base_url = models.URLField(_("Open311 base address"), max_length=500)
    jurisdiction_id = models.CharField(_("jurisdiction id"), max_length=100, blank=True)
    api_key = models.CharField(_("API key"), max_length=500)
    service_code = models.CharField(_("service code at the back office"), max_length=100)
    is_enabled = models.BooleanField(_("sending"), default=True)
    is_demo = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["council", "name"]
        verbose_name = _("outbound Open311 endpoint")
        verbose_name_plural = _("outbound Open311 endpoints")
        constraints = [
            # One back office per service and council: a case is sent to one place.
            models.UniqueConstraint(
                fields=["council", "service"], name="open311_outbound_one_per_service"
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.base_url})"

    @property
    def key_hint(self) -> str:
        return f"{self.api_key[:4]}…" if self.api_key else ""

    @property
    def integration_grant(self) -> IntegrationGrant:
        """As an actor in case actions: it may add public updates to its council's cases."""
        return IntegrationGrant(council_id=self.council_id, actions=frozenset({"cases.note"}))


class SendState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed: gave up")


class OutboundSend(models.Model):
    """One case to send to its service's back office: an outbox row written in the same
    transaction as the case. ``lease_until`` lets one worker at a time send it. A row found in
    ``sending`` with its lease run out (the worker died mid-send) is looked up at the back office
    before it is sent again, so a case the back office accepted is never sent twice."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    endpoint = models.ForeignKey(OutboundEndpoint, on_delete=models.PROTECT, related_name="sends")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="open311_send")
    state = models.CharField(max_length=10, choices=SendState.choices, default=SendState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    token = models.CharField(max_length=200, blank=True)
    service_request_id = models.CharField(max_length=200, blank=True)
    adopted = models.BooleanField(
        default=False, help_text=_("Found at the back office after an interrupted send.")
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    updates_fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case sent to a back office")
        verbose_name_plural = _("cases sent to back offices")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=SendState.values), name="open311_send_state"
            ),
            models.UniqueConstraint(
                fields=["endpoint", "service_request_id"],
                condition=~Q(service_request_id=""),
                name="open311_send_external_id_once",
            ),
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="open311_send_due")]

    def __str__(self):
        return f"{self.case_id} to {self.endpoint_id} ({self.state})"


class OutboundUpdate(models.Model):
    """A back office update already copied into a case's timeline: fetching twice adds nothing."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    send = models.ForeignKey(OutboundSend, on_delete=models.CASCADE, related_name="updates")
    update_id = models.CharField(max_length=200)
    status = models.CharField(max_length=40, blank=True)
    case_event = models.ForeignKey(
        "cases.CaseEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["send", "update_id"], name="open311_outbound_update_once"
            )
        ]

    def __str__(self):
        return f"{self.send_id}: {self.update_id}"


class OutboundUpdateSend(models.Model):
    """Something the resident said on a case that was sent to a back office (they reopened it,
    or added information), to pass on through mySociety's ``POST servicerequestupdates``: an
    outbox row written in the same transaction as the timeline event. It waits until its case's
    send has the back office's id; a lease lets one worker at a time send it; ``update_id`` is
    ours, stable, and sent as the ``Idempotency-Key`` too, so a retried POST is recognisable."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    send = models.ForeignKey(OutboundSend, on_delete=models.CASCADE, related_name="update_sends")
    case_event = models.OneToOneField(
        "cases.CaseEvent", on_delete=models.CASCADE, related_name="open311_update_send"
    )
    update_id = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=40, blank=True)
    state = models.CharField(max_length=10, choices=SendState.choices, default=SendState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    external_update_id = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The back office's id for the update, if it gave one."),
    )
    adopted = models.BooleanField(
        default=False, help_text=_("Found at the back office after an interrupted send.")
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("update sent to a back office")
        verbose_name_plural = _("updates sent to back offices")
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=SendState.values), name="open311_update_send_state"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="open311_update_send_due")
        ]

    def __str__(self):
        return f"{self.update_id} ({self.state})"


class InboundUpdateKey(models.Model):
    """An ``Idempotency-Key`` an API client sent with ``POST servicerequestupdates``, and the
    timeline event that POST made: the same key again answers with the same update."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    case_event = models.ForeignKey("cases.CaseEvent", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="open311_update_key_once")
        ]

    def __str__(self):
        return f"{self.client_id}: {self.key}"
