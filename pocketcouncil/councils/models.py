"""Councils, the areas they serve, their teams, and who is responsible for what where.

England has two kinds of local government: unitary councils do everything, while in two-tier
areas a county council (roads, social care, schools, libraries) sits over district councils (bin
collection, housing, planning, council tax). Pocket Council routes by location and tier.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pocketcouncil.councils import geo

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # and six hex digits."))


class CouncilTier(models.TextChoices):
    COUNTY = "county", _("County council")
    DISTRICT = "district", _("District, borough or city council")
    UNITARY = "unitary", _("Unitary council")


class ServiceTier(models.TextChoices):
    """Which tier of a two-tier area provides a service. A unitary council provides both."""

    COUNTY = "county", _("County (roads, social care, schools, libraries)")
    DISTRICT = "district", _("District (bins, housing, planning, council tax)")


class AreaKind(models.TextChoices):
    COUNTY = "county", _("County")
    DISTRICT = "district", _("District")
    WARD = "ward", _("Ward")
    DIVISION = "division", _("Electoral division")
    PARISH = "parish", _("Parish")


# How specific each kind of area is: a parish rule beats a ward (or county electoral division)
# rule beats a district rule beats a county rule.
AREA_KIND_SPECIFICITY = {
    AreaKind.PARISH: 4,
    AreaKind.WARD: 3,
    AreaKind.DIVISION: 3,
    AreaKind.DISTRICT: 2,
    AreaKind.COUNTY: 1,
}
# The kinds that are a whole council's area rather than a part of it.
COUNCIL_AREA_KINDS = (AreaKind.DISTRICT, AreaKind.COUNTY)


def council_logo_path(instance, filename: str) -> str:
    """A new name for every upload, so browsers and caches never show an old logo."""
    return f"councils/{instance.slug}/logo-{secrets.token_hex(8)}.png"


class Council(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(
        _("short name"),
        max_length=60,
        unique=True,
        help_text=_("Used in web addresses and as the Open311 jurisdiction_id."),
    )
    tier = models.CharField(_("tier"), max_length=10, choices=CouncilTier.choices)
    gss_code = models.CharField(
        _("GSS code"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^[EWSN]\d{8}$", _("A GSS code looks like E07000178."))],
        help_text=_("The council's official code from the ONS, e.g. E07000178 for Oxford."),
    )
    upper_tier = models.ForeignKey(
        "self",
        verbose_name=_("county council above this one"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lower_tiers",
        help_text=_("Only for district councils in a two-tier area."),
    )
    is_demo = models.BooleanField(
        _("demonstration data"),
        default=False,
        help_text=_("Pages for a demo council say plainly that it is not a real service."),
    )
    brand_colour = models.CharField(
        _("brand colour"),
        max_length=7,
        default="#1d70b8",
        validators=[HEX_COLOUR],
        help_text=_("Header colour. White text must be readable on it (contrast 4.5:1 or more)."),
    )
    logo_text = models.CharField(
        _("logo text"), max_length=60, blank=True, help_text=_("Short name shown in the header.")
    )
    case_reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,4}$", _("Use 2 to 4 capital letters."))],
        help_text=_("Starts every case reference, e.g. OXF in OXF-26-000123."),
    )
    website = models.URLField(_("website"), blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    address = models.TextField(_("postal address"), blank=True)
    opening_hours = models.CharField(_("phone lines open"), max_length=200, blank=True)
    emergency_phone = models.CharField(
        _("out of hours emergency number"), max_length=40, blank=True
    )
    # --- set by the council's admin on the council settings page (issue 16) ---
    logo = models.ImageField(
        _("logo"),
        upload_to=council_logo_path,
        blank=True,
        help_text=_("Shown in the header beside the council's name. Stored as PNG."),
    )
    privacy_notice_url = models.URLField(
        _("privacy notice"),
        blank=True,
        help_text=_("The council's own privacy notice: what it does with residents' data."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__in=CouncilTier.values), name="council_tier_valid"
            ),
            models.CheckConstraint(
                condition=Q(brand_colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="council_brand_colour_hex",
            ),
            models.CheckConstraint(
                condition=Q(upper_tier__isnull=True) | Q(tier=CouncilTier.DISTRICT),
                name="council_only_districts_have_upper_tier",
            ),
            models.UniqueConstraint(
                fields=["gss_code"], condition=~Q(gss_code=""), name="council_gss_code_unique"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def short_name(self):
        return self.logo_text or self.name

    def provides(self, service_tier: str) -> bool:
        """Whether this council provides services of the given tier in its own area."""
        return self.tier == CouncilTier.UNITARY or self.tier == service_tier

    def clean(self):
        super().clean()
        if self.upper_tier_id and self.tier != CouncilTier.DISTRICT:
            raise ValidationError(
                {"upper_tier": _("Only a district council sits under a county council.")}
            )
        if self.upper_tier and self.upper_tier.tier != CouncilTier.COUNTY:
            raise ValidationError({"upper_tier": _("Choose a county council.")})
        if self.brand_colour and HEX_COLOUR.regex.match(self.brand_colour):
            ratio = white_text_contrast(self.brand_colour)
            if ratio < 4.5:
                raise ValidationError(
                    {
                        "brand_colour": _(
                            "White text on this colour has a contrast of %(ratio).1f:1. Choose a "
                            "darker colour (4.5:1 or more) so everyone can read the header."
                        )
                        % {"ratio": ratio}
                    }
                )


def white_text_contrast(hex_colour: str) -> float:
    """WCAG 2 contrast ratio of white text on ``hex_colour``."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


class BoundaryGeneration(models.Model):
    """One version of a council's boundaries, as MapIt keeps them: an import that changes the
    council's areas starts a generation, valid from a date. Areas it replaced or removed are
    kept, marked as retired in it, so a case still points at the ward it was reported in."""

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="boundary_generations"
    )
    number = models.PositiveIntegerField(_("generation"))
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source file"), max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council", "number"]
        verbose_name = _("boundary generation")
        verbose_name_plural = _("boundary generations")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "number"], name="boundary_generation_number_unique"
            )
        ]

    def __str__(self):
        return f"{self.council} generation {self.number} (from {self.valid_from:%d %B %Y})"


class Area(models.Model):
    """A polygon a council serves: its whole county or district, or one ward.

    The geometry is GeoJSON (WGS84 longitude/latitude) so any database can hold it; the bounding
    box columns let the database narrow a point lookup to a few candidates, and shapely makes the
    exact test. Official areas carry their GSS code (e.g. E05000439).
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=AreaKind.choices)
    gss_code = models.CharField(
        _("GSS code"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^[EWSN]\d{8}$", _("A GSS code looks like E05000439."))],
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    geometry = models.JSONField(_("boundary (GeoJSON geometry)"))
    min_lon = models.FloatField(editable=False)
    min_lat = models.FloatField(editable=False)
    max_lon = models.FloatField(editable=False)
    max_lat = models.FloatField(editable=False)
    geometry_key = models.CharField(max_length=24, editable=False)
    # Versions (MapIt's generations): the generation an area first appeared in (None: loaded
    # before generations, e.g. by the demo), and the one that replaced or removed it. Only
    # current areas (not retired) answer lookups; retired ones stay for the cases made in them.
    generation = models.ForeignKey(
        BoundaryGeneration,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="areas_added",
    )
    retired_in = models.ForeignKey(
        BoundaryGeneration,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="areas_retired",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["council", "kind", "name"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        constraints = [
            models.UniqueConstraint(
                fields=["council", "gss_code"],
                condition=~Q(gss_code="") & Q(retired_in__isnull=True),
                name="area_gss_code_unique_per_council",
            ),
            models.UniqueConstraint(
                fields=["council", "kind", "name"],
                condition=Q(retired_in__isnull=True),
                name="area_name_unique_per_council_and_kind",
            ),
            models.CheckConstraint(condition=Q(kind__in=AreaKind.values), name="area_kind_valid"),
            models.CheckConstraint(
                condition=Q(min_lon__lte=models.F("max_lon")) & Q(min_lat__lte=models.F("max_lat")),
                name="area_bbox_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="area_bbox"),
            models.Index(fields=["council", "kind", "retired_in"], name="area_current"),
            models.Index(fields=["gss_code"], name="area_gss_code"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The bounding box is derived from the geometry and must never disagree with it.
        shape = geo.parse_geometry(self.geometry)
        self.min_lon, self.min_lat, self.max_lon, self.max_lat = shape.bounds
        self.geometry_key = geo.geometry_key(self.geometry)
        if kwargs.get("update_fields") is not None and "geometry" in kwargs["update_fields"]:
            derived = {"min_lon", "min_lat", "max_lon", "max_lat", "geometry_key"}
            kwargs["update_fields"] = {*kwargs["update_fields"], *derived}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        try:
            geo.parse_geometry(self.geometry)
        except geo.GeometryInvalidError as error:
            raise ValidationError({"geometry": str(error)}) from None


class Team(models.Model):
    """A team inside a council that works cases (Highways, Waste, Environmental health...)."""

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("team email"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council", "name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "name"], name="team_name_unique_per_council")
        ]

    def __str__(self):
        return f"{self.name} ({self.council.short_name})"


class Responsibility(models.Model):
    """An exception to the tier rule: service ``lgsl`` inside ``area`` goes to ``council``.

    Without a row here, a service goes to the council of its tier at that point. Rows cover
    the real exceptions: a district doing the county's grass cutting under an agency
    agreement, a named team for one ward. The most specific area wins (ward over district over
    county).
    """

    council = models.ForeignKey(Council, on_delete=models.CASCADE, related_name="responsibilities")
    lgsl = models.PositiveIntegerField(
        _("LGSL code"), help_text=_("Local Government Service List number, e.g. 587 fly-tipping.")
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="responsibilities")
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="responsibilities"
    )
    note = models.CharField(_("why"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(fields=["lgsl", "area"], name="responsibility_one_per_area")
        ]

    def __str__(self):
        return f"LGSL {self.lgsl} in {self.area}: {self.council}"

    def clean(self):
        super().clean()
        if self.team_id and self.council_id and self.team.council_id != self.council_id:
            raise ValidationError({"team": _("Choose a team of the responsible council.")})


class Postcode(models.Model):
    """A postcode's centre point (reference data shared by all councils)."""

    postcode = models.CharField(max_length=8, unique=True, help_text="Normalised: 'OX4 3BD'.")
    latitude = models.FloatField()
    longitude = models.FloatField()

    class Meta:
        ordering = ["postcode"]

    def __str__(self):
        return self.postcode


class CouncilAuditAction(models.TextChoices):
    COUNCIL_ADDED = "council_added", _("Council added")
    COUNCIL_CHANGED = "council_changed", _("Council changed")
    BOUNDARIES_IMPORTED = "boundaries_imported", _("Boundaries imported")
    POSTCODES_IMPORTED = "postcodes_imported", _("Postcodes imported")


class CouncilAuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("Council audit entries are never changed.")

    def delete(self):
        raise TypeError("Council audit entries are never deleted.")


class CouncilAuditEntry(models.Model):
    """One change made by a ``councils`` action: who, what, when, and the values before and
    after. Append-only: rows are added in the same transaction as the change and never edited
    or deleted (the queryset and the model refuse)."""

    council = models.ForeignKey(
        Council, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    action = models.CharField(_("what"), max_length=40, choices=CouncilAuditAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the platform itself (a management command run by an operator)."),
    )
    actor_label = models.CharField(
        _("who, as text"),
        max_length=200,
        help_text=_("The person's email address, or the command that made the change."),
    )
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = CouncilAuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("council audit entry")
        verbose_name_plural = _("council audit entries")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=CouncilAuditAction.values),
                name="council_audit_action_valid",
            )
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_action_display()} ({self.actor_label})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Council audit entries are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Council audit entries are never deleted.")
