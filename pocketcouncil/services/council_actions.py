"""Writes to a council's own version of a service: its content (service managers) and its
settings (council admins). Each change saves a numbered ``CouncilServiceVersion`` in the same
transaction: the history staff see, the audit of who changed what, and what revert restores.

Kept apart from ``actions`` (the national catalogue and the front-door records) so the two can
change independently; ``actions.service_override_set`` stays the system's way (demo data,
imports) to set an override without a person and without a version.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.councils.models import Council, Team
from pocketcouncil.services.models import CouncilService, CouncilServiceVersion, Service

# The council's content, as saved in each version. Text fields: None means the national text.
TEXT_FIELDS = ["name", "summary", "eligibility", "how_to"]
CONTENT_FIELDS = [*TEXT_FIELDS, "faqs", "links", "report_url", "review_by"]
MAX_FAQS, MAX_LINKS = 20, 10


class ServiceContentError(ValueError):
    """A change that cannot be saved; the message is for the member of staff."""


def national_faqs(service: Service) -> list[dict]:
    return [
        {"question": f.question, "answer": f.answer} for f in service.faqs.order_by("order", "pk")
    ]


def content_of(setting: CouncilService | None) -> dict:
    """The council's content as stored in a version (JSON-friendly)."""
    if setting is None:
        return {
            **dict.fromkeys(TEXT_FIELDS),
            "faqs": None,
            "links": [],
            "report_url": "",
            "review_by": None,
        }
    return {
        **{name: getattr(setting, name) for name in TEXT_FIELDS},
        "faqs": setting.faqs,
        "links": list(setting.links or []),
        "report_url": setting.report_url or "",
        "review_by": setting.review_by.isoformat() if setting.review_by else None,
    }


def _normalise(*, service: Service, content: dict) -> dict:
    """What to store: national text and FAQs as None (so national updates still show)."""
    unknown = set(content) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown content fields: {', '.join(sorted(unknown))}")
    clean: dict = {}
    for name in TEXT_FIELDS:
        value = (content.get(name) or "").strip()
        clean[name] = value if value and value != getattr(service, name).strip() else None
    faqs = [
        {"question": f["question"].strip(), "answer": f["answer"].strip()}
        for f in content.get("faqs") or []
        if f.get("question", "").strip() or f.get("answer", "").strip()
    ]
    if any(not f["question"] or not f["answer"] for f in faqs):
        raise ServiceContentError(_("Each common question needs a question and an answer."))
    if len(faqs) > MAX_FAQS:
        raise ServiceContentError(_("Keep to %(n)s common questions or fewer.") % {"n": MAX_FAQS})
    if len({f["question"].lower() for f in faqs}) != len(faqs):
        raise ServiceContentError(_("Each common question must be different."))
    clean["faqs"] = None if content.get("faqs") is None or faqs == national_faqs(service) else faqs
    links = [
        {"text": link["text"].strip(), "url": link["url"].strip()}
        for link in content.get("links") or []
        if link.get("text", "").strip() or link.get("url", "").strip()
    ]
    if any(not link["text"] or not link["url"] for link in links):
        raise ServiceContentError(_("Each link needs its words and a web address."))
    if len(links) > MAX_LINKS:
        raise ServiceContentError(_("Keep to %(n)s links or fewer.") % {"n": MAX_LINKS})
    clean["links"] = links
    clean["report_url"] = (content.get("report_url") or "").strip()
    review_by = content.get("review_by")
    if isinstance(review_by, str):
        review_by = datetime.date.fromisoformat(review_by)
    clean["review_by"] = review_by.isoformat() if review_by else None
    return clean


def _check_offered(council: Council, service: Service) -> None:
    if not council.provides(service.tier):
        raise ServiceContentError(
            _("%(council)s does not provide %(service)s.")
            % {"council": council.name, "service": service.name}
        )


def _record(*, setting, actor, changed, note) -> CouncilServiceVersion:
    setting.version += 1
    setting.updated_by = actor
    setting.full_clean()
    setting.save()
    return CouncilServiceVersion.objects.create(
        council=setting.council,
        service=setting.service,
        number=setting.version,
        content=content_of(setting),
        changed=changed,
        note=note,
        created_by=actor,
    )


def _apply(*, council, service, actor, content: dict, note: str) -> CouncilServiceVersion:
    clean = _normalise(service=service, content=content)
    setting, _created = CouncilService.objects.select_for_update().get_or_create(
        council=council, service=service
    )
    before = content_of(setting)
    changed = [name for name in CONTENT_FIELDS if before[name] != clean[name]]
    if not changed:
        raise ServiceContentError(_("Nothing has changed."))
    for name in CONTENT_FIELDS:
        value = clean[name]
        if name == "review_by" and value:
            value = datetime.date.fromisoformat(value)
        setattr(setting, name, value)
    try:
        return _record(setting=setting, actor=actor, changed=changed, note=note)
    except ValidationError as error:
        raise ServiceContentError(" ".join(error.messages)) from None


@transaction.atomic
def council_service_content_save(
    *, council: Council, service: Service, actor, content: dict, note: str = ""
) -> CouncilServiceVersion:
    """Save the council's own version of a service's content as a new version.

    ``content`` has any of ``CONTENT_FIELDS``; a text equal to the national one, or empty, is
    stored as "use the national text", and FAQs equal to the national ones as "use the national
    FAQs". Raises ServiceContentError (nothing saved) when it is not valid or nothing changed,
    PermissionDenied unless ``actor`` may ``services.edit`` in ``council``.
    """
    permissions.require(actor, "services.edit", council)
    _check_offered(council, service)
    return _apply(
        council=council, service=service, actor=actor, content=content, note=note.strip()[:300]
    )


@transaction.atomic
def council_service_content_revert(
    *, council: Council, service: Service, actor, number: int
) -> CouncilServiceVersion:
    """Put back the content of an earlier version, saved as a new version (history is kept).

    ``number`` 0 means the national content (no council wording at all).
    """
    permissions.require(actor, "services.edit", council)
    _check_offered(council, service)
    if number == 0:
        content = content_of(None)
        note = _("Went back to the national content")
    else:
        version = CouncilServiceVersion.objects.filter(
            council=council, service=service, number=number
        ).first()
        if version is None:
            raise ServiceContentError(_("There is no version %(n)s.") % {"n": number})
        content = version.content
        note = _("Went back to version %(n)s") % {"n": number}
    return _apply(council=council, service=service, actor=actor, content=content, note=note)


@transaction.atomic
def council_service_settings_save(
    *, council: Council, service: Service, actor, hidden: bool, team: Team | None
) -> CouncilServiceVersion:
    """Hide or show a service for the council and name its owning team (council admins only).

    Saved as a version like a content change (the content is unchanged), so it is in the
    service's history with who did it.
    """
    permissions.require(actor, "services.configure", council)
    _check_offered(council, service)
    if team is not None and team.council_id != council.pk:
        raise ServiceContentError(_("Choose a team of this council."))
    setting, _created = CouncilService.objects.select_for_update().get_or_create(
        council=council, service=service
    )
    changed, notes = [], []
    if setting.hidden != hidden:
        changed.append("hidden")
        notes.append(_("Hidden from residents") if hidden else _("Shown to residents"))
    if setting.team_id != (team.pk if team else None):
        changed.append("team")
        notes.append(
            _("Owning team: %(team)s") % {"team": team.name}
            if team
            else _("Owning team: the team named in the national content")
        )
    if not changed:
        raise ServiceContentError(_("Nothing has changed."))
    setting.hidden, setting.team = hidden, team
    return _record(setting=setting, actor=actor, changed=changed, note="; ".join(notes))
