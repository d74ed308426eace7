"""Demo accounts: a platform admin, staff in every role of every demo council, and residents.

Every demo account's email ends in ``@demo.pocketcouncil.example`` (a domain that can never
receive mail) and the demo password is documented in the README as demo-only. Every staff
account has an authenticator app set up with ``DEMO_TOTP_SECRET`` (documented in the README and
docs/accounts.md) so testers can pass the two-factor step that staff pages require. The loader
refuses to run in production.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password

from pocketcouncil.accounts.models import (
    LevelRecord,
    Place,
    PlaceKind,
    Profile,
    StaffRole,
    StaffRoleKind,
    User,
    VerificationMethod,
)
from pocketcouncil.core.demo_support import DemoReport, upsert
from pocketcouncil.councils.models import Council, Postcode, Team
from pocketcouncil.notify import actions as notify_actions

DEMO_DOMAIN = "demo.pocketcouncil.example"
DEMO_PASSWORD = "pocket-council-demo"  # noqa: S105 — demo-only, refused in production
# Base32 TOTP secret for every demo staff account. Demo-only: add it to an authenticator app
# (or run `oathtool --totp -b POCKETCOUNCILDEMOONLYTOTPSECRET2`) to get the six-digit code.
DEMO_TOTP_SECRET = "POCKETCOUNCILDEMOONLYTOTPSECRET2"  # noqa: S105
# When demo residents' checks "happened" (fixed, so loading again changes nothing).
DEMO_CHECKED_AT = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)

RESIDENTS = [
    ("amira.khan", "Amira Khan"),
    ("tom.evans", "Tom Evans"),
    ("grace.okafor", "Grace Okafor"),
    ("jan.kowalski", "Jan Kowalski"),
    ("margaret.hill", "Margaret Hill"),
]

# Residents who have already checked a mobile number (Ofcom drama range) and a home address,
# so testers can see a level 2 account without a phone.
LEVEL_TWO_RESIDENTS = {
    "amira.khan": ("+447700900101", "12 Cowley Road", "OX4 3BD"),
    "grace.okafor": ("+447700900103", "3 Park End Street", "OX1 1RX"),
}

# The team a demo case officer works in, per council.
CASE_OFFICER_TEAM = {
    "oxfordshire": "Highways",
    "oxford": "Street scene",
    "manchester": "Street scene",
}


@cache
def _demo_password_hash() -> str:
    return make_password(DEMO_PASSWORD)


def _user(email: str, full_name: str, report: DemoReport, **flags) -> User:
    values = {"full_name": full_name, "is_active": True, **flags}
    if not User.objects.filter(email=email).exists():
        report.created[User._meta.verbose_name_plural] += 1
        # Hash the demo password once, not once per account (hashing is slow on purpose).
        user = User.objects.create(email=email, password=_demo_password_hash(), **values)
    else:
        user = upsert(User, lookup={"email": email}, values=values, report=report)
    # A checked email address, so demo accounts can sign in by code straight away (level 1).
    upsert(
        EmailAddress,
        lookup={"user": user, "email": email},
        values={"verified": True, "primary": True},
        report=report,
    )
    _level(user, 1, VerificationMethod.EMAIL_CODE, report)
    return user


def _level(user: User, level: int, method: str, report: DemoReport) -> None:
    upsert(
        LevelRecord,
        lookup={"user": user, "level": level, "lost_at": None},
        values={"method": method, "reached_at": DEMO_CHECKED_AT},
        report=report,
    )


def _totp(user: User, report: DemoReport) -> None:
    # Not through upsert: allauth's Authenticator fails full_clean (last_used_at is null=True
    # without blank=True), so write it directly, still changing nothing on a second run.
    label = Authenticator._meta.verbose_name_plural
    data = {"secret": DEMO_TOTP_SECRET}
    found = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if found is None:
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data=data)
        report.created[label] += 1
    elif found.data != data:
        found.data = data
        found.save(update_fields=["data"])
        report.changed[label] += 1
    else:
        report.unchanged[label] += 1


def _level_two(user: User, mobile: str, address: str, postcode: str, report: DemoReport) -> None:
    upsert(
        Profile,
        lookup={"user": user},
        values={"mobile": mobile, "mobile_verified_at": DEMO_CHECKED_AT},
        report=report,
    )
    notify_actions.preferences_update(actor=None, user=user, sms_number=mobile)
    point = Postcode.objects.filter(postcode=postcode).first()
    if point is None:  # the postcode table is not loaded: leave this resident at level 1
        return
    upsert(
        Place,
        lookup={"user": user, "kind": PlaceKind.HOME},
        values={
            "name": "",
            "address": address,
            "postcode": postcode,
            "longitude": point.longitude,
            "latitude": point.latitude,
            "in_council_area_at": DEMO_CHECKED_AT,
        },
        report=report,
    )
    _level(user, 2, VerificationMethod.SMS_CODE, report)


def load(report: DemoReport) -> None:
    admin = _user(
        f"admin@{DEMO_DOMAIN}",
        "Demo platform admin",
        report,
        is_staff=True,
        is_superuser=True,
    )
    _totp(admin, report)
    for council in Council.objects.filter(is_demo=True).order_by("slug"):
        for role in StaffRoleKind:
            email = f"{role.value.replace('_', '-')}.{council.slug}@{DEMO_DOMAIN}"
            user = _user(
                email,
                f"{role.label} ({council.short_name})",
                report,
                is_staff=role == StaffRoleKind.COUNCIL_ADMIN,
                is_superuser=False,
            )
            _totp(user, report)
            team = None
            if role == StaffRoleKind.CASE_OFFICER:
                team = Team.objects.get(council=council, name=CASE_OFFICER_TEAM[council.slug])
            upsert(
                StaffRole,
                lookup={"user": user, "council": council, "role": role.value},
                values={"team": team},
                report=report,
            )
    for local, name in RESIDENTS:
        user = _user(f"{local}@{DEMO_DOMAIN}", name, report, is_staff=False, is_superuser=False)
        if local in LEVEL_TWO_RESIDENTS:
            _level_two(user, *LEVEL_TWO_RESIDENTS[local], report)
