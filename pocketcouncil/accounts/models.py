"""Residents and staff: one account for every council on the platform."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An account needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Email is the identifier; passwords are optional."""

    email = models.EmailField(
        _("email address"),
        unique=True,
        help_text=_("Why we hold it: to sign you in and to send you updates you ask for."),
    )
    full_name = models.CharField(
        _("full name"),
        max_length=200,
        blank=True,
        help_text=_("Why we hold it: so staff know what to call you. Never shown publicly."),
    )
    is_staff = models.BooleanField(
        _("can open Django admin"),
        default=False,
        help_text=_("Council roles give access to staff pages; this only opens /admin/."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_(
            "Why we hold it: to show pages and send messages in the language you chose. "
            "Empty until you choose."
        ),
    )
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_case_insensitive"),
            models.CheckConstraint(
                condition=models.Q(preferred_language__in=["", *dict(settings.LANGUAGES)]),
                name="user_preferred_language_valid",
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name or self.email).split()[0]


class StaffRoleKind(models.TextChoices):
    COUNCIL_ADMIN = "council_admin", _("Council admin")
    SERVICE_MANAGER = "service_manager", _("Service manager")
    CASE_OFFICER = "case_officer", _("Case officer")
    MODERATOR = "moderator", _("Moderator")
    PARTNER_VIEWER = "partner_viewer", _("Partner viewer")
    DATA_PROTECTION_OFFICER = "data_protection_officer", _("Data protection officer")
    CONTACT_CENTRE = "contact_centre", _("Contact centre adviser")


class StaffRole(models.Model):
    """A role a person holds in one council. A person can hold roles in several councils."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(_("role"), max_length=30, choices=StaffRoleKind.choices)
    team = models.ForeignKey(
        "councils.Team",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="staff_roles",
        help_text=_("The team whose queue a case officer works, if any."),
    )
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "council", "role"], name="staff_role_unique_per_council"
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=StaffRoleKind.values), name="staff_role_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}, {self.council}"


# --- Assurance: how sure we are who a resident is (docs/accounts.md) -----------------------


class AssuranceLevel(models.IntegerChoices):
    ANONYMOUS = 0, _("Level 0: not signed in")
    EMAIL = 1, _("Level 1: email address checked")
    MOBILE_AND_ADDRESS = 2, _("Level 2: mobile number and home address checked")
    IDENTITY = 3, _("Level 3: identity checked")


class VerificationMethod(models.TextChoices):
    EMAIL_CODE = "email_code", _("code sent by email")
    SMS_CODE = "sms_code", _("code sent by text message")
    ADDRESS_IN_AREA = "address_in_area", _("home address inside a council area")
    OIDC = "oidc", _("identity provider")
    IN_PERSON = "in_person", _("checked in person by council staff")


class IdentityMethod(models.TextChoices):
    OIDC = "oidc", _("identity provider")
    IN_PERSON = "in_person", _("checked in person by council staff")


class Profile(models.Model):
    """What a resident has told us beyond their email address, and what we have checked."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    mobile = models.CharField(
        _("mobile number"),
        max_length=16,
        blank=True,
        help_text=_(
            "Why we hold it: to send you text messages you ask for, and to check it is you "
            "before you use services that need more certainty (level 2)."
        ),
    )
    mobile_verified_at = models.DateTimeField(_("mobile number checked"), null=True, blank=True)
    identity_verified_at = models.DateTimeField(_("identity checked"), null=True, blank=True)
    identity_method = models.CharField(
        _("how your identity was checked"),
        max_length=12,
        choices=IdentityMethod.choices,
        blank=True,
    )
    identity_verified_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("identity checked by"),
    )
    identity_evidence = models.CharField(
        _("identity check details"),
        max_length=300,
        blank=True,
        help_text=_(
            "Why we hold it: to show how your identity was checked, for services that need it "
            "(level 3). We never keep copies of documents."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(mobile_verified_at__isnull=True) | ~models.Q(mobile=""),
                name="profile_verified_mobile_not_blank",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(identity_verified_at__isnull=True, identity_method="")
                    | models.Q(
                        identity_verified_at__isnull=False,
                        identity_method__in=IdentityMethod.values,
                    )
                ),
                name="profile_identity_method_with_date",
            ),
        ]

    def __str__(self):
        return f"Profile of {self.user}"


class PlaceKind(models.TextChoices):
    HOME = "home", _("Home")
    OTHER = "other", _("Other place")


class Place(models.Model):
    """A place a resident cares about: their home, or somewhere else (work, a relative's)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="places")
    kind = models.CharField(_("kind"), max_length=10, choices=PlaceKind.choices)
    name = models.CharField(
        _("name"),
        max_length=60,
        blank=True,
        help_text=_("Why we hold it: so you can tell your places apart, like Work or Mum's."),
    )
    address = models.CharField(
        _("address"),
        max_length=200,
        help_text=_(
            "Why we hold it: so services and news for this place reach you, and (for your home) "
            "to check you live in an area a council on Pocket Council serves."
        ),
    )
    postcode = models.CharField(
        _("postcode"),
        max_length=8,
        help_text=_("Why we hold it: the postcode tells us which councils and ward serve you."),
    )
    longitude = models.FloatField(editable=False)
    latitude = models.FloatField(editable=False)
    in_council_area_at = models.DateTimeField(
        _("checked inside a council area"),
        null=True,
        blank=True,
        help_text=_("When we found the postcode inside an area a council on the platform serves."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind", "name", "pk"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(kind="home"),
                name="place_one_home_per_user",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=PlaceKind.values), name="place_kind_valid"
            ),
        ]

    def __str__(self):
        return self.name or self.get_kind_display()


class Topic(models.TextChoices):
    BINS = "bins", _("Bins and recycling")
    ROADS = "roads", _("Roads and transport")
    PARKING = "parking", _("Parking")
    HOUSING = "housing", _("Housing")
    PLANNING = "planning", _("Planning")
    PARKS = "parks", _("Parks and open spaces")
    LIBRARIES = "libraries", _("Libraries")
    COMMUNITY_SAFETY = "community_safety", _("Community safety")
    CONSULTATIONS = "consultations", _("Consultations")
    COUNCIL_NEWS = "council_news", _("Council news")


class Interest(models.Model):
    """A topic a resident wants to hear about."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="interests")
    topic = models.CharField(
        _("topic"),
        max_length=20,
        choices=Topic.choices,
        help_text=_("Why we hold it: to show and send you news about things you care about."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "topic"]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [
            models.UniqueConstraint(fields=["user", "topic"], name="interest_unique_per_user"),
            models.CheckConstraint(condition=models.Q(topic__in=Topic.values), name="topic_valid"),
        ]

    def __str__(self):
        return self.get_topic_display()


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    PUSH = "push", _("Phone notification")
    IN_APP = "in_app", _("Messages on this website")


class ChannelPreference(models.Model):
    """Whether a resident wants messages through a channel. No row means the default."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="channel_preferences")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    enabled = models.BooleanField(
        _("send me messages this way"),
        help_text=_("Why we hold it: so we only contact you in the ways you chose."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "channel"]
        verbose_name = _("channel preference")
        verbose_name_plural = _("channel preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="channel_pref_unique"),
            models.CheckConstraint(
                condition=models.Q(channel__in=Channel.values), name="channel_pref_channel_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_channel_display()}: {'on' if self.enabled else 'off'}"


class MobileCode(models.Model):
    """A code sent by text message to check a mobile number. Only a keyed hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="mobile_codes")
    mobile = models.CharField(max_length=16)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mobile code")
        verbose_name_plural = _("mobile codes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="mobile_code_expires_after_creation",
            )
        ]

    def __str__(self):
        return f"Code for {self.mobile}"


class LevelRecord(models.Model):
    """When and how a resident reached an assurance level, and when they lost it, if ever."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="level_records")
    level = models.PositiveSmallIntegerField(_("level"), choices=AssuranceLevel.choices)
    method = models.CharField(_("how"), max_length=20, choices=VerificationMethod.choices)
    reached_at = models.DateTimeField(_("reached"), default=timezone.now)
    verified_by = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("checked by (staff)"),
    )
    lost_at = models.DateTimeField(_("lost"), null=True, blank=True)
    lost_reason = models.CharField(_("why it was lost"), max_length=200, blank=True)

    class Meta:
        ordering = ["user", "level", "-reached_at"]
        verbose_name = _("level record")
        verbose_name_plural = _("level records")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=3), name="level_record_level_1_to_3"
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=VerificationMethod.values),
                name="level_record_method_valid",
            ),
            # At most one current (not lost) record per level.
            models.UniqueConstraint(
                fields=["user", "level"],
                condition=models.Q(lost_at__isnull=True),
                name="level_record_one_current_per_level",
            ),
        ]

    def __str__(self):
        return f"{self.user}: level {self.level} by {self.get_method_display()}"


class AccountEventKind(models.TextChoices):
    LEVEL_RAISED = "level_raised", _("Assurance level raised")
    LEVEL_LOWERED = "level_lowered", _("Assurance level lowered")
    MOBILE_VERIFIED = "mobile_verified", _("Mobile number checked")
    MOBILE_REMOVED = "mobile_removed", _("Mobile number removed")
    PLACE_SAVED = "place_saved", _("Place saved")
    PLACE_REMOVED = "place_removed", _("Place removed")
    IDENTITY_VERIFIED = "identity_verified", _("Identity checked")
    IDENTITY_REMOVED = "identity_removed", _("Identity check removed")
    DETAILS_CHANGED = "details_changed", _("Details changed")
    ASSISTANCE_STARTED = "assistance_started", _("Staff started helping")
    ASSISTANCE_ENDED = "assistance_ended", _("Staff stopped helping")
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", _("Signed out everywhere")
    ROLE_GRANTED = "role_granted", _("Staff role given")
    ROLE_REMOVED = "role_removed", _("Staff role removed")
    LANGUAGE_CHOSEN = "language_chosen", _("Language chosen")


class AccountEvent(models.Model):
    """Audit trail of a person's account: what changed, who did it, and for which council.

    ``actor`` differs from ``user`` when a member of staff did it on the resident's behalf
    (assisted digital) or checked their identity in person.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_events")
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    council = models.ForeignKey(
        "councils.Council", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=AccountEventKind.choices)
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("account event")
        verbose_name_plural = _("account events")
        indexes = [models.Index(fields=["user", "-created_at"], name="account_event_user_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AccountEventKind.values),
                name="account_event_kind_valid",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.user})"

    @property
    def on_behalf(self) -> bool:
        return self.actor_id is not None and self.actor_id != self.user_id


class AssistedSession(models.Model):
    """A member of staff acting for a resident who asked for help (phone, front desk)."""

    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="assisted_sessions"
    )
    staff = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assisted_sessions")
    reason = models.CharField(
        _("why the resident asked for help"),
        max_length=300,
        help_text=_("For example: phoned, cannot use a smartphone; at the town hall desk."),
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("assisted session")
        verbose_name_plural = _("assisted sessions")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(staff=models.F("resident")),
                name="assisted_session_not_self",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__isnull=True)
                | models.Q(ended_at__gte=models.F("started_at")),
                name="assisted_session_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.staff} for {self.resident}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None
