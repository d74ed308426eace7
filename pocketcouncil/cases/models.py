"""Requests and reports: one Case model for all of them, with an append-only timeline."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pocketcouncil.cases.workflow import FINISHED, OPEN, OPEN_STATUSES, CaseStatus, CloseReason


class Priority(models.IntegerChoices):
    """Ordered, so "highest priority first" is a plain index-backed sort."""

    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Source(models.TextChoices):
    WEB = "web", _("Website")
    STAFF = "staff", _("Entered by staff")
    OPEN311 = "open311", _("Open311 client")
    # issue 21: residents who wrote in by email, text message or social media (channels app)
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    SOCIAL = "social", _("Social media")


class Satisfaction(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neither satisfied nor dissatisfied")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


class Case(models.Model):
    """A request or report, from receipt to the end. Residents see progress through events."""

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="cases")
    service = models.ForeignKey("services.Service", on_delete=models.PROTECT, related_name="cases")
    team = models.ForeignKey(
        "councils.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED
    )
    close_reason = models.CharField(
        _("why it was closed"), max_length=20, choices=CloseReason.choices, blank=True
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    description = models.TextField(_("description"))
    attributes = models.JSONField(_("answers"), default=dict, blank=True)

    # Where: a point (WGS84) and the words the resident used. The ward is remembered as it was
    # when the case was reported, because ward boundaries change at reviews.
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    location_text = models.CharField(_("where"), max_length=300, blank=True)
    ward = models.ForeignKey(
        "councils.Area", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ward_name = models.CharField(max_length=200, blank=True)
    ward_gss_code = models.CharField(max_length=9, blank=True)

    # Who: an account, or contact details given without one (where the service allows).
    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
        help_text=_("Why we hold it: so you can track the case and we can reply."),
    )
    reporter_name = models.CharField(
        _("name"),
        max_length=200,
        blank=True,
        help_text=_("Why we hold it: so staff know who reported it. Hidden from the public."),
    )
    reporter_email = models.EmailField(
        _("email"), blank=True, help_text=_("Why we hold it: to send updates about this case.")
    )
    show_name_publicly = models.BooleanField(_("show my name on the public report"), default=False)
    is_public = models.BooleanField(
        _("shown on the public map"),
        default=False,
        help_text=_("Location-based reports are public by default, without personal details."),
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Staff member who entered it on the resident's behalf (assisted digital)."),
    )
    submission_key = models.CharField(
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("One per form: a form sent twice makes one case."),
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )
    supporters_count = models.PositiveIntegerField(_("others who reported it"), default=0)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    satisfaction = models.PositiveSmallIntegerField(
        choices=Satisfaction.choices, null=True, blank=True
    )
    external_id = models.CharField(_("back-office reference"), max_length=100, blank=True)

    received_at = models.DateTimeField(_("received"), default=timezone.now)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When it was fixed or closed (cleared on reopening).")
    )
    editable_until = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CaseStatus.values), name="case_status_valid"
            ),
            models.CheckConstraint(
                condition=(Q(status=CaseStatus.CLOSED) & ~Q(close_reason=""))
                | (~Q(status=CaseStatus.CLOSED) & Q(close_reason="")),
                name="case_close_reason_only_when_closed",
            ),
            models.CheckConstraint(
                condition=Q(status=CaseStatus.DUPLICATE) | Q(duplicate_of__isnull=True),
                name="case_duplicate_of_only_when_duplicate",
            ),
            models.CheckConstraint(
                condition=(Q(longitude__isnull=True) & Q(latitude__isnull=True))
                | (
                    Q(longitude__gte=-180)
                    & Q(longitude__lte=180)
                    & Q(latitude__gte=-90)
                    & Q(latitude__lte=90)
                ),
                name="case_location_both_or_neither",
            ),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | (Q(satisfaction__gte=1) & Q(satisfaction__lte=5)),
                name="case_satisfaction_1_to_5",
            ),
        ]
        # The staff queue reads open cases only (a small share of all cases), newest work
        # first by due date: partial indexes over open cases, in each filter's sort order, let
        # "page 1 of the queue" stop after 50 index entries however many cases are stored
        # (docs/benchmarks.md, "Cases").
        indexes = [
            models.Index(
                fields=["council", "due_at", "received_at", "assigned_to"],
                condition=Q(status__in=OPEN_STATUSES),
                name="case_open_council",
            ),
            models.Index(
                fields=["team", "due_at", "received_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="case_open_team",
            ),
            models.Index(
                fields=["council", "service", "due_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="case_open_service",
            ),
            models.Index(
                fields=["council", "ward", "due_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="case_open_ward",
            ),
            models.Index(
                fields=["council", "-priority", "due_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="case_open_priority",
            ),
            models.Index(
                fields=["assigned_to", "due_at"],
                condition=Q(status__in=OPEN_STATUSES),
                name="case_open_assigned",
            ),
            # Nearby open public reports of the same service (duplicates before reporting).
            models.Index(
                fields=["service", "latitude", "longitude"],
                condition=Q(status__in=OPEN_STATUSES, is_public=True),
                name="case_open_nearby",
            ),
            models.Index(fields=["council", "received_at"], name="case_council_received"),
            models.Index(fields=["resident", "received_at"], name="case_resident"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class CaseSequence(models.Model):
    """The last reference number issued per council and year (rows are locked to allocate)."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["council", "year"], name="case_sequence_unique")
        ]

    def __str__(self):
        return f"{self.council_id}/{self.year}: {self.last_number}"


class EventKind(models.TextChoices):
    CREATED = "created", _("Received")
    STATUS_CHANGED = "status_changed", _("Status changed")
    PUBLIC_UPDATE = "public_update", _("Update")
    INTERNAL_NOTE = "internal_note", _("Internal note")
    ASSIGNED = "assigned", _("Assigned")
    REASSIGNED = "reassigned", _("Sent to another team or council")
    PRIORITY_CHANGED = "priority_changed", _("Priority changed")
    MERGED = "merged", _("Merged")
    MESSAGE_IN = "message_in", _("Message from the resident")
    ME_TOO = "me_too", _("Someone else reported it too")
    PHOTO_ADDED = "photo_added", _("Photo added")
    EDITED = "edited", _("Report edited")
    REOPENED = "reopened", _("Reopened")
    SATISFACTION = "satisfaction", _("Feedback given")
    SERVICE_CHANGED = "service_changed", _("Moved to another service")


# Events a resident (and, for public cases, everyone) may see.
PUBLIC_EVENT_KINDS = frozenset(
    {
        EventKind.CREATED,
        EventKind.STATUS_CHANGED,
        EventKind.PUBLIC_UPDATE,
        EventKind.MERGED,
        EventKind.MESSAGE_IN,
        EventKind.REOPENED,
        EventKind.PHOTO_ADDED,
        EventKind.REASSIGNED,
    }
)


class CaseEvent(models.Model):
    """One entry in a case's timeline. Append-only: events are never edited or deleted."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The resident a staff member acted for (assisted digital)."),
    )
    from_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=CaseStatus.choices, blank=True)
    note = models.TextField(blank=True)
    is_public = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="case_event_timeline")]

    def __str__(self):
        return f"{self.case_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("Case events are append-only.")


def photo_path(instance: CasePhoto, filename: str) -> str:
    return f"cases/{instance.council_id}/{instance.case_id}/{instance.token}.jpg"


class CasePhoto(models.Model):
    """A photo with a case: re-encoded as JPEG with its metadata (EXIF, GPS) stripped."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    token = models.CharField(max_length=32, unique=True)
    image = models.ImageField(upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    is_public = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"Photo {self.token} of case {self.case_id}"


class CaseSupporter(models.Model):
    """A resident who said "me too" instead of filing a duplicate."""

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="supporters")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="case_supporter_once")]

    def __str__(self):
        return f"User {self.user_id} supports case {self.case_id}"


class ResponseTemplate(models.Model):
    """A reply staff reuse, with placeholders such as {reference}, {service} and {due_date}."""

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="response_templates"
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_("Placeholders: {reference}, {service}, {council}, {due_date}, {status}."),
    )
    status = models.CharField(
        _("suggested with status"), max_length=20, choices=CaseStatus.choices, blank=True
    )

    class Meta:
        ordering = ["council", "title"]
        constraints = [
            models.UniqueConstraint(fields=["council", "title"], name="response_template_unique")
        ]

    def __str__(self):
        return self.title
