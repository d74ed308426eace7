"""The service catalogue: what a council does, in residents' words, and how to ask for it.

The catalogue is national reference data keyed on the Local Government Service List (LGSL)
code, shared by every council on the platform (like postcodes): a council gets the whole
catalogue without copying it. What a council changes lives in ``CouncilService`` rows (hide a
service, override its wording, name the owning team), which ``queries`` resolves.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pocketcouncil.councils.models import Council, ServiceTier, Team


class Topic(models.TextChoices):
    """How residents browse the catalogue (a plain-English grouping, not the LGSL function)."""

    BINS = "bins", _("Bins, rubbish and recycling")
    STREETS = "streets", _("Roads, pavements and street lights")
    PARKING = "parking", _("Parking and travel")
    COUNCIL_TAX = "council-tax", _("Council tax and benefits")
    HOUSING = "housing", _("Housing")
    ENVIRONMENT = "environment", _("Noise, pests and pollution")
    PLANNING = "planning", _("Planning and building")
    LICENCES = "licences", _("Licences and permits")
    LEISURE = "leisure", _("Libraries, parks and leisure")
    EDUCATION = "education", _("Schools and children")
    CARE = "care", _("Social care and health")
    REGISTRATION = "registration", _("Births, deaths, marriages and voting")
    COMMUNITY = "community", _("Community safety and support")
    BUSINESS = "business", _("Business")
    OTHER = "other", _("Other council services")


class AssuranceLevel(models.IntegerChoices):
    """How sure we must be of who the resident is (see ARCHITECTURE.md)."""

    ANONYMOUS = 0, _("Anyone, without signing in")
    EMAIL = 1, _("Verified email address")
    PHONE_AND_ADDRESS = 2, _("Verified phone and address")
    IDENTITY = 3, _("Verified identity")


class Service(models.Model):
    """One service in the national catalogue, identified by its LGSL code."""

    lgsl = models.PositiveIntegerField(
        _("LGSL code"),
        unique=True,
        help_text=_("Local Government Service List number, e.g. 524 household waste collection."),
    )
    lgsl_label = models.CharField(_("LGSL label"), max_length=300)
    lgsl_description = models.TextField(_("LGSL description"), blank=True)
    name = models.CharField(
        _("name"), max_length=200, help_text=_("Plain English, as a resident would say it.")
    )
    summary = models.TextField(_("summary"), blank=True)
    synonyms = models.TextField(
        _("other words for it"),
        blank=True,
        help_text=_("One per line: everyday names and phrasings residents use, for search."),
    )
    eligibility = models.TextField(_("who can use it"), blank=True)
    how_to = models.TextField(
        _("how to (Markdown)"),
        blank=True,
        help_text=_("Markdown. HTML is removed when the page is shown."),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices, default=Topic.OTHER)
    tier = models.CharField(
        _("provided by"),
        max_length=10,
        choices=ServiceTier.choices,
        help_text=_("Which council of a two-tier area provides it. A unitary provides both."),
    )
    location_based = models.BooleanField(
        _("needs a location"), default=False, help_text=_("Reports about a place on a map.")
    )
    minimum_assurance_level = models.PositiveSmallIntegerField(
        _("minimum assurance level"),
        choices=AssuranceLevel.choices,
        default=AssuranceLevel.ANONYMOUS,
        validators=[MaxValueValidator(3)],
    )
    anonymous_allowed = models.BooleanField(_("anonymous reports allowed"), default=False)
    sla_working_days = models.PositiveSmallIntegerField(
        _("target (working days)"),
        null=True,
        blank=True,
        help_text=_("How many working days the council aims to take. Empty if none."),
    )
    team_name = models.CharField(
        _("owning team"),
        max_length=200,
        blank=True,
        help_text=_("The name of the council team that owns it, e.g. Waste and recycling."),
    )
    urgent_notice = models.TextField(
        _("urgent notice"),
        blank=True,
        help_text=_("Shown before the form, e.g. 'If anyone is in danger, call 999.'"),
    )
    online_reports_stopped = models.BooleanField(
        _("stop online reports"),
        default=False,
        help_text=_(
            "Only the urgent notice is shown and the online form is closed: residents are "
            "told to phone instead. Staff can still enter reports, and back-office systems "
            "can still send them through Open311."
        ),
    )
    curated = models.BooleanField(
        _("plain-English content written"),
        default=False,
        help_text=_("Hand-written summary, synonyms, form and FAQs (ranked higher in search)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(condition=Q(tier__in=ServiceTier.values), name="service_tier"),
            models.CheckConstraint(condition=Q(topic__in=Topic.values), name="service_topic"),
            models.CheckConstraint(
                condition=Q(minimum_assurance_level__lte=3), name="service_assurance_0_to_3"
            ),
            models.CheckConstraint(
                condition=Q(sla_working_days__isnull=True) | Q(sla_working_days__gte=1),
                name="service_sla_positive",
            ),
        ]

    def __str__(self):
        return f"{self.lgsl} {self.name}"

    def clean(self):
        super().clean()
        if self.online_reports_stopped and not self.urgent_notice.strip():
            raise ValidationError(
                {"urgent_notice": _("Write the urgent notice residents see instead of the form.")}
            )

    @property
    def synonym_list(self) -> list[str]:
        return [line.strip() for line in self.synonyms.splitlines() if line.strip()]


class AttributeDatatype(models.TextChoices):
    """The Open311 GeoReport v2 attribute datatypes."""

    STRING = "string", _("Short text")
    NUMBER = "number", _("Number")
    DATETIME = "datetime", _("Date and time")
    TEXT = "text", _("Long text")
    SINGLEVALUELIST = "singlevaluelist", _("Choose one")
    MULTIVALUELIST = "multivaluelist", _("Choose any")


LIST_DATATYPES = {AttributeDatatype.SINGLEVALUELIST, AttributeDatatype.MULTIVALUELIST}


class ServiceAttribute(models.Model):
    """One question of a service's online form (an Open311 attribute)."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    code = models.CharField(
        _("code"),
        max_length=50,
        validators=[RegexValidator(r"^[a-z][a-z0-9_]*$", _("Use lower case letters and _."))],
        help_text=_("Stable machine name, the Open311 attribute code."),
    )
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    datatype = models.CharField(_("answer type"), max_length=20, choices=AttributeDatatype.choices)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    values = models.JSONField(
        _("choices"),
        default=list,
        blank=True,
        help_text=_('For lists: [{"key": "...", "name": "..."}, ...]'),
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["service", "order", "code"]
        verbose_name = _("form question")
        verbose_name_plural = _("form questions")
        constraints = [
            models.UniqueConstraint(fields=["service", "code"], name="attribute_code_unique"),
            models.CheckConstraint(
                condition=Q(datatype__in=AttributeDatatype.values), name="attribute_datatype"
            ),
        ]

    def __str__(self):
        return f"{self.service.lgsl}: {self.label}"

    def clean(self):
        super().clean()
        is_list = self.datatype in LIST_DATATYPES
        values = self.values or []
        if is_list and not values:
            raise ValidationError({"values": _("A list question needs at least one choice.")})
        if not is_list and values:
            raise ValidationError({"values": _("Only list questions have choices.")})
        if not isinstance(values, list) or not all(
            isinstance(v, dict) and v.get("key") and v.get("name") for v in values
        ):
            raise ValidationError({"values": _('Each choice needs a "key" and a "name".')})
        keys = [v["key"] for v in values]
        if len(set(keys)) != len(keys):
            raise ValidationError({"values": _("Each choice needs a different key.")})


class ServiceFAQ(models.Model):
    """A question residents ask about a service, answered right in the search results."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["service", "order", "pk"]
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")
        constraints = [
            models.UniqueConstraint(fields=["service", "question"], name="faq_question_unique")
        ]

    def __str__(self):
        return self.question


class CouncilService(models.Model):
    """What one council changes about a catalogue service: hide it, reword it, name its team.

    Empty override fields mean "use the national wording". No row at all means the council
    offers the service as catalogued (if it provides that tier).
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="service_settings")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="council_settings")
    hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("This council does not offer it on Pocket Council.")
    )
    name = models.CharField(_("name"), max_length=200, null=True, blank=True)
    summary = models.TextField(_("summary"), null=True, blank=True)
    eligibility = models.TextField(_("who can use it"), null=True, blank=True)
    how_to = models.TextField(_("how to (Markdown)"), null=True, blank=True)
    team = models.ForeignKey(
        Team,
        verbose_name=_("owning team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="service_settings",
    )
    # Set by the council's admin on the "Your services" page (issue 16).
    website_url = models.URLField(
        _("page on the council's website"),
        max_length=500,
        blank=True,
        help_text=_("Where the council's own website describes this service."),
    )
    reports_on_council_site = models.BooleanField(
        _("reported on the council's own website"),
        default=False,
        help_text=_(
            "Residents are sent to the council's page to report or request it, instead of the "
            "form here."
        ),
    )
    # The council's own content beyond the wording above (edited on the staff pages, with a
    # version kept of each change: CouncilServiceVersion).
    faqs = models.JSONField(
        _("common questions"),
        null=True,
        blank=True,
        help_text=_(
            'The council\'s own questions and answers, [{"question": ..., "answer": ...}], in '
            "order. Empty means the national ones."
        ),
    )
    links = models.JSONField(
        _("related links"),
        default=list,
        blank=True,
        help_text=_('Shown on the service page: [{"text": ..., "url": ...}].'),
    )
    report_url = models.URLField(
        _("report on our site"),
        max_length=500,
        blank=True,
        help_text=_(
            "Empty: residents report here on Pocket Council. A web address: residents are sent "
            "to the council's own website to report it."
        ),
    )
    review_by = models.DateField(
        _("review by"),
        null=True,
        blank=True,
        help_text=_("When someone should check this content is still right."),
    )
    version = models.PositiveIntegerField(
        _("version"), default=0, help_text=_("The number of the latest saved version.")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when changed by the system (imports, demo data)."),
    )
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("council's service setting")
        verbose_name_plural = _("councils' service settings")
        constraints = [
            models.UniqueConstraint(fields=["council", "service"], name="council_service_unique"),
            models.CheckConstraint(condition=~Q(name=""), name="council_service_name_not_blank"),
            models.CheckConstraint(
                condition=Q(reports_on_council_site=False) | ~Q(website_url=""),
                name="council_service_elsewhere_has_url",
            ),
        ]

    def __str__(self):
        return f"{self.service} at {self.council}"

    def clean(self):
        super().clean()
        if self.team_id and self.council_id and self.team.council_id != self.council_id:
            raise ValidationError({"team": _("Choose a team of this council.")})
        if self.reports_on_council_site and not self.website_url:
            raise ValidationError(
                {
                    "website_url": _(
                        "Enter the page on your website where residents report or request this."
                    )
                }
            )


class CouncilServiceVersion(models.Model):
    """One saved version of a council's content for a service: the history, and the audit row.

    Append-only. ``content`` is the whole of the council's content after the change (the
    ``CONTENT_FIELDS`` of ``actions``), so any version can be shown or restored on its own.
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"), default=dict)
    changed = models.JSONField(_("what changed (field names)"), default=list)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["council", "service", "-number"]
        verbose_name = _("version of a council's service content")
        verbose_name_plural = _("versions of councils' service content")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "service", "number"], name="council_service_version_unique"
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1), name="council_service_version_positive"
            ),
        ]

    def __str__(self):
        return f"{self.service} at {self.council}, version {self.number}"


class FrontDoorSearch(models.Model):
    """One search at the front door, kept so managers can see which needs it fails.

    No personal data: no user, session or IP address, and postcodes, email addresses and phone
    numbers are removed from the query text before it is stored (``actions``).
    """

    # Null only when the resident searched without any council context (no postcode, no council
    # page): such a search belongs to no council, and inventing one would skew its figures.
    council = models.ForeignKey(
        Council,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="front_door_searches",
    )
    query = models.CharField(_("what they typed (redacted)"), max_length=200)
    shown = models.JSONField(_("services shown (LGSL codes, best first)"), default=list)
    answer_shown = models.ForeignKey(
        ServiceFAQ, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    clicked_lgsl = models.PositiveIntegerField(_("service opened"), null=True, blank=True)
    answer_helped = models.BooleanField(_("the answer helped"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("front-door search")
        verbose_name_plural = _("front-door searches")

    def __str__(self):
        return self.query
