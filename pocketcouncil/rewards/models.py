"""Thank-you rewards: a scheme per council, rules, an append-only points ledger, partner offers
with single-use codes, and flags for staff when something looks like gaming (docs/rewards.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scheme(models.Model):
    """One per council. Off until the council switches it on; residents join separately."""

    council = models.OneToOneField(
        "councils.Council", on_delete=models.CASCADE, related_name="rewards_scheme"
    )
    is_active = models.BooleanField(_("scheme is running"), default=False)
    monthly_budget_pence = models.PositiveIntegerField(
        _("monthly budget for offers, in pence"),
        default=0,
        help_text=_("What the council will pay partners for offers in one calendar month."),
    )
    redemptions_per_month = models.PositiveSmallIntegerField(
        _("offers one person can take in a month"), default=3
    )
    rejected_reports_flag = models.PositiveSmallIntegerField(
        _("rejected reports in 30 days before staff are told"), default=3
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"Rewards scheme of {self.council_id}"


class RuleKind(models.TextChoices):
    """What earns points. Each is something that helps the council, checked before it counts."""

    REPORT_VERIFIED = "report_verified", _("A report staff confirmed as a real problem")
    FIRST_REPORT = "first_report", _("The first report of a problem others reported too")
    SURVEY_COMPLETED = "survey_completed", _("Completing a survey or consultation")
    PAPERLESS = "paperless", _("Going paperless for bills")
    BIN_REMINDERS = "bin_reminders", _("Turning on bin day reminders")
    CASE_RATED = "case_rated", _("Rating how a closed case was handled")
    VOLUNTEERING = "volunteering", _("Volunteering hours confirmed by an organisation")


class CapPeriod(models.TextChoices):
    DAY = "day", _("a day")
    WEEK = "week", _("a week")
    MONTH = "month", _("a month")
    YEAR = "year", _("a year")
    EVER = "ever", _("ever")


# Defaults a council starts with (it can change every one of them).
DEFAULT_RULES = {
    RuleKind.REPORT_VERIFIED: (10, 5, CapPeriod.WEEK, 0),
    RuleKind.FIRST_REPORT: (5, 5, CapPeriod.WEEK, 0),
    RuleKind.SURVEY_COMPLETED: (10, 4, CapPeriod.MONTH, 0),
    RuleKind.PAPERLESS: (20, 1, CapPeriod.EVER, 0),
    RuleKind.BIN_REMINDERS: (5, 1, CapPeriod.EVER, 0),
    RuleKind.CASE_RATED: (2, 5, CapPeriod.WEEK, 1),
    RuleKind.VOLUNTEERING: (5, 20, CapPeriod.MONTH, 0),
}


class Rule(models.Model):
    """How many points one kind of help earns, at most how often, and how long to wait."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what earns points"), max_length=30, choices=RuleKind.choices)
    is_active = models.BooleanField(_("earns points"), default=True)
    points = models.PositiveSmallIntegerField(_("points each time"), default=10)
    cap_count = models.PositiveSmallIntegerField(
        _("at most this many times"), default=5, help_text=_("0 means no limit.")
    )
    cap_period = models.CharField(
        _("in"), max_length=10, choices=CapPeriod.choices, default=CapPeriod.WEEK
    )
    cooldown_hours = models.PositiveSmallIntegerField(
        _("hours to wait between two awards"), default=0
    )

    class Meta:
        ordering = ["council", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["council", "kind"], name="rewards_rule_once"),
            models.CheckConstraint(
                condition=Q(kind__in=RuleKind.values), name="rewards_rule_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(points__lte=1000), name="rewards_rule_points_at_most_1000"
            ),
        ]

    def __str__(self):
        return f"{self.kind}: {self.points}"


class AgeBand(models.TextChoices):
    ADULT = "16_or_over", _("16 or over")
    UNDER_16 = "under_16", _("Under 16")


class Membership(models.Model):
    """A resident who chose to join a council's scheme. Leaving keeps the ledger (it is a
    record) but earns nothing more and hides them from the champions list."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rewards_memberships"
    )
    age_band = models.CharField(
        _("age"),
        max_length=12,
        choices=AgeBand.choices,
        help_text=_(
            "Why we hold it: people under 16 are never shown on the champions list and can "
            "only take offers suitable for them."
        ),
    )
    show_as_champion = models.BooleanField(
        _("show my first name and initial on my ward's champions list"),
        default=False,
        help_text=_("Why we hold it: your choice whether to be named on the champions list."),
    )
    ward = models.ForeignKey(
        "councils.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    joined_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="rewards_membership_once"),
            models.CheckConstraint(
                condition=Q(age_band__in=AgeBand.values), name="rewards_membership_age_valid"
            ),
        ]

    def __str__(self):
        return f"User {self.user_id} in rewards of {self.council_id}"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class EntryKind(models.TextChoices):
    AWARD = "award", _("Points earned")
    REVERSAL = "reversal", _("Points taken back")
    SPEND = "spend", _("Spent on an offer")
    REFUND = "refund", _("Returned from a cancelled offer")


class LedgerEntry(models.Model):
    """One line of a resident's points. Append-only: a mistake is put right by a reversal
    entry that says why, never by editing or deleting."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rewards_entries"
    )
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    rule_kind = models.CharField(max_length=30, choices=RuleKind.choices, blank=True)
    points = models.IntegerField()
    reason = models.CharField(_("reason"), max_length=300)
    source_key = models.CharField(
        max_length=100, blank=True, help_text=_("What earned it, so it can never earn twice.")
    )
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["council", "user", "created_at"], name="rewards_ledger")]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "user", "source_key"],
                condition=Q(kind="award"),
                name="rewards_award_once_per_source",
            ),
            models.CheckConstraint(
                condition=(Q(kind__in=["award", "refund"]) & Q(points__gt=0))
                | (Q(kind__in=["reversal", "spend"]) & Q(points__lt=0)),
                name="rewards_entry_sign_matches_kind",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False)
                | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="rewards_reversal_points_at_entry",
            ),
        ]

    def __str__(self):
        return f"{self.points:+d} for user {self.user_id}: {self.reason}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Ledger entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Ledger entries are append-only.")


class Partner(models.Model):
    """A leisure centre, library or local business that gives offers to the council's scheme."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        ordering = ["council", "name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="rewards_partner_unique")
        ]

    def __str__(self):
        return self.name


class PartnerChecker(models.Model):
    """The partner role: a person who checks codes at the till for one partner. Partner staff,
    not residents, so (like StaffRole) not in the personal data register."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="checkers")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rewards_checker_roles"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "user"], name="rewards_checker_once")
        ]

    def __str__(self):
        return f"User {self.user_id} checks codes for {self.partner_id}"


class Offer(models.Model):
    """A local reward: a limited number, until a date, each bought with points."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="offers")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what you get and how to use it"))
    points_cost = models.PositiveIntegerField(_("points it costs"))
    cost_to_council_pence = models.PositiveIntegerField(
        _("what the council pays the partner each time, in pence"), default=0
    )
    stock = models.PositiveIntegerField(_("how many are left"))
    expires_at = models.DateTimeField(_("offer ends"))
    is_active = models.BooleanField(_("shown to residents"), default=True)
    suitable_for_under_16 = models.BooleanField(_("suitable for under-16s"), default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["expires_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(points_cost__gt=0), name="rewards_offer_costs_points"
            ),
        ]

    def __str__(self):
        return self.title


class RedemptionStatus(models.TextChoices):
    ISSUED = "issued", _("Ready to use")
    USED = "used", _("Used")
    CANCELLED = "cancelled", _("Cancelled, points returned")


class Redemption(models.Model):
    """An offer taken with points: one single-use code."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="redemptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="rewards_redemptions",
        help_text=_(
            "Why we hold it: so only you see your code, and the council can count its spend."
        ),
    )
    code = models.CharField(max_length=12, unique=True)
    status = models.CharField(
        max_length=10, choices=RedemptionStatus.choices, default=RedemptionStatus.ISSUED
    )
    cost_to_council_pence = models.PositiveIntegerField(default=0)
    issued_at = models.DateTimeField(default=timezone.now)
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        indexes = [models.Index(fields=["council", "issued_at"], name="rewards_redemption_month")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="used", used_at__isnull=False)
                | (~Q(status="used") & Q(used_at__isnull=True)),
                name="rewards_redemption_used_at_when_used",
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.status})"


class CodeCheckOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    ALREADY_USED = "already_used", _("Already used")
    UNKNOWN = "unknown", _("No such code")
    OTHER_PARTNER = "other_partner", _("Code for another partner")
    EXPIRED = "expired", _("Offer ended")
    CANCELLED = "cancelled", _("Cancelled")


class CodeCheck(models.Model):
    """Every time a partner typed a code at the till, whatever the answer (for anomaly flags)."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    code = models.CharField(max_length=40)
    redemption = models.ForeignKey(
        Redemption, null=True, blank=True, on_delete=models.CASCADE, related_name="checks"
    )
    outcome = models.CharField(max_length=15, choices=CodeCheckOutcome.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.code}: {self.outcome}"


class FlagKind(models.TextChoices):
    REJECTED_REPORTS = "rejected_reports", _("Many reports from one person rejected")
    CODE_REUSED = "code_reused", _("One code presented more than once")
    CODE_GUESSING = "code_guessing", _("Many unknown codes tried at one partner")


class AnomalyFlag(models.Model):
    """Something that looks like gaming, for a person on the council's staff to look at."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=FlagKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    redemption = models.ForeignKey(
        Redemption, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    detail = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["council", "created_at"],
                condition=Q(resolved_at__isnull=True),
                name="rewards_flag_open",
            )
        ]

    def __str__(self):
        return f"{self.kind}: {self.detail}"
