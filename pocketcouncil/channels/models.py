"""Inbound email, text messages and social media, and the one staff inbox they land in.

A ``ChannelAccount`` is a council's address on one channel (its inbound mailbox, its GOV.UK
Notify inbound number, its Mastodon account). Every message a resident sends to one becomes an
``InboundMessage``: stored first, raw and whole, then processed (so nothing is lost if a worker
dies half-way), and answered by staff with ``OutboundReply`` rows on the same channel.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    MASTODON = "mastodon", _("Mastodon")


class Visibility(models.TextChoices):
    """How the resident wrote on social media; a reply goes back the same way."""

    PUBLIC = "public", _("Public")
    DIRECT = "direct", _("Direct message")


class ChannelAccount(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    address = models.CharField(
        _("address"),
        max_length=320,
        help_text=_(
            "The council's inbound email address, its Notify inbound phone number (as Notify "
            "sends it, like 447700900123) or its social media account name (like council)."
        ),
    )
    base_url = models.URLField(
        _("server address"), blank=True, help_text=_("For Mastodon: the server, like https://x.y")
    )
    access_token = models.CharField(
        _("access token"),
        max_length=300,
        blank=True,
        help_text=_("For Mastodon: an access token with read and write scopes."),
    )
    last_seen_id = models.CharField(max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("channel account")
        verbose_name_plural = _("channel accounts")
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="channel_address_unique"),
            models.CheckConstraint(
                condition=Q(channel__in=Channel.values), name="channel_account_channel_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()}: {self.address}"


class MessageStatus(models.TextChoices):
    RECEIVED = "received", _("Received, not yet processed")
    CASE_CREATED = "case_created", _("Became a case")
    THREADED = "threaded", _("Added to an existing case")
    TRIAGE = "triage", _("Needs a person to sort it")
    ANSWERED = "answered", _("Answered")
    IGNORED = "ignored", _("Ignored: automatic message")
    RATE_LIMITED = "rate_limited", _("Held: too many messages from this sender")
    SPAM = "spam", _("Marked as spam")
    OPTED_OUT = "opted_out", _("Sender asked for no more text messages")


# Messages a member of staff still has to look at.
OPEN_STATUSES = (MessageStatus.TRIAGE, MessageStatus.RATE_LIMITED)


class InboundMessage(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE)
    account = models.ForeignKey(ChannelAccount, on_delete=models.PROTECT)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # The provider's id (Message-ID, Notify's id, the status id) so a message delivered twice
    # is stored once.
    external_id = models.CharField(max_length=300)
    sender = models.CharField(_("from"), max_length=320)
    # Email only: the SMTP envelope (an empty sender is a bounce) and the address written to,
    # which may carry a reply token.
    envelope_from = models.CharField(max_length=320, blank=True)
    recipient = models.CharField(max_length=320, blank=True)
    sender_name = models.CharField(_("name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(_("message"), blank=True)
    raw = models.BinaryField(_("the message as received"))
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.DIRECT
    )
    # The thread to reply in (a social media status id; an email Message-ID).
    thread_id = models.CharField(max_length=300, blank=True)
    # Social media: the post this one replies to (to find the case it continues).
    in_reply_to = models.CharField(max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=15, choices=MessageStatus.choices, default=MessageStatus.RECEIVED
    )
    status_reason = models.CharField(_("why"), max_length=300, blank=True)
    confidence = models.FloatField(_("how sure the front door was"), null=True, blank=True)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Linked only when the address or number is verified on the account (issue 21, part 5).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    risk_flag = models.CharField(
        _("risk"),
        max_length=100,
        blank=True,
        help_text=_("Words suggesting someone may be at risk; shown to staff at once."),
    )
    photo_count = models.PositiveSmallIntegerField(default=0)
    attachment_problems = models.TextField(blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField(_("answer by"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "external_id"], name="channels_inbound_once"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MessageStatus.values), name="channels_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["council", "status", "-received_at"], name="channels_queue_idx"),
            models.Index(fields=["channel", "sender", "-received_at"], name="channels_sender_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} from {self.sender}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReplyState(models.TextChoices):
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")


class OutboundReply(models.Model):
    """A reply from staff, sent on the channel the resident used."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE)
    message = models.ForeignKey(InboundMessage, on_delete=models.CASCADE, related_name="replies")
    channel = models.CharField(max_length=10, choices=Channel.choices)
    to = models.CharField(max_length=320)
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("reply"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(max_length=10, choices=ReplyState.choices)
    external_id = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["sent_at", "id"]
        indexes = [models.Index(fields=["channel", "to", "-sent_at"], name="channels_reply_to_idx")]

    def __str__(self):
        return f"{self.get_channel_display()} reply to {self.to}"


class CannedReply(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))

    class Meta:
        ordering = ["title"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")

    def __str__(self):
        return self.title


class SmsOptOut(models.Model):
    """A number that texted STOP: no more text messages from this council's channels."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE)
    number = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "number"], name="channels_optout_once")
        ]

    def __str__(self):
        return self.number
