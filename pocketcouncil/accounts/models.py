"""Residents and staff: one account for every council on the platform."""

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
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_case_insensitive")
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


class StaffRole(models.Model):
    """A role a person holds in one council. A person can hold roles in several councils."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="staff_roles")
    council = models.ForeignKey(
        "councils.Council", on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=StaffRoleKind.choices)
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
