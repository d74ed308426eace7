"""Every write in ``councils``: adding a council, loading its boundaries and postcodes.

Each action takes keyword-only arguments and an explicit ``actor`` (a platform operator, or
None for the platform itself: a management command run by whoever operates the deployment),
runs in one transaction and writes a ``CouncilAuditEntry`` in that transaction.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pocketcouncil.councils.models import (
    Council,
    CouncilAuditAction,
    CouncilAuditEntry,
    CouncilTier,
)

COMMAND_LINE = "command line"

# Slugs are the Open311 jurisdiction_id and part of web addresses: lower case, digits, hyphens.
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_GSS = re.compile(r"^[EWSN]\d{8}$")


class CouncilAddError(ValueError):
    """The council cannot be added; the message says why in plain words."""


class CouncilSlugTakenError(CouncilAddError):
    """Another council already has this short name (Open311 jurisdiction_id)."""


class CouncilGssTakenError(CouncilAddError):
    """Another council already has this GSS code."""


def require_operator(actor) -> None:
    """Only a platform operator (a superuser) or the platform itself (``actor=None``: a
    management command) may add councils or load reference data."""
    if actor is None:
        return
    if not (getattr(actor, "is_active", False) and getattr(actor, "is_superuser", False)):
        raise PermissionDenied(_("Only a platform operator can do that."))


def actor_label(actor) -> str:
    if actor is None:
        return COMMAND_LINE
    return getattr(actor, "email", "") or str(actor)


def audit(
    *, council: Council | None, action: str, actor, before=None, after=None, note: str = ""
) -> CouncilAuditEntry:
    """Record one change (call inside the action's transaction)."""
    return CouncilAuditEntry.objects.create(
        council=council,
        action=action,
        actor=actor,
        actor_label=actor_label(actor)[:200],
        before=before or {},
        after=after or {},
        note=note,
    )


def council_snapshot(council: Council) -> dict:
    """The council's own settings as plain values, for the audit trail."""
    values = {}
    for field in Council._meta.concrete_fields:
        if field.name in ("id", "created_at", "updated_at"):
            continue
        value = getattr(council, field.attname)
        values[field.attname] = (
            value if value is None or isinstance(value, int | bool) else str(value)
        )
    return values


def _reference_prefix(slug: str) -> str:
    """A case reference prefix no other council has, from the slug's letters (OXF, MAN ...)."""
    letters = "".join(ch for ch in slug.upper() if ch.isalpha()) or "PC"
    letters = letters.ljust(3, "X")
    used = set(Council.objects.values_list("case_reference_prefix", flat=True))
    candidates = [letters[:3], letters[:4]]
    candidates += [letters[:2] + chr(65 + n) for n in range(26)]
    candidates += [letters[:3] + chr(65 + n) for n in range(26)]
    for candidate in candidates:
        if len(candidate) >= 2 and candidate not in used:
            return candidate
    raise CouncilAddError(_("Could not choose a case reference prefix; set one in the admin."))


@transaction.atomic
def council_add(
    *,
    slug: str,
    name: str,
    gss: str,
    tier: str,
    parent: Council | str | None = None,
    name_cy: str = "",
    actor,
) -> Council:
    """Add a council to the platform.

    ``slug`` is its short name in web addresses and its Open311 ``jurisdiction_id``; ``gss``
    its ONS code (E07000178); ``parent`` (a Council or its slug) the county above a district.
    Raises ``CouncilSlugTakenError`` or ``CouncilGssTakenError`` for a clash with another
    council, ``CouncilAddError`` for anything else wrong, each with a message saying what.
    """
    require_operator(actor)
    slug = (slug or "").strip()
    name = (name or "").strip()
    name_cy = (name_cy or "").strip()
    gss = (gss or "").strip().upper()
    if not _SLUG.match(slug) or len(slug) > 60:
        raise CouncilAddError(
            _(
                "The short name %(slug)r can only have lower-case letters, digits and hyphens "
                "(at most 60), for example south-oxfordshire. It is the council's Open311 "
                "jurisdiction_id and part of its web addresses."
            )
            % {"slug": slug}
        )
    if not name:
        raise CouncilAddError(_("Give the council's name."))
    if not _GSS.match(gss):
        raise CouncilAddError(
            _("%(gss)r is not a GSS code: it looks like E07000178 (a letter and 8 digits).")
            % {"gss": gss}
        )
    if tier not in CouncilTier.values:
        raise CouncilAddError(
            _("The tier must be one of: %(tiers)s.") % {"tiers": ", ".join(CouncilTier.values)}
        )
    existing = Council.objects.filter(slug=slug).first()
    if existing is not None:
        raise CouncilSlugTakenError(
            _(
                "The short name %(slug)s is already used by %(council)s. Slugs are Open311 "
                "jurisdiction_ids, so each council needs its own: choose another."
            )
            % {"slug": slug, "council": existing.name}
        )
    existing = Council.objects.filter(gss_code=gss).first()
    if existing is not None:
        raise CouncilGssTakenError(
            _("The GSS code %(gss)s already belongs to %(council)s (%(slug)s).")
            % {"gss": gss, "council": existing.name, "slug": existing.slug}
        )
    if Council.objects.filter(name_en_gb=name).exists():
        raise CouncilAddError(
            _("A council called %(name)s is already on the platform.") % {"name": name}
        )
    if name_cy and Council.objects.filter(name_cy=name_cy).exists():
        raise CouncilAddError(
            _("A council with the Welsh name %(name)s is already on the platform.")
            % {"name": name_cy}
        )
    upper_tier = None
    if parent:
        upper_tier = (
            parent if isinstance(parent, Council) else Council.objects.filter(slug=parent).first()
        )
        if upper_tier is None:
            raise CouncilAddError(
                _("There is no council with the short name %(slug)s.") % {"slug": parent}
            )
        if tier != CouncilTier.DISTRICT:
            raise CouncilAddError(_("Only a district council sits under a county council."))
        if upper_tier.tier != CouncilTier.COUNTY:
            raise CouncilAddError(
                _("%(council)s is not a county council, so it cannot be the council above.")
                % {"council": upper_tier.name}
            )
    council = Council(
        slug=slug,
        name=name,
        name_en_gb=name,
        name_cy=name_cy or None,
        gss_code=gss,
        tier=tier,
        upper_tier=upper_tier,
        case_reference_prefix=_reference_prefix(slug),
    )
    try:
        council.full_clean()
    except ValidationError as error:
        raise CouncilAddError(
            " ".join(m for ms in error.message_dict.values() for m in ms)
        ) from None
    council.save()
    audit(
        council=council,
        action=CouncilAuditAction.COUNCIL_ADDED,
        actor=actor,
        after=council_snapshot(council),
    )
    return council
