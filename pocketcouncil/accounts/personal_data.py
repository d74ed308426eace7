"""The personal data register: every model holding personal data says what, why, and how to
export and anonymise it. Any app adds its models (in its ``AppConfig.ready``):

    from pocketcouncil.accounts import personal_data

    personal_data.register(
        Case,
        owner="resident",                      # the field pointing at the person
        fields={"description": _("So the council can deal with your report.")},
        anonymise=lambda qs: qs.update(description=""),
        title=_("Your reports"),
    )

The profile page lists every registered item with its purpose, and the (later) privacy app
uses ``export_for`` and ``anonymise_for`` for subject access requests and erasure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Entry:
    model: type[models.Model]
    owner: str
    fields: dict[str, str]
    title: str
    anonymise: Callable[[models.QuerySet], object]
    # Columns that are not personal data (keys, timestamps, flags derived from other fields).
    technical: frozenset[str] = frozenset()

    def queryset_for(self, user) -> models.QuerySet:
        return self.model._default_manager.filter(**{self.owner: user.pk})


_REGISTRY: dict[str, Entry] = {}


def register(
    model: type[models.Model],
    *,
    owner: str,
    fields: dict[str, str],
    title: str,
    anonymise: Callable[[models.QuerySet], object],
    technical: set[str] | frozenset[str] = frozenset(),
) -> None:
    for name in fields:
        model._meta.get_field(name)  # fails loudly on a typo
    _REGISTRY[model._meta.label] = Entry(
        model=model,
        owner=owner,
        fields=dict(fields),
        title=title,
        anonymise=anonymise,
        technical=frozenset(technical),
    )


def entries() -> list[Entry]:
    return list(_REGISTRY.values())


def export_for(user) -> dict[str, list[dict]]:
    """Every registered item held about ``user``, as plain values (for a subject access request)."""
    result = {}
    for entry in entries():
        rows = entry.queryset_for(user).values(*entry.fields)
        result[entry.model._meta.label] = [
            {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}
            for row in rows
        ]
    return result


def anonymise_for(user) -> None:
    """Remove or blank everything registered about ``user`` (each app decides how)."""
    for entry in entries():
        entry.anonymise(entry.queryset_for(user))


def _anonymise_users(queryset) -> None:
    for pk in list(queryset.values_list("pk", flat=True)):
        queryset.model.objects.filter(pk=pk).update(
            email=f"removed-{pk}@invalid",
            full_name="",
            preferred_language="",
            is_active=False,
        )


def register_accounts() -> None:
    from pocketcouncil.accounts.models import (
        AccountEvent,
        AssistedSession,
        ChannelPreference,
        Interest,
        LevelRecord,
        MobileCode,
        Place,
        Profile,
        User,
    )

    register(
        User,
        owner="pk",
        title=_("Your account"),
        fields={
            "email": User._meta.get_field("email").help_text,
            "full_name": User._meta.get_field("full_name").help_text,
            "preferred_language": User._meta.get_field("preferred_language").help_text,
            "last_login": _("Why we hold it: to show you when your account was last used."),
            "date_joined": _("Why we hold it: to show you when you created your account."),
        },
        anonymise=_anonymise_users,
        technical={
            "id",
            "password",
            "is_staff",
            "is_active",
            "is_superuser",
            "groups",
            "user_permissions",
        },
    )
    register(
        Profile,
        owner="user",
        title=_("Checks and contact details"),
        fields={
            "mobile": Profile._meta.get_field("mobile").help_text,
            "mobile_verified_at": _("Why we hold it: to know your mobile number was checked."),
            "identity_verified_at": _("Why we hold it: to know when your identity was checked."),
            "identity_method": _("Why we hold it: to know how your identity was checked."),
            "identity_verified_by": _(
                "Why we hold it: to know which member of staff checked your identity."
            ),
            "identity_evidence": Profile._meta.get_field("identity_evidence").help_text,
        },
        anonymise=lambda qs: qs.delete(),
        technical={"user", "updated_at"},
    )
    register(
        Place,
        owner="user",
        title=_("Your places"),
        fields={
            "kind": _("Why we hold it: to know which place is your home."),
            "name": Place._meta.get_field("name").help_text,
            "address": Place._meta.get_field("address").help_text,
            "postcode": Place._meta.get_field("postcode").help_text,
            "longitude": _("Why we hold it: the map point of your postcode, to find your council."),
            "latitude": _("Why we hold it: the map point of your postcode, to find your council."),
            "in_council_area_at": _(
                "Why we hold it: to show when we found your home inside a council's area "
                "(needed for level 2)."
            ),
        },
        anonymise=lambda qs: qs.delete(),
        technical={"id", "user", "created_at", "updated_at"},
    )
    register(
        Interest,
        owner="user",
        title=_("Topics you follow"),
        fields={"topic": Interest._meta.get_field("topic").help_text},
        anonymise=lambda qs: qs.delete(),
        technical={"id", "user", "created_at"},
    )
    register(
        ChannelPreference,
        owner="user",
        title=_("How we contact you"),
        fields={
            "channel": _("Why we hold it: to know which way of contacting you this is about."),
            "enabled": ChannelPreference._meta.get_field("enabled").help_text,
        },
        anonymise=lambda qs: qs.delete(),
        technical={"id", "user", "updated_at"},
    )
    register(
        LevelRecord,
        owner="user",
        title=_("How sure we are it is you"),
        fields={
            "level": _("Why we hold it: services that need more certainty check your level."),
            "method": _("Why we hold it: to show how each level was reached."),
            "reached_at": _("Why we hold it: to show when each level was reached."),
            "verified_by": _("Why we hold it: to show which member of staff checked you."),
            "lost_at": _("Why we hold it: to show when a level was lost."),
            "lost_reason": _("Why we hold it: to show why a level was lost."),
        },
        anonymise=lambda qs: qs.delete(),
        technical={"id", "user"},
    )
    register(
        MobileCode,
        owner="user",
        title=_("Codes sent to check your mobile"),
        fields={
            "mobile": _("Why we hold it: the number a checking code was sent to."),
            "created_at": _("Why we hold it: codes stop working after a few minutes."),
        },
        anonymise=lambda qs: qs.delete(),
        technical={"id", "user", "code_hash", "expires_at", "attempts", "used_at"},
    )
    register(
        AssistedSession,
        owner="resident",
        title=_("When council staff helped you"),
        fields={
            "staff": _("Why we hold it: to show who acted for you."),
            "council": _("Why we hold it: to show which council helped you."),
            "reason": _("Why we hold it: to show why staff acted for you."),
            "started_at": _("Why we hold it: to show when staff acted for you."),
            "ended_at": _("Why we hold it: to show when staff stopped acting for you."),
        },
        anonymise=lambda qs: qs.update(reason=""),
        technical={"id", "resident"},
    )
    register(
        AccountEvent,
        owner="user",
        title=_("Activity on your account"),
        fields={
            "kind": _("Why we hold it: a record of changes to your account, for your security."),
            "actor": _("Why we hold it: to show who made each change (you, or staff for you)."),
            "council": _("Why we hold it: to show which council's staff made a change."),
            "detail": _("Why we hold it: what changed."),
            "created_at": _("Why we hold it: when it changed."),
        },
        anonymise=lambda qs: qs.delete(),
        technical={"id", "user"},
    )
    register_sign_in_data()


def _end_sessions(queryset) -> None:
    for session in queryset:
        session.end()


def register_sign_in_data() -> None:
    """allauth's tables hold personal data too: email addresses, sign-in sessions (IP address
    and browser), the identity provider's answer, and two-factor authenticators."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount
    from allauth.usersessions.models import UserSession

    register(
        EmailAddress,
        owner="user",
        title=_("Your email addresses"),
        fields={
            "email": _("Why we hold it: to sign you in and to send you updates you ask for."),
            "verified": _("Why we hold it: to know the address is yours (level 1)."),
            "primary": _("Why we hold it: to know which address to write to."),
        },
        anonymise=lambda qs: qs.delete(),
        technical={"id", "user"},
    )
    register(
        UserSession,
        owner="user",
        title=_("Where you are signed in"),
        fields={
            "ip": _("Why we hold it: so you can see where you are signed in and sign out there."),
            "user_agent": _("Why we hold it: to show which browser or phone each sign-in is."),
            "created_at": _("Why we hold it: to show when each sign-in started."),
            "last_seen_at": _("Why we hold it: to show when each sign-in was last used."),
        },
        anonymise=_end_sessions,
        technical={"id", "user", "session_key", "data"},
    )
    register(
        SocialAccount,
        owner="user",
        title=_("Identity provider accounts"),
        fields={
            "provider": _("Why we hold it: to know which identity provider checked you."),
            "uid": _("Why we hold it: to recognise you when you come back from the provider."),
            "extra_data": _(
                "Why we hold it: what the provider told us about you, to check your identity "
                "(level 3)."
            ),
            "last_login": _("Why we hold it: to show when you last used the provider."),
            "date_joined": _("Why we hold it: to show when you connected the provider."),
        },
        anonymise=lambda qs: qs.delete(),
        technical={"id", "user"},
    )
    register(
        Authenticator,
        owner="user",
        title=_("Two-factor authentication"),
        fields={
            "type": _("Why we hold it: to ask for the right kind of security code."),
            "created_at": _("Why we hold it: to show when you set it up."),
            "last_used_at": _("Why we hold it: to show when it was last used."),
        },
        anonymise=lambda qs: qs.delete(),
        technical={"id", "user", "data"},
    )
