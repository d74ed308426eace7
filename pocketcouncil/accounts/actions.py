"""Every write to a person's account. Keyword-only arguments, an explicit ``actor``.

``actor`` is the person who did it: the resident, or a member of staff acting for them
(assisted digital) or checking their identity in person. Each action writes an
``AccountEvent`` (and ``LevelRecord`` rows when the assurance level changes) in the same
transaction. Actions that can change the level return a ``LevelChange``; the view rotates the
session key when ``changed`` is true.
"""

from __future__ import annotations

import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from pocketcouncil.accounts import levels, permissions, queries
from pocketcouncil.accounts.models import (
    AccountEvent,
    AccountEventKind,
    AssistedSession,
    Channel,
    ChannelPreference,
    IdentityMethod,
    Interest,
    LevelRecord,
    MobileCode,
    Place,
    PlaceKind,
    Profile,
    StaffRole,
    StaffRoleKind,
    Topic,
    User,
    VerificationMethod,
)
from pocketcouncil.councils import queries as councils


class AccountsError(Exception):
    """Base for errors shown to the person as a plain sentence (``str(error)``)."""


class MobileNumberInvalidError(AccountsError):
    pass


class MobileCodeWrongError(AccountsError):
    pass


class MobileCodeExpiredError(AccountsError):
    pass


class MobileCodeTooManyAttemptsError(AccountsError):
    pass


class PlaceOutsideCouncilsError(AccountsError):
    pass


class PlacePostcodeError(AccountsError):
    pass


class AssistedSessionNotAllowedError(AccountsError):
    pass


@dataclass(frozen=True)
class LevelChange:
    before: int
    after: int

    @property
    def changed(self) -> bool:
        return self.before != self.after

    @property
    def lowered(self) -> bool:
        return self.after < self.before


# --- helpers -------------------------------------------------------------------------------


def _event(user, kind, *, actor, detail="", council=None) -> AccountEvent:
    return AccountEvent.objects.create(
        user=user, actor=actor, kind=kind, detail=detail[:300], council=council
    )


def _profile_for_update(user: User) -> Profile:
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    return profile


def _method_for_level(level: int, user: User, step_method: str) -> tuple[str, User | None]:
    if level == 1:
        return VerificationMethod.EMAIL_CODE, None
    if level == 2:
        if step_method in (VerificationMethod.SMS_CODE, VerificationMethod.ADDRESS_IN_AREA):
            return step_method, None
        return VerificationMethod.ADDRESS_IN_AREA, None
    profile = queries.profile_get(user)
    if profile.identity_method == IdentityMethod.IN_PERSON:
        return VerificationMethod.IN_PERSON, profile.identity_verified_by
    return VerificationMethod.OIDC, None


def _record_level(user: User, before: int, *, actor, method: str, reason: str) -> LevelChange:
    """Compare the level now with ``before``; record levels reached or lost."""
    after = queries.level_for(user)
    now = timezone.now()
    if after > before:
        for level in range(before + 1, after + 1):
            level_method, verified_by = _method_for_level(level, user, method)
            LevelRecord.objects.filter(user=user, level=level, lost_at__isnull=True).update(
                lost_at=now, lost_reason="superseded"
            )
            LevelRecord.objects.create(
                user=user, level=level, method=level_method, reached_at=now, verified_by=verified_by
            )
        _event(
            user,
            AccountEventKind.LEVEL_RAISED,
            actor=actor,
            detail=f"Level {before} to level {after}: {reason}",
        )
    elif after < before:
        LevelRecord.objects.filter(user=user, level__gt=after, lost_at__isnull=True).update(
            lost_at=now, lost_reason=reason[:200]
        )
        _event(
            user,
            AccountEventKind.LEVEL_LOWERED,
            actor=actor,
            detail=f"Level {before} to level {after}: {reason}",
        )
    return LevelChange(before=before, after=after)


def level_after_removing(*, user: User, step: str) -> int:
    """The level the person would have without ``step`` (for the warning before removal)."""
    facts = queries.facts_for(user)
    without = levels.Facts(**{**facts.__dict__, step: False})
    return levels.level_from(without)


# --- email (allauth checks it; we record the level) ------------------------------------------


@transaction.atomic
def email_verified_record(*, user: User, actor: User) -> LevelChange:
    """Record the levels the person holds but has no record of yet, e.g. level 1 once allauth
    has checked their email address. Idempotent: called at every sign-in."""
    current = queries.level_for(user)
    reached = set(
        LevelRecord.objects.filter(user=user, lost_at__isnull=True).values_list("level", flat=True)
    )
    missing = [level for level in range(1, current + 1) if level not in reached]
    for level in missing:
        method, verified_by = _method_for_level(level, user, VerificationMethod.EMAIL_CODE)
        LevelRecord.objects.create(user=user, level=level, method=method, verified_by=verified_by)
    if not missing:
        return LevelChange(before=current, after=current)
    before = min(missing) - 1
    _event(
        user,
        AccountEventKind.LEVEL_RAISED,
        actor=actor,
        detail=f"Level {before} to level {current}: email address checked",
    )
    return LevelChange(before=before, after=current)


# --- mobile ----------------------------------------------------------------------------------

_UK_MOBILE = re.compile(r"\+447[0-9]{9}")  # ASCII digits: \d would match any script's digits


def mobile_normalise(text: str) -> str:
    """'07700 900123' -> '+447700900123'. Raises MobileNumberInvalidError."""
    compact = re.sub(r"[\s\-()]", "", text or "")
    if not compact:
        raise MobileNumberInvalidError(_("Enter your mobile number"))
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    if compact.startswith("07"):
        compact = "+44" + compact[1:]
    elif compact.startswith("447"):
        compact = "+" + compact
    if not _UK_MOBILE.fullmatch(compact):
        raise MobileNumberInvalidError(
            _("Enter a UK mobile number, like 07700 900 982 or +44 7700 900 982")
        )
    return compact


def _code_hash(code_row_user_id: int, mobile: str, code: str) -> str:
    return salted_hmac(
        "pocketcouncil.accounts.mobile_code", f"{code_row_user_id}:{mobile}:{code}"
    ).hexdigest()


@transaction.atomic
def mobile_code_send(*, user: User, mobile: str, actor: User) -> MobileCode:
    """Send a 6-digit code by text message to check ``mobile``. Earlier codes stop working.

    The message goes through the notification outbox in this transaction. Rate limits are
    applied by the caller (they are per request: account and IP address).
    """
    from pocketcouncil.notify import actions as notify_actions

    number = mobile_normalise(mobile)
    now = timezone.now()
    MobileCode.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    code = f"{secrets.randbelow(1_000_000):06d}"
    row = MobileCode.objects.create(
        user=user,
        mobile=number,
        code_hash=_code_hash(user.pk, number, code),
        created_at=now,
        expires_at=now + timedelta(seconds=settings.ACCOUNTS_SMS_CODE_TIMEOUT),
    )
    minutes = settings.ACCOUNTS_SMS_CODE_TIMEOUT // 60
    notify_actions.direct_message_send(
        channel="sms",
        to=number,
        subject="",
        body=_(
            "%(code)s is your Pocket Council code. It works for %(minutes)s minutes. "
            "Do not share it with anyone."
        )
        % {"code": code, "minutes": minutes},
        reason="accounts.mobile_verification",
    )
    return row


def mobile_verify(*, user: User, code: str, actor: User) -> LevelChange:
    """Check the code the person typed against the latest one sent. Raises a ``MobileCode*``
    error with a plain message when it is wrong, expired, or tried too often.

    A wrong try is counted in its own transaction, so raising the error does not undo it."""
    outcome = _mobile_verify(user=user, code=code, actor=actor)
    if isinstance(outcome, AccountsError):
        raise outcome
    return outcome


@transaction.atomic
def _mobile_verify(*, user: User, code: str, actor: User) -> LevelChange | AccountsError:
    now = timezone.now()
    row = (
        MobileCode.objects.select_for_update()
        .filter(user=user, used_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    if row is None or row.expires_at <= now:
        return MobileCodeExpiredError(_("That code has expired. Ask for a new code."))
    if row.attempts >= settings.ACCOUNTS_SMS_CODE_MAX_ATTEMPTS:
        return MobileCodeTooManyAttemptsError(
            _("That code was entered wrongly too many times. Ask for a new code.")
        )
    typed = re.sub(r"\s", "", code or "")
    if not hmac.compare_digest(row.code_hash, _code_hash(user.pk, row.mobile, typed)):
        MobileCode.objects.filter(pk=row.pk).update(attempts=models.F("attempts") + 1)
        return MobileCodeWrongError(
            _("That code is not right. Check the text message and try again.")
        )
    before = queries.level_for(user)
    row.used_at = now
    row.save(update_fields=["used_at"])
    profile = _profile_for_update(user)
    profile.mobile = row.mobile
    profile.mobile_verified_at = now
    profile.save(update_fields=["mobile", "mobile_verified_at", "updated_at"])
    _sms_number_share(user, row.mobile)
    _event(user, AccountEventKind.MOBILE_VERIFIED, actor=actor, detail=row.mobile)
    return _record_level(
        user, before, actor=actor, method=VerificationMethod.SMS_CODE, reason="mobile checked"
    )


def _sms_number_share(user: User, mobile: str) -> None:
    """Tell notify which number to text (or that there is none), in this transaction: text
    messages only ever go to the number the resident has checked."""
    from pocketcouncil.notify import actions as notify_actions

    notify_actions.preferences_update(actor=None, user=user, sms_number=mobile)


@transaction.atomic
def mobile_codes_purge(*, older_than: timedelta = timedelta(days=1)) -> int:
    """Delete text-message codes that stopped working more than ``older_than`` ago."""
    deleted, _by_model = MobileCode.objects.filter(
        expires_at__lt=timezone.now() - older_than
    ).delete()
    return deleted


@transaction.atomic
def mobile_remove(*, user: User, actor: User) -> LevelChange:
    before = queries.level_for(user)
    profile = _profile_for_update(user)
    profile.mobile = ""
    profile.mobile_verified_at = None
    profile.save(update_fields=["mobile", "mobile_verified_at", "updated_at"])
    ChannelPreference.objects.filter(user=user, channel=Channel.SMS).update(enabled=False)
    _sms_number_share(user, "")
    _event(user, AccountEventKind.MOBILE_REMOVED, actor=actor)
    return _record_level(
        user, before, actor=actor, method=VerificationMethod.SMS_CODE, reason="mobile removed"
    )


# --- places ----------------------------------------------------------------------------------


@transaction.atomic
def place_save(
    *,
    user: User,
    kind: str,
    address: str,
    postcode: str,
    actor: User,
    name: str = "",
    place: Place | None = None,
) -> tuple[Place, LevelChange]:
    """Add or change a place. A home must be inside an area a council on the platform serves
    (that is what makes it count towards level 2); a resident has at most one home."""
    if kind not in PlaceKind.values:
        raise ValueError(f"Unknown place kind {kind!r}")
    if place is not None and place.user_id != user.pk:
        raise PermissionError("That place belongs to someone else.")
    try:
        found = councils.postcode_get(postcode)
    except councils.PostcodeInvalidError:
        raise PlacePostcodeError(_("Enter a full postcode, like OX4 3BD")) from None
    except councils.PostcodeNotFoundError:
        raise PlacePostcodeError(
            _("We could not find the postcode %(postcode)s. Check it is right.")
            % {"postcode": councils.normalise_postcode(postcode)}
        ) from None
    in_area = bool(councils.areas_containing(lon=found.longitude, lat=found.latitude))
    if kind == PlaceKind.HOME and not in_area:
        raise PlaceOutsideCouncilsError(
            _(
                "%(postcode)s is not in an area served by a council on Pocket Council, so it "
                "cannot be your home address here."
            )
            % {"postcode": found.postcode}
        )
    before = queries.level_for(user)
    if place is None and kind == PlaceKind.HOME:
        place = Place.objects.select_for_update().filter(user=user, kind=PlaceKind.HOME).first()
    if place is None:
        place = Place(user=user)
    elif kind == PlaceKind.HOME and place.kind != PlaceKind.HOME:
        Place.objects.filter(user=user, kind=PlaceKind.HOME).exclude(pk=place.pk).update(
            kind=PlaceKind.OTHER
        )
    place.kind = kind
    place.name = name.strip()
    place.address = address.strip()
    place.postcode = found.postcode
    place.longitude = found.longitude
    place.latitude = found.latitude
    place.in_council_area_at = timezone.now() if in_area else None
    place.full_clean()
    place.save()
    _event(user, AccountEventKind.PLACE_SAVED, actor=actor, detail=f"{place}: {place.postcode}")
    change = _record_level(
        user,
        before,
        actor=actor,
        method=VerificationMethod.ADDRESS_IN_AREA,
        reason="home address saved" if kind == PlaceKind.HOME else "place saved",
    )
    return place, change


@transaction.atomic
def place_remove(*, place: Place, actor: User) -> LevelChange:
    user = place.user
    before = queries.level_for(user)
    label = f"{place}: {place.postcode}"
    place.delete()
    _event(user, AccountEventKind.PLACE_REMOVED, actor=actor, detail=label)
    return _record_level(
        user,
        before,
        actor=actor,
        method=VerificationMethod.ADDRESS_IN_AREA,
        reason="home address removed",
    )


# --- interests, channels, name ---------------------------------------------------------------

# Called with (user, topics just added) inside interests_set's transaction: the rewards app
# appends to it at ready() (turning on bin reminders); accounts imports none of the listeners.
INTERESTS_HOOKS: list = []


@transaction.atomic
def interests_set(*, user: User, topics: list[str], actor: User) -> list[str]:
    wanted = set(topics)
    unknown = wanted - set(Topic.values)
    if unknown:
        raise ValueError(f"Unknown topics: {sorted(unknown)}")
    Interest.objects.filter(user=user).exclude(topic__in=wanted).delete()
    have = set(Interest.objects.filter(user=user).values_list("topic", flat=True))
    Interest.objects.bulk_create([Interest(user=user, topic=t) for t in sorted(wanted - have)])
    for hook in INTERESTS_HOOKS:
        hook(user, wanted - have)
    _event(
        user,
        AccountEventKind.DETAILS_CHANGED,
        actor=actor,
        detail="Interests: " + (", ".join(sorted(wanted)) or "none"),
    )
    return sorted(wanted)


@transaction.atomic
def channel_preferences_set(*, user: User, preferences: dict[str, bool], actor: User) -> None:
    unknown = set(preferences) - set(Channel.values)
    if unknown:
        raise ValueError(f"Unknown channels: {sorted(unknown)}")
    if preferences.get(Channel.SMS) and queries.verified_mobile_for(user) is None:
        raise AccountsError(_("Add and check a mobile number before choosing text messages."))
    for channel, enabled in preferences.items():
        ChannelPreference.objects.update_or_create(
            user=user, channel=channel, defaults={"enabled": bool(enabled)}
        )
    _event(
        user,
        AccountEventKind.DETAILS_CHANGED,
        actor=actor,
        detail="Channels: "
        + ", ".join(f"{c}={'on' if v else 'off'}" for c, v in preferences.items()),
    )


@transaction.atomic
def full_name_update(*, user: User, full_name: str, actor: User) -> User:
    user.full_name = full_name.strip()
    user.full_clean(validate_unique=False, exclude=["password"])
    user.save(update_fields=["full_name"])
    _event(user, AccountEventKind.DETAILS_CHANGED, actor=actor, detail="Name changed")
    return user


# --- identity (level 3) ----------------------------------------------------------------------


@transaction.atomic
def identity_verify_in_person(
    *, resident: User, council, evidence: str, actor: User
) -> LevelChange:
    """A member of staff of ``council`` checked the resident's identity face to face."""
    permissions.require(actor, "accounts.verify_identity", council)
    if actor.pk == resident.pk:
        raise AssistedSessionNotAllowedError(_("Staff cannot check their own identity."))
    evidence = evidence.strip()
    if not evidence:
        raise AccountsError(_("Say which documents you checked"))
    before = queries.level_for(resident)
    profile = _profile_for_update(resident)
    profile.identity_verified_at = timezone.now()
    profile.identity_method = IdentityMethod.IN_PERSON
    profile.identity_verified_by = actor
    profile.identity_evidence = evidence[:300]
    profile.save()
    _event(
        resident,
        AccountEventKind.IDENTITY_VERIFIED,
        actor=actor,
        council=council,
        detail=f"In person: {evidence}",
    )
    return _record_level(
        resident,
        before,
        actor=actor,
        method=VerificationMethod.IN_PERSON,
        reason="identity checked in person",
    )


def oidc_identity_level(claims: dict, *, provider: str = ""):
    """The identity confidence the provider reports, read from ACCOUNTS_OIDC_IDENTITY_CLAIM.

    "vot" reads the claim itself; "<claim>#<inner>" reads ``inner`` from inside a signed JWT
    carried in ``claim`` (GOV.UK One Login's "coreIdentityJWT"), only once its signature,
    issuer, audience and subject are verified (``oidc.verified_identity_claims``)."""
    from pocketcouncil.accounts import oidc

    name = settings.ACCOUNTS_OIDC_IDENTITY_CLAIM
    if "#" in name:
        outer, inner = name.split("#", 1)
        verified = oidc.verified_identity_claims(
            claims.get(outer),
            audience=oidc.client_id_for(provider) if provider else None,
            subject=claims.get("sub"),
        )
        return verified.get(inner)
    return claims.get(name)


@transaction.atomic
def identity_verify_oidc(*, user: User, provider: str, claims: dict) -> LevelChange | None:
    """Record an identity check by the identity provider if its claims are strong enough."""
    level = oidc_identity_level(claims, provider=provider)
    values = level if isinstance(level, list) else [level]
    if not any(v in settings.ACCOUNTS_OIDC_IDENTITY_VALUES for v in values if v):
        return None
    before = queries.level_for(user)
    profile = _profile_for_update(user)
    profile.identity_verified_at = timezone.now()
    profile.identity_method = IdentityMethod.OIDC
    profile.identity_verified_by = None
    profile.identity_evidence = f"{provider}: {level}"[:300]
    profile.save()
    _event(user, AccountEventKind.IDENTITY_VERIFIED, actor=user, detail=profile.identity_evidence)
    return _record_level(
        user, before, actor=user, method=VerificationMethod.OIDC, reason="identity provider"
    )


@transaction.atomic
def identity_remove(*, user: User, actor: User) -> LevelChange:
    before = queries.level_for(user)
    profile = _profile_for_update(user)
    profile.identity_verified_at = None
    profile.identity_method = ""
    profile.identity_verified_by = None
    profile.identity_evidence = ""
    profile.save()
    _event(user, AccountEventKind.IDENTITY_REMOVED, actor=actor)
    return _record_level(
        user, before, actor=actor, method=VerificationMethod.OIDC, reason="identity check removed"
    )


# --- assisted digital ------------------------------------------------------------------------


@transaction.atomic
def assisted_session_start(*, resident: User, council, reason: str, actor: User) -> AssistedSession:
    """``actor`` (staff of ``council``) starts acting for ``resident``, who asked for help."""
    permissions.require(actor, "accounts.act_for_resident", council)
    if resident.pk == actor.pk:
        raise AssistedSessionNotAllowedError(_("You cannot act for yourself."))
    if not resident.is_active:
        raise AssistedSessionNotAllowedError(_("That account is closed."))
    if permissions.is_staff_member(resident) or resident.is_staff or resident.is_superuser:
        raise AssistedSessionNotAllowedError(
            _("You can only act for residents, not for other staff accounts.")
        )
    reason = reason.strip()
    if not reason:
        raise AssistedSessionNotAllowedError(_("Say why the resident asked for help"))
    now = timezone.now()
    AssistedSession.objects.filter(staff=actor, ended_at__isnull=True).update(ended_at=now)
    session = AssistedSession.objects.create(
        council=council, staff=actor, resident=resident, reason=reason[:300], started_at=now
    )
    _event(
        resident, AccountEventKind.ASSISTANCE_STARTED, actor=actor, council=council, detail=reason
    )
    return session


@transaction.atomic
def assisted_session_end(*, session: AssistedSession, actor: User) -> AssistedSession:
    if session.ended_at is None:
        session.ended_at = timezone.now()
        session.save(update_fields=["ended_at"])
        _event(
            session.resident,
            AccountEventKind.ASSISTANCE_ENDED,
            actor=actor,
            council=session.council,
        )
    return session


# --- staff roles -----------------------------------------------------------------------------


@transaction.atomic
def staff_role_grant(*, council, user: User, role: str, actor: User, team=None) -> StaffRole:
    """Give ``user`` a role in ``council`` (a council admin of that council does this)."""
    permissions.require(actor, "accounts.manage_roles", council)
    if role not in StaffRoleKind.values:
        raise AccountsError(_("Choose a role"))
    if team is not None and team.council_id != council.pk:
        raise AccountsError(_("Choose a team of this council"))
    if StaffRole.objects.filter(user=user, council=council, role=role).exists():
        raise AccountsError(
            _("%(name)s already has that role here.") % {"name": user.get_full_name()}
        )
    staff_role = StaffRole.objects.create(
        user=user, council=council, role=role, team=team, granted_by=actor
    )
    _event(user, AccountEventKind.ROLE_GRANTED, actor=actor, council=council, detail=role)
    return staff_role


@transaction.atomic
def staff_role_remove(*, staff_role: StaffRole, actor: User) -> None:
    permissions.require(actor, "accounts.manage_roles", staff_role.council)
    if staff_role.user_id == actor.pk and staff_role.role == StaffRoleKind.COUNCIL_ADMIN:
        raise AccountsError(
            _("You cannot remove your own council admin role. Ask another council admin.")
        )
    user, council, role = staff_role.user, staff_role.council, staff_role.role
    staff_role.delete()
    _event(user, AccountEventKind.ROLE_REMOVED, actor=actor, council=council, detail=role)


# --- sessions --------------------------------------------------------------------------------


@transaction.atomic
def sessions_end_all(*, user: User, actor: User) -> int:
    """Sign the person out on every device (the caller signs out the current request too)."""
    from allauth.usersessions.models import UserSession

    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    _event(user, AccountEventKind.SIGNED_OUT_EVERYWHERE, actor=actor, detail=f"{len(sessions)}")
    return len(sessions)


# --- language ------------------------------------------------------------------------------


class LanguageUnknownError(AccountsError):
    pass


@transaction.atomic
def preferred_language_set(*, user: User, language: str, actor: User) -> User:
    """Remember the language ``user`` chose (the toggle on every page, when signed in): pages
    and every notification use it."""
    if language not in dict(settings.LANGUAGES):
        raise LanguageUnknownError(_("Choose English or Welsh."))
    if user.preferred_language == language:
        return user
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    _event(user, AccountEventKind.LANGUAGE_CHOSEN, actor=actor, detail=language)
    return user
