"""News, service disruptions and bin collection rounds, written by council staff.

- ``Announcement``: news or a service disruption, for the whole council or some of its areas,
  shown between ``starts_at`` and ``ends_at``.
- ``Round``: which bins a council collects in which wards, on which weekday, weekly or
  fortnightly. Bank-holiday moves are computed (``schedule.py``); one-off moves and
  cancellations are ``RoundException`` rows; a round that did not happen is a ``MissedRound``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pocketcouncil.accounts.models import Topic


class AnnouncementKind(models.TextChoices):
    NEWS = "news", _("News")
    DISRUPTION = "disruption", _("Service disruption")


class Announcement(models.Model):
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="announcements"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=AnnouncementKind.choices)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"), help_text=_("Markdown: blank lines between paragraphs, - for lists.")
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    areas = models.ManyToManyField(
        "councils.Area",
        blank=True,
        related_name="announcements",
        help_text=_("Leave empty for the whole council."),
    )
    starts_at = models.DateTimeField(_("show from"), default=timezone.now)
    ends_at = models.DateTimeField(_("show until"), null=True, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    notified_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When followers were told (empty: not yet).")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["council", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="announcement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=AnnouncementKind.values), name="announcement_kind_valid"
            ),
        ]

    def __str__(self):
        return self.title


class BinType(models.TextChoices):
    RUBBISH = "rubbish", _("Rubbish (general waste)")
    RECYCLING = "recycling", _("Recycling")
    FOOD = "food", _("Food waste")
    GARDEN = "garden", _("Garden waste")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    FORTNIGHTLY = "fortnightly", _("Every other week")


class Round(models.Model):
    """One collection pattern: these bins, in these wards, on this weekday, this often."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("name"), max_length=100)
    bin_types = models.JSONField(_("bins collected"), default=list)
    frequency = models.CharField(_("how often"), max_length=12, choices=Frequency.choices)
    first_collection = models.DateField(
        _("first collection"),
        help_text=_(
            "A day this round collects. Its weekday is the collection day; fortnightly "
            "rounds count their weeks from it."
        ),
    )
    areas = models.ManyToManyField("councils.Area", related_name="rounds")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("collection round")
        verbose_name_plural = _("collection rounds")
        ordering = ["council", "name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="round_name_unique"),
            models.CheckConstraint(
                condition=Q(frequency__in=Frequency.values), name="round_frequency_valid"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def interval_days(self) -> int:
        return 14 if self.frequency == Frequency.FORTNIGHTLY else 7

    def bin_type_labels(self) -> list[str]:
        return [str(BinType(b).label) for b in self.bin_types if b in BinType.values]


class RoundException(models.Model):
    """A one-off change: the collection due on ``scheduled_date`` moves to ``new_date``, or is
    cancelled when ``new_date`` is empty."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="exceptions")
    scheduled_date = models.DateField(_("collection due on"))
    new_date = models.DateField(_("moved to"), null=True, blank=True)
    reason = models.CharField(_("why"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("collection change")
        verbose_name_plural = _("collection changes")
        ordering = ["scheduled_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "scheduled_date"], name="round_exception_unique"
            ),
        ]

    def __str__(self):
        return f"{self.round}: {self.scheduled_date} -> {self.new_date or 'cancelled'}"


class MissedRound(models.Model):
    """Staff say a round was not collected on ``date``: residents are told, and single
    "missed bin" reports for that round and day are not taken."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="missed")
    date = models.DateField(_("day it was missed"))
    reason = models.CharField(_("what happened"), max_length=300)
    catch_up = models.CharField(
        _("what happens next"),
        max_length=300,
        help_text=_("Like: we will come back on Saturday. Leave bins out."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("missed round")
        verbose_name_plural = _("missed rounds")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["round", "date"], name="missed_round_unique"),
        ]

    def __str__(self):
        return f"{self.round} missed on {self.date}"
