"""The community directory: the Open Referral UK 3.0 model (organisations, services, locations
and everything that hangs off them), plus what the council adds to keep listings current
(who checked a listing when, claims, proposed changes and the history of every listing).

Tables, fields and ids follow the standard (``schema/*.json``), so an ORUK feed round-trips:
the primary key of every ORUK table is the record's own ``id`` (a UUID string in the standard),
which is what makes an import idempotent. Organisations, services and locations belong to one
council's directory (``council`` is never null; children inherit it through their service or
location); taxonomies and their terms are shared reference data (e.g. the esd service list).
An id already listed by another council is refused by the importer, never moved across.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

ID_LENGTH = 100


def _id():
    return models.CharField(_("identifier"), max_length=ID_LENGTH, primary_key=True)


class OrukRecord(models.Model):
    """A row of one of the standard's child tables, known by its ORUK id."""

    class Meta:
        abstract = True

    def __str__(self):
        return self.id


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class LocationType(models.TextChoices):
    PHYSICAL = "physical", _("A place you can visit")
    POSTAL = "postal", _("A postal address")
    VIRTUAL = "virtual", _("Online or by phone")


class AddressType(models.TextChoices):
    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


class Frequency(models.TextChoices):
    WEEKLY = "WEEKLY", _("Weekly")
    MONTHLY = "MONTHLY", _("Monthly")


class Taxonomy(models.Model):
    id = _id()
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"))
    uri = models.URLField(_("web address"), max_length=500, blank=True)
    version = models.CharField(_("version"), max_length=100, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("taxonomy")
        verbose_name_plural = _("taxonomies")

    def __str__(self):
        return self.name


class TaxonomyTerm(models.Model):
    id = _id()
    taxonomy_ref = models.ForeignKey(
        Taxonomy,
        verbose_name=_("taxonomy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="terms",
        db_column="taxonomy_id",
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"))
    # Kept as text: a parent may be a term of a taxonomy nobody imported.
    parent_id = models.CharField(_("parent term"), max_length=ID_LENGTH, blank=True)
    # The standard's free-text name of the taxonomy, for terms whose taxonomy has no record.
    taxonomy = models.CharField(_("taxonomy name"), max_length=255, blank=True)
    term_uri = models.URLField(_("term web address"), max_length=500, blank=True)
    term = models.CharField(_("term code"), max_length=255, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("taxonomy term")
        verbose_name_plural = _("taxonomy terms")

    def __str__(self):
        return self.name


class Organization(models.Model):
    id = _id()
    council = models.ForeignKey(
        "councils.Council",
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="directory_organizations",
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"))
    email = models.EmailField(_("email address"), blank=True)
    website = models.URLField(_("website"), max_length=500, blank=True)
    logo = models.URLField(_("logo"), max_length=500, blank=True)
    uri = models.URLField(_("web address"), max_length=500, blank=True)
    parent_organization_id = models.CharField(
        _("parent organisation"), max_length=ID_LENGTH, blank=True
    )
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class OrganizationIdentifier(OrukRecord):
    id = _id()
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="organization_identifiers"
    )
    identifier_scheme = models.CharField(_("scheme"), max_length=100, blank=True)
    identifier_type = models.CharField(_("type"), max_length=255)
    identifier = models.CharField(_("identifier"), max_length=255)

    class Meta:
        ordering = ["id"]


class Service(models.Model):
    id = _id()
    council = models.ForeignKey(
        "councils.Council",
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="directory_services",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="services",
    )
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    url = models.URLField(_("website"), max_length=500, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    fees = models.TextField(_("fees"), blank=True)
    accreditations = models.TextField(_("accreditations"), blank=True)
    minimum_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    assured_date = models.DateField(_("assured on"), null=True, blank=True)
    assurer_email = models.EmailField(_("assured by (email)"), blank=True)
    alert = models.TextField(_("alert"), blank=True)
    # When the record last changed, as the standard means it (set by the source, or by us when a
    # change is made here). Drives ``modified_after``.
    last_modified = models.DateTimeField(_("last modified"), db_index=True)
    # Pocket Council's own fields, not part of the standard.
    is_demo = models.BooleanField(_("demonstration data"), default=False)
    last_checked_at = models.DateTimeField(
        _("last checked"),
        null=True,
        blank=True,
        help_text=_("When the organisation or the council last confirmed the listing is right."),
    )
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    # Lower-cased name, description and organisation name, kept by the actions: free-text
    # search is one LIKE on one column, the same on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["council", "status"], name="dir_service_council_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ServiceStatus.values), name="directory_service_status"
            ),
            models.CheckConstraint(
                condition=Q(minimum_age__isnull=True)
                | Q(maximum_age__isnull=True)
                | Q(minimum_age__lte=models.F("maximum_age")),
                name="directory_service_ages_ordered",
            ),
        ]

    def __str__(self):
        return self.name


class Location(models.Model):
    id = _id()
    council = models.ForeignKey(
        "councils.Council",
        verbose_name=_("council"),
        on_delete=models.CASCADE,
        related_name="directory_locations",
    )
    location_type = models.CharField(
        _("type"), max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = models.CharField(_("name"), max_length=255, blank=True)
    description = models.TextField(_("description"), blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    external_identifier = models.CharField(_("external identifier"), max_length=255, blank=True)
    external_identifier_type = models.CharField(
        _("external identifier type"), max_length=100, blank=True
    )
    # How to get there (buses, parking, entrance): Pocket Council's own field for the service
    # page, not part of the standard.
    transport = models.TextField(_("how to get there"), blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        indexes = [models.Index(fields=["latitude", "longitude"], name="dir_location_point")]
        constraints = [
            models.CheckConstraint(
                condition=Q(location_type__in=LocationType.values),
                name="directory_location_type",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True)
                | Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="directory_location_point_valid",
            ),
        ]

    def __str__(self):
        return self.name or self.id


class Address(OrukRecord):
    id = _id()
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(_("for the attention of"), max_length=255, blank=True)
    address_1 = models.CharField(_("address"), max_length=255)
    city = models.CharField(_("town or city"), max_length=255)
    region = models.CharField(_("region"), max_length=255, blank=True)
    state_province = models.CharField(_("county"), max_length=255)
    postal_code = models.CharField(_("postcode"), max_length=20)
    country = models.CharField(_("country"), max_length=2)
    address_type = models.CharField(
        _("type"), max_length=10, choices=AddressType.choices, default=AddressType.PHYSICAL
    )

    class Meta:
        ordering = ["id"]


class Accessibility(OrukRecord):
    id = _id()
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="accessibility")
    description = models.TextField(_("description"), blank=True)
    details = models.TextField(_("details"), blank=True)
    url = models.URLField(_("web address"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = _("accessibility")


class ServiceAtLocation(OrukRecord):
    id = _id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="locations_at")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="services_at")

    class Meta:
        ordering = ["id"]
        verbose_name = _("service at location")
        verbose_name_plural = _("services at locations")


class Contact(OrukRecord):
    id = _id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=255, blank=True)
    title = models.CharField(_("job title"), max_length=255, blank=True)

    class Meta:
        ordering = ["id"]


class Phone(OrukRecord):
    id = _id()
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(_("number"), max_length=50)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["id"]


class Language(OrukRecord):
    """A language a service (or a phone line) is delivered in. The UK profile carries only the
    links; ``name`` and ``code`` (HSDS 3.0's own fields) say which language."""

    id = _id()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    phone = models.ForeignKey(
        Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages"
    )
    name = models.CharField(_("language"), max_length=100, blank=True)
    code = models.CharField(_("language code"), max_length=20, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(phone__isnull=False),
                name="directory_language_linked",
            )
        ]


class Schedule(OrukRecord):
    """Opening times as an RFC 5545 recurrence (weekly on ``byday``, or monthly)."""

    id = _id()
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules"
    )
    service_at_location = models.ForeignKey(
        ServiceAtLocation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="schedules",
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    dtstart = models.DateField(_("first date"), null=True, blank=True)
    freq = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, blank=True)
    interval = models.PositiveSmallIntegerField(_("interval"), null=True, blank=True)
    byday = models.CharField(_("days"), max_length=50, blank=True)
    bymonthday = models.CharField(_("days of the month"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    schedule_link = models.URLField(_("web address"), max_length=500, blank=True)
    attending_type = models.CharField(_("how to attend"), max_length=255, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(service__isnull=False) | Q(service_at_location__isnull=False),
                name="directory_schedule_linked",
            )
        ]


class CostOption(OrukRecord):
    id = _id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="cost_options")
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    option = models.CharField(_("who it applies to"), max_length=255, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2, null=True)
    amount_description = models.CharField(_("amount description"), max_length=255, blank=True)

    class Meta:
        ordering = ["id"]


class Funding(OrukRecord):
    id = _id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="funding")
    source = models.TextField(_("source"), blank=True)

    class Meta:
        ordering = ["id"]


class ServiceArea(OrukRecord):
    id = _id()
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_areas")
    name = models.TextField(_("name"), blank=True)
    extent = models.TextField(_("extent"), blank=True)
    extent_type = models.CharField(_("extent type"), max_length=50, blank=True)
    uri = models.URLField(_("web address"), max_length=500, blank=True)

    class Meta:
        ordering = ["id"]


class LinkEntity(models.TextChoices):
    SERVICE = "service", _("Service")
    ORGANIZATION = "organization", _("Organisation")
    LOCATION = "location", _("Location")
    CONTACT = "contact", _("Contact")
    OTHER = "other", _("Other")


class Attribute(OrukRecord):
    """A taxonomy term attached to any record (``link_id``): categories, eligibility and the
    like. ``link_entity`` says which table ``link_id`` is in, so a search by term reads one
    index."""

    id = _id()
    link_id = models.CharField(_("linked record"), max_length=ID_LENGTH)
    link_entity = models.CharField(
        _("linked table"), max_length=20, choices=LinkEntity.choices, default=LinkEntity.SERVICE
    )
    link_type = models.CharField(_("link type"), max_length=100, blank=True)
    taxonomy_term = models.ForeignKey(
        TaxonomyTerm, on_delete=models.CASCADE, related_name="attributes"
    )

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["link_entity", "link_id"], name="dir_attribute_link"),
            models.Index(fields=["taxonomy_term", "link_entity"], name="dir_attribute_term"),
        ]


class ListingEventKind(models.TextChoices):
    IMPORTED = "imported", _("Imported")
    UPDATED = "updated", _("Updated by import")
    CREATED = "created", _("Created")
    EDITED = "edited", _("Edited")
    CHECKED = "checked", _("Confirmed as up to date")
    CHANGE_SUBMITTED = "change_submitted", _("Change submitted for review")
    CHANGE_APPROVED = "change_approved", _("Change approved")
    CHANGE_REJECTED = "change_rejected", _("Change rejected")
    CLAIMED = "claimed", _("Claimed by the organisation")
    REMINDED = "reminded", _("Reminder sent")


class ListingEvent(models.Model):
    """The append-only history of a listing: who did what, when, with the record as it was
    after the change (``snapshot``, the ORUK JSON) so any two versions can be compared."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(max_length=20, choices=ListingEventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ListingEventKind.values), name="directory_event_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"


class ReviewState(models.TextChoices):
    PENDING = "pending", _("Waiting for the council")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ClaimMethod(models.TextChoices):
    EMAIL_DOMAIN = "email_domain", _("Verified email address at the organisation's domain")
    COUNCIL = "council", _("Approved by the council")


class ListingClaim(models.Model):
    """A person who may keep an organisation's listings current: approved straight away when
    their verified email address is at the organisation's own domain, else by the council."""

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE)
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listing_claims"
    )
    # Why: to check the person works for the organisation, and to send them reminders.
    email = models.EmailField(_("email address"))
    role = models.CharField(_("your role at the organisation"), max_length=200)
    method = models.CharField(max_length=20, choices=ClaimMethod.choices)
    state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="directory_one_claim_per_person"
            ),
            models.CheckConstraint(
                condition=Q(state__in=ReviewState.values), name="directory_claim_state"
            ),
        ]

    def __str__(self):
        return f"{self.email} for {self.organization}"


class ListingChange(models.Model):
    """Changes an organisation proposes to one of its listings, applied only when the council
    approves them. ``proposed`` holds the new values of the fields in ``EDITABLE_FIELDS``."""

    EDITABLE_FIELDS = ("name", "description", "url", "email", "fees", "alert")

    council = models.ForeignKey("councils.Council", on_delete=models.CASCADE)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="changes")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed = models.JSONField()
    note = models.TextField(_("note for the council"), blank=True)
    state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=ReviewState.values), name="directory_change_state"
            )
        ]

    def __str__(self):
        return f"Change to {self.service}"
