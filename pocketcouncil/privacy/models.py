"""The privacy centre's data: who may receive a resident's data (recipients and data-sharing
agreements), what the resident agreed to (an append-only consent ledger with the exact wording
shown), what was shared (shares), and who looked (the access log)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(RuntimeError):
    """Consent and access records are never changed or removed, only added to."""


class AppendOnlyModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only.")


class RecipientKind(models.TextChoices):
    COUNCIL_SERVICE = "council_service", _("A council service")
    PARTNER = "partner", _("A partner organisation")


class Recipient(models.Model):
    """Who can receive a resident's data: a council service (the housing team) or a partner
    organisation (the NHS trust, a housing association)."""

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="privacy_recipients"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=RecipientKind.choices)
    name = models.CharField(
        _("name"), max_length=200, help_text=_("As residents will see it: 'the housing team'.")
    )
    email = models.EmailField(
        _("registered email address"),
        blank=True,
        help_text=_(
            "Where shares are sent. Only the council's data protection officer changes it."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="privacy_recipient_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class LawfulBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    PUBLIC_TASK = "public_task", _("Public task")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    VITAL_INTERESTS = "vital_interests", _("Vital interests")


class DataCategory(models.TextChoices):
    """The kinds of personal data an agreement may cover."""

    CONTACT = "contact", _("contact details")
    ADDRESS = "address", _("address")
    NAME = "name", _("name")
    CIRCUMSTANCES = "circumstances", _("circumstances")
    CASES = "cases", _("requests and reports")


class SharingAgreement(models.Model):
    """A data-sharing agreement: one recipient, one purpose, on one lawful basis. Nothing is
    shared outside an active agreement (see ``policy.share_check``)."""

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="sharing_agreements"
    )
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="agreements")
    purpose = models.CharField(
        _("purpose"),
        max_length=200,
        help_text=_("What the data is for, as residents will read it: 'to arrange repairs'."),
    )
    lawful_basis = models.CharField(_("lawful basis"), max_length=20, choices=LawfulBasis.choices)
    categories = models.JSONField(
        _("data shared"), default=list, help_text=_("Which kinds of data (see DataCategory).")
    )
    retention_days = models.PositiveIntegerField(
        _("retention (days)"), help_text=_("How long the recipient may keep what it receives.")
    )
    document_url = models.URLField(_("agreement document"), blank=True)
    dpia_reference = models.CharField(_("DPIA reference"), max_length=100, blank=True)
    starts_on = models.DateField(_("starts on"))
    review_on = models.DateField(
        _("review date"), help_text=_("Sharing stops if the agreement is not reviewed by then.")
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recipient__name", "purpose"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(review_on__gte=models.F("starts_on")),
                name="privacy_agreement_review_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(lawful_basis__in=LawfulBasis.values),
                name="privacy_agreement_lawful_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.purpose}"

    def is_active_on(self, day: datetime.date) -> bool:
        return (
            self.starts_on <= day
            and day <= self.review_on
            and (self.ended_on is None or day < self.ended_on)
        )

    @property
    def needs_consent(self) -> bool:
        return self.lawful_basis == LawfulBasis.CONSENT

    def category_labels(self) -> list[str]:
        labels = dict(DataCategory.choices)
        return [str(labels.get(c, c)) for c in self.categories]


class ConsentWording(AppendOnlyModel):
    """The exact words a resident is shown when asked; a change of words is a new version."""

    agreement = models.ForeignKey(
        SharingAgreement, on_delete=models.PROTECT, related_name="wordings"
    )
    version = models.PositiveIntegerField()
    text = models.TextField(_("wording"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agreement", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "version"], name="privacy_wording_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} v{self.version}"


class ConsentChannel(models.TextChoices):
    WEB = "web", _("online")
    PHONE = "phone", _("by phone")
    IN_PERSON = "in_person", _("in person")
    PAPER = "paper", _("on paper")


class ConsentAction(models.TextChoices):
    GRANT = "grant", _("Agreed")
    WITHDRAW = "withdraw", _("Stopped")


class ConsentEvent(AppendOnlyModel):
    """One line of the consent ledger. The resident's consent to an agreement is whatever its
    latest line says."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_events"
    )
    agreement = models.ForeignKey(
        SharingAgreement, on_delete=models.PROTECT, related_name="consent_events"
    )
    wording = models.ForeignKey(ConsentWording, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=ConsentAction.choices)
    channel = models.CharField(max_length=10, choices=ConsentChannel.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text too, so the ledger still says who it was if the staff account goes.
    recorded_by_name = models.CharField(max_length=200)
    on_behalf = models.BooleanField(
        default=False, help_text=_("Recorded by staff acting for the resident.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["resident", "agreement", "-created_at"], name="privacy_consent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.agreement_id} ({self.created_at:%Y-%m-%d})"


class ShareStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Cancelled")
    REFUSED = "refused", _("Refused")


class Share(models.Model):
    """One passing of a resident's data to a recipient, under an agreement. Refused attempts
    are kept too, with the reason, for the data protection officer."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(SharingAgreement, on_delete=models.PROTECT, related_name="shares")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="privacy_shares"
    )
    categories = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=ShareStatus.choices)
    reason = models.CharField(max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["resident", "status"], name="privacy_share_resident")]

    def __str__(self) -> str:
        return f"{self.agreement_id}: {self.get_status_display()}"


class AccessKind(models.TextChoices):
    CASE_VIEW = "case_view", _("Looked at a request or report with your contact details")
    PROFILE_VIEW = "profile_view", _("Looked at your profile")
    ASSISTED = "assisted", _("Acted for you in an assisted session")
    PARTNER_SHARE = "partner_share", _("Your data was shared")


class AccessLogEntry(AppendOnlyModel):
    """Who looked at a resident's personal data: one row per view, never changed."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="access_log"
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    viewer_name = models.CharField(max_length=200)
    viewer_role = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    subject = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["resident", "-created_at"], name="privacy_access_resident"),
            models.Index(fields=["council", "viewer", "created_at"], name="privacy_access_viewer"),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_name}: {self.get_kind_display()}"
