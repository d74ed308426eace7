"""A council setting itself up: staff invitations, and the audit of service choices and invitations.

The council's own settings (names, contact details, logo, colour) live on ``councils.Council``;
its service choices on ``services.CouncilService``. This app holds the pages a council admin
uses to change them, and what only onboarding needs.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pocketcouncil.accounts.models import StaffRoleKind


class SettingsEventKind(models.TextChoices):
    SERVICES_CHOSEN = "services_chosen", _("Services offered changed")
    SERVICE_CHANGED = "service_changed", _("Service settings changed")
    INVITATION_SENT = "invitation_sent", _("Staff invitation sent")
    INVITATION_ACCEPTED = "invitation_accepted", _("Staff invitation accepted")
    INVITATION_REVOKED = "invitation_revoked", _("Staff invitation revoked")


class SettingsEvent(models.Model):
    """Append-only audit of a council's service choices and staff invitations: who changed
    what, from what, to what. (Changes to the council itself are in ``councils.CouncilAuditEntry``.)

    ``changes`` maps each changed field to ``[before, after]`` (for a service, keyed by LGSL
    code); an invitation event names the invitation in ``detail``.
    """

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="settings_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=SettingsEventKind.choices)
    changes = models.JSONField(default=dict, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("council settings event")
        verbose_name_plural = _("council settings events")
        indexes = [
            models.Index(fields=["council", "-created_at"], name="settings_event_council_time")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SettingsEventKind.values), name="settings_event_kind_valid"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.council_id})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Settings events are append-only.")
        super().save(*args, **kwargs)


class StaffInvitation(models.Model):
    """An email invitation to take a staff role in one council.

    Only a digest of the link's secret is stored. The invitation is used once, by someone
    signed in with the invited address, before ``expires_at``; a council admin can revoke it.
    """

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="staff_invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=30, choices=StaffRoleKind.choices)
    team = models.ForeignKey(
        "councils.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token_digest = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("staff invitation")
        verbose_name_plural = _("staff invitations")
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=StaffRoleKind.values), name="staff_invitation_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="staff_invitation_accepted_or_revoked",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="staff_invitation_expires_after_made",
            ),
        ]
        indexes = [models.Index(fields=["council", "-created_at"], name="invitation_council")]

    def __str__(self):
        return f"{self.email} as {self.get_role_display()} ({self.council_id})"

    def state(self, now=None) -> str:
        now = now or timezone.now()
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "pending"

    @property
    def is_pending(self) -> bool:
        return self.state() == "pending"
