"""Demo accounts: a platform admin, staff in every role of every demo council, and residents.

Every demo account's email ends in ``@demo.pocketcouncil.example`` (a domain that can never
receive mail) and the demo password is documented in the README as demo-only.
"""

from __future__ import annotations

from functools import cache

from django.contrib.auth.hashers import make_password

from pocketcouncil.accounts.models import StaffRole, StaffRoleKind, User
from pocketcouncil.core.demo_support import DemoReport, upsert
from pocketcouncil.councils.models import Council, Team

DEMO_DOMAIN = "demo.pocketcouncil.example"
DEMO_PASSWORD = "pocket-council-demo"  # noqa: S105 — demo-only, refused in production

RESIDENTS = [
    ("amira.khan", "Amira Khan"),
    ("tom.evans", "Tom Evans"),
    ("grace.okafor", "Grace Okafor"),
    ("jan.kowalski", "Jan Kowalski"),
    ("margaret.hill", "Margaret Hill"),
]

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
        return User.objects.create(email=email, password=_demo_password_hash(), **values)
    return upsert(User, lookup={"email": email}, values=values, report=report)


def load(report: DemoReport) -> None:
    _user(
        f"admin@{DEMO_DOMAIN}",
        "Demo platform admin",
        report,
        is_staff=True,
        is_superuser=True,
    )
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
        _user(f"{local}@{DEMO_DOMAIN}", name, report, is_staff=False, is_superuser=False)
