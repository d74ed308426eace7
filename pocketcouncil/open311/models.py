"""Open311 API clients: apps and back offices that report into a council with an API key.

The key itself is never stored: only its SHA-256 digest (keys are long random strings, so a
fast digest is enough; a slow password hash would make every API call cost tens of
milliseconds) and its first characters, so staff can tell keys apart.
"""

from __future__ import annotations

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
