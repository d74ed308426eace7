"""Payments through GOV.UK Pay: one account per council, each payment with its audit trail,
refunds. Money is whole pence throughout (never floats)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LIVE_BASE_URL = "https://publicapi.payments.service.gov.uk"


class PayAccount(models.Model):
    """A council's GOV.UK Pay service: its API key and webhook signing secret, encrypted.

    Staff see only the last four characters once a secret is saved (``*_hint``)."""

    council = models.OneToOneField(
        "councils.Council", on_delete=models.CASCADE, related_name="pay_account"
    )
    base_url = models.URLField(_("GOV.UK Pay address"), default=LIVE_BASE_URL)
    api_key_encrypted = models.TextField(editable=False)
    api_key_hint = models.CharField(max_length=8, editable=False)
    webhook_secret_encrypted = models.TextField(blank=True, editable=False)
    webhook_secret_hint = models.CharField(max_length=8, blank=True, editable=False)
    is_live = models.BooleanField(
        default=False, help_text=_("A live key takes real money; a test key does not.")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("GOV.UK Pay account")

    def __str__(self):
        return f"GOV.UK Pay for council {self.council_id} (key {self.api_key_hint})"

    def __repr__(self):  # never the secrets, even encrypted
        return f"<PayAccount council={self.council_id} key={self.api_key_hint}>"


class Purpose(models.TextChoices):
    GARDEN_WASTE = "garden_waste", _("Garden waste subscription")
    BULKY_WASTE = "bulky_waste", _("Bulky waste collection")
    PARKING_PERMIT = "parking_permit", _("Residents' parking permit")
    PENALTY_CHARGE = "penalty_charge", _("Penalty charge notice")


class PaymentStatus(models.TextChoices):
    """GOV.UK Pay's states, plus ``new``: saved here, not yet accepted by GOV.UK Pay."""

    NEW = "new", _("Not yet sent to GOV.UK Pay")
    CREATED = "created", _("Created")
    STARTED = "started", _("Started")
    SUBMITTED = "submitted", _("Card details submitted")
    CAPTURABLE = "capturable", _("Awaiting capture")
    SUCCESS = "success", _("Paid")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    ERROR = "error", _("Error")


FINISHED_STATUSES = frozenset(
    {PaymentStatus.SUCCESS, PaymentStatus.FAILED, PaymentStatus.CANCELLED, PaymentStatus.ERROR}
)


class Payment(models.Model):
    """One attempt to take one amount for one thing (a booking, a permit, a fine)."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(_("payment reference"), max_length=40, unique=True)
    purpose = models.CharField(_("for"), max_length=20, choices=Purpose.choices)
    subject_key = models.CharField(
        max_length=40, help_text=_("The booking, subscription, permit or charge it pays for.")
    )
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Why we hold it: so you can see what you paid and get refunds."),
    )
    description = models.CharField(_("description"), max_length=255)
    amount = models.PositiveIntegerField(_("amount in pence"))
    vat_amount = models.PositiveIntegerField(_("VAT included, in pence"), default=0)
    income_code = models.CharField(_("income code"), max_length=40, blank=True)
    status = models.CharField(
        max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.NEW
    )
    failure_code = models.CharField(max_length=10, blank=True)
    failure_message = models.CharField(max_length=255, blank=True)
    pay_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    next_url = models.URLField(max_length=500, blank=True)
    idempotency_key = models.CharField(
        max_length=80, unique=True, help_text=_("One per attempt: pressing Pay twice pays once.")
    )
    return_token = models.CharField(max_length=43, unique=True)
    refunded_amount = models.PositiveIntegerField(default=0)
    fulfilled_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When what was paid for was confirmed (once only).")
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("amount")), name="payment_refund_not_over"
            ),
            models.CheckConstraint(
                condition=Q(vat_amount__lte=F("amount")), name="payment_vat_not_over"
            ),
            models.CheckConstraint(
                condition=Q(status__in=PaymentStatus.values), name="payment_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["council", "created_at"], name="payment_council_created"),
            models.Index(fields=["purpose", "subject_key"], name="payment_subject"),
            models.Index(
                fields=["created_at"],
                condition=~Q(status__in=["success", "failed", "cancelled", "error"]),
                name="payment_in_limbo",
            ),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def is_paid(self) -> bool:
        return self.status == PaymentStatus.SUCCESS

    @property
    def refundable_amount(self) -> int:
        return self.amount - self.refunded_amount if self.is_paid else 0


class PaymentEventKind(models.TextChoices):
    CREATED = "created", _("Payment started")
    STATUS = "status", _("Status from GOV.UK Pay")
    WEBHOOK = "webhook", _("Message from GOV.UK Pay")
    RETURNED = "returned", _("Resident came back")
    FULFILLED = "fulfilled", _("Confirmed what was paid for")
    RELEASED = "released", _("Released what was held")
    REFUND = "refund", _("Refund")
    RECONCILED = "reconciled", _("Checked by reconciliation")


class PaymentEvent(models.Model):
    """The audit trail of a payment. Append-only. A webhook message is recorded once."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=PaymentEventKind.choices)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    message_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.payment_id} {self.kind}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Payment events are append-only.")
        super().save(*args, **kwargs)


class RefundStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    SUCCESS = "success", _("Refunded")
    ERROR = "error", _("Failed")


class Refund(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    amount = models.PositiveIntegerField(_("amount in pence"))
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(
        max_length=10, choices=RefundStatus.choices, default=RefundStatus.SUBMITTED
    )
    pay_refund_id = models.CharField(max_length=64, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive")
        ]

    def __str__(self):
        return f"Refund {self.pk} of {self.payment_id}"


# --- what a council charges for, and its rules ---------------------------------------------------


class CouncilCharges(models.Model):
    """A council's prices and rules for its paid services (pence; VAT rates in percent)."""

    council = models.OneToOneField(
        "councils.Council", on_delete=models.CASCADE, related_name="charges"
    )
    bulky_income_code = models.CharField(max_length=40, default="BULKY")
    bulky_max_items = models.PositiveSmallIntegerField(default=6)
    bulky_cancel_cutoff_hours = models.PositiveSmallIntegerField(
        _("bulky waste: full refund if cancelled at least this many hours before the day"),
        default=48,
    )
    pcn_income_code = models.CharField(max_length=40, default="PCN")
    permit_price = models.PositiveIntegerField(
        _("residents' parking permit: yearly price, pence"), default=8000
    )
    permit_income_code = models.CharField(max_length=40, default="PERMIT")
    permit_zones = models.TextField(
        _("residents' parking zones, one a line"), default="Zone A\nZone B"
    )
    garden_price_per_bin = models.PositiveIntegerField(
        _("garden waste: yearly price per bin, pence"), default=5000
    )
    garden_income_code = models.CharField(max_length=40, default="GARDEN")
    garden_refund_rule = models.CharField(
        _("garden waste: refund when cancelled"),
        max_length=20,
        choices=[
            ("none", _("No refund")),
            ("full_14_days", _("Full refund within 14 days of the start")),
            ("pro_rata", _("Refund for each whole month left")),
        ],
        default="full_14_days",
    )
    bulky_concession_percent = models.PositiveSmallIntegerField(
        _("bulky waste: concession discount, percent"), default=50
    )

    class Meta:
        verbose_name = _("council charges")
        verbose_name_plural = _("council charges")
        constraints = [
            models.CheckConstraint(
                condition=Q(bulky_concession_percent__lte=100), name="charges_concession_le_100"
            )
        ]

    def __str__(self):
        return f"Charges of council {self.council_id}"


def vat_included(amount: int, rate_percent: int) -> int:
    """The VAT inside a VAT-inclusive price, rounded to the penny."""
    if not rate_percent:
        return 0
    return round(amount * rate_percent / (100 + rate_percent))


# --- bulky waste ---------------------------------------------------------------------------------


class BulkyItem(models.Model):
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="bulky_items"
    )
    name = models.CharField(_("item"), max_length=100)
    price = models.PositiveIntegerField(_("price in pence, including any VAT"))
    vat_rate = models.PositiveSmallIntegerField(_("VAT rate, percent"), default=0)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["council", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="bulky_item_unique"),
            models.CheckConstraint(condition=Q(vat_rate__lte=100), name="bulky_item_vat_le_100"),
        ]

    def __str__(self):
        return self.name


class CollectionSlot(models.Model):
    """A round's capacity for bulky collections on one day. ``booked`` counts held and booked
    places; it can never pass ``capacity`` (checked by the database as well as the action)."""

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="collection_slots"
    )
    round_name = models.CharField(_("round"), max_length=100)
    date = models.DateField(_("collection day"))
    capacity = models.PositiveSmallIntegerField(_("collections available"))
    booked = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["date", "round_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "round_name", "date"], name="collection_slot_unique"
            ),
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="collection_slot_not_oversold"
            ),
        ]

    def __str__(self):
        return f"{self.round_name} {self.date}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.booked, 0)


class BookingStatus(models.TextChoices):
    HELD = "held", _("Waiting for payment")
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    RELEASED = "released", _("Not paid: place released")


class BulkyBooking(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Why we hold it: to collect from you and tell you about your booking."),
    )
    slot = models.ForeignKey(CollectionSlot, on_delete=models.PROTECT, related_name="bookings")
    address = models.CharField(
        _("collection address"),
        max_length=200,
        help_text=_("Why we hold it: so the crew know where to collect from."),
    )
    items = models.JSONField(_("items"), default=list)
    amount = models.PositiveIntegerField(_("price in pence"))
    vat_amount = models.PositiveIntegerField(default=0)
    concession = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=BookingStatus.choices, default=BookingStatus.HELD
    )
    submission_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "status"], name="bulky_booking_status")]

    def __str__(self):
        return f"Bulky booking {self.pk}"


# --- penalty charge notices ----------------------------------------------------------------------


class ChargeStatus(models.TextChoices):
    OUTSTANDING = "outstanding", _("To pay")
    PAID = "paid", _("Paid")
    CLOSED = "closed", _("Closed by the council")


class PenaltyCharge(models.Model):
    """A penalty charge notice from the council's feed (CSV from its parking back office)."""

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="penalty_charges"
    )
    pcn_number = models.CharField(_("PCN number"), max_length=20)
    vrm = models.CharField(
        _("vehicle registration"),
        max_length=10,
        help_text=_("Why we hold it: to check the person paying has the notice in front of them."),
    )
    contravention = models.CharField(_("contravention"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"))
    full_amount = models.PositiveIntegerField(_("full charge in pence"))
    discount_amount = models.PositiveIntegerField(_("discounted charge in pence"))
    discount_days = models.PositiveSmallIntegerField(
        _("days the discount lasts, counting the day of issue"), default=14
    )
    status = models.CharField(
        max_length=12, choices=ChargeStatus.choices, default=ChargeStatus.OUTSTANDING
    )
    paid_amount = models.PositiveIntegerField(default=0)
    case = models.OneToOneField(
        "cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_on"]
        constraints = [
            models.UniqueConstraint(fields=["council", "pcn_number"], name="pcn_unique"),
            models.CheckConstraint(
                condition=Q(discount_amount__lte=F("full_amount")), name="pcn_discount_le_full"
            ),
        ]

    def __str__(self):
        return self.pcn_number


# --- garden waste --------------------------------------------------------------------------------


class SubscriptionStatus(models.TextChoices):
    HELD = "held", _("Waiting for payment")
    ACTIVE = "active", _("Active")
    CANCELLED = "cancelled", _("Cancelled")
    RELEASED = "released", _("Not paid")


class GardenSubscription(models.Model):
    """A year of garden waste collections for one address."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Why we hold it: to collect your garden waste and remind you to renew."),
    )
    address = models.CharField(
        _("address"),
        max_length=200,
        help_text=_("Why we hold it: so the crew know which bins to empty."),
    )
    bins = models.PositiveSmallIntegerField(_("bins"), default=1)
    starts_on = models.DateField()
    ends_on = models.DateField()
    amount = models.PositiveIntegerField(_("price in pence"))
    status = models.CharField(
        max_length=10, choices=SubscriptionStatus.choices, default=SubscriptionStatus.HELD
    )
    renewal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewal"
    )
    submission_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(bins__gte=1) & Q(bins__lte=5), name="garden_bins_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="garden_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"Garden waste {self.pk}"


# --- residents' parking permits ------------------------------------------------------------------


class PermitStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for a decision")
    APPROVED = "approved", _("Approved: waiting for payment")
    REJECTED = "rejected", _("Not approved")
    ISSUED = "issued", _("Issued")
    CANCELLED = "cancelled", _("Cancelled")


def evidence_path(instance, filename: str) -> str:
    return f"permits/{instance.council_id}/{instance.evidence_token}"


class PermitApplication(models.Model):
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Why we hold it: the permit is issued to you, for your address."),
    )
    address = models.CharField(
        _("address"), max_length=200, help_text=_("Why we hold it: permits are per address.")
    )
    zone = models.CharField(_("zone"), max_length=60)
    vrm = models.CharField(
        _("vehicle registration"),
        max_length=10,
        help_text=_("Why we hold it: wardens check the permit against the car."),
    )
    evidence = models.FileField(
        upload_to=evidence_path,
        help_text=_("Why we hold it: proof the car is kept at your address. Staff only."),
    )
    evidence_token = models.CharField(max_length=32, unique=True)
    evidence_type = models.CharField(max_length=40)
    amount = models.PositiveIntegerField(_("price in pence"))
    status = models.CharField(
        max_length=10, choices=PermitStatus.choices, default=PermitStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    permit_number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    submission_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "status"], name="permit_council_status")]

    def __str__(self):
        return self.permit_number or f"Permit application {self.pk}"


# --- concessions ---------------------------------------------------------------------------------


class ConcessionStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for a decision")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Not approved")


def concession_evidence_path(instance, filename: str) -> str:
    return f"concessions/{instance.council_id}/{instance.evidence_token}"


class ConcessionClaim(models.Model):
    """A resident's claim to council tax reduction, which earns the council's concession
    prices (bulky waste today) once staff have checked the evidence and approved it."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Why we hold it: the lower price is for you, once we have checked it."),
    )
    evidence = models.FileField(
        upload_to=concession_evidence_path,
        help_text=_("Why we hold it: proof you get council tax reduction. Staff only."),
    )
    evidence_token = models.CharField(max_length=32, unique=True)
    evidence_type = models.CharField(max_length=40)
    status = models.CharField(
        max_length=10, choices=ConcessionStatus.choices, default=ConcessionStatus.SUBMITTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    submission_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["council", "status"], name="concession_council_status")]

    def __str__(self):
        return f"Concession claim {self.pk}"


class ConcessionEvent(models.Model):
    """The audit trail of a concession claim: who sent or decided it, when. Append-only."""

    claim = models.ForeignKey(ConcessionClaim, on_delete=models.PROTECT, related_name="events")
    status = models.CharField(max_length=10, choices=ConcessionStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.claim_id} {self.status}"


# --- the audit trail of prices, items and collection days --------------------------------------


class ChargesEventKind(models.TextChoices):
    CHARGES_CHANGED = "charges_changed", _("Prices and rules changed")
    ITEM_ADDED = "item_added", _("Bulky waste item added")
    ITEM_CHANGED = "item_changed", _("Bulky waste item changed")
    SLOT_ADDED = "slot_added", _("Collection day added")
    SLOT_CHANGED = "slot_changed", _("Collection day changed")
    SLOT_REMOVED = "slot_removed", _("Collection day removed")


class ChargesEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Charges audit rows are never changed.")

    def delete(self):
        raise TypeError("Charges audit rows are never deleted.")


class ChargesEvent(models.Model):
    """Who changed a council's prices, rules, bulky waste items or collection days, when, and
    the values before and after. Append-only: written in the same transaction as the change."""

    council = models.ForeignKey(
        "councils.Council", on_delete=models.PROTECT, related_name="charges_events"
    )
    kind = models.CharField(_("what"), max_length=20, choices=ChargesEventKind.choices)
    subject = models.CharField(_("which"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("who"), max_length=200, blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = ChargesEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ChargesEventKind.values), name="charges_event_kind_valid"
            )
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.subject}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Charges audit rows are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Charges audit rows are never deleted.")

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """(field, before, after) for each value that differs."""
        keys = list(dict.fromkeys([*self.before, *self.after]))
        return [
            (k, self.before.get(k, ""), self.after.get(k, ""))
            for k in keys
            if self.before.get(k) != self.after.get(k)
        ]
