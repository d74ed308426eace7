"""Every write to a case. Each action checks who may do it, validates, writes the case and its
timeline event, and queues notifications, all in one transaction: either everything happens or
nothing does.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts import queries as accounts_queries
from pocketcouncil.cases import photos as photo_rules
from pocketcouncil.cases import sla, workflow
from pocketcouncil.cases.models import (
    Case,
    CaseEvent,
    CasePhoto,
    CaseSequence,
    CaseSupporter,
    EventKind,
    Priority,
    Satisfaction,
    Source,
)
from pocketcouncil.cases.photos import ProcessedPhoto
from pocketcouncil.cases.workflow import CaseStatus, CaseTransitionNotAllowedError, CloseReason
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.councils.models import Council, Team
from pocketcouncil.notify import actions as notify
from pocketcouncil.services import actions as services_actions
from pocketcouncil.services import queries as services_queries

MAX_PHOTOS = photo_rules.MAX_PHOTOS

# Called with every new timeline event, inside the action's transaction, so whatever a hook
# writes (open311's webhook outbox) commits or rolls back with the change. Other apps append
# to it at ready(); cases imports none of them.
EVENT_HOOKS: list = []


class CaseInputError(ValueError):
    """Input that cannot make or change a case. ``field`` names the form field to blame."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class CouncilNotOnPlatformError(CaseInputError):
    """The council responsible is listed but not on Pocket Council and has no address for
    reports: the resident is sent to its own site (``council.report_link``)."""

    def __init__(self, council: Council):
        super().__init__(
            _(
                "%(council)s is responsible for this, but it is not on Pocket Council. Report "
                "it on the council's website: %(link)s"
            )
            % {"council": council.name, "link": council.report_link},
            field="location",
        )
        self.council = council


def _edit_window() -> timedelta:
    return timedelta(minutes=getattr(settings, "CASES_EDIT_MINUTES", 30))


def _reopen_window() -> timedelta:
    return timedelta(days=getattr(settings, "CASES_REOPEN_DAYS", 28))


# --- creating ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Routing:
    council: Council
    team: Team | None
    ward: object | None


def route(*, service, lon: float | None, lat: float | None, council: Council | None) -> Routing:
    """Choose the council, team and ward for a new case (two-tier aware).

    A location-based service is routed by its point; any other service goes to the council the
    resident chose (which must provide it). Raises ``CaseInputError``.
    """
    if service.location_based:
        if lon is None or lat is None:
            raise CaseInputError(_("Choose where the problem is"), field="location")
        try:
            responsible = councils_queries.council_responsible(
                lon=lon, lat=lat, service_tier=service.tier, lgsl=service.lgsl
            )
        except councils_queries.NoCouncilHereError:
            raise CaseInputError(
                _(
                    "That place is not covered by a council on Pocket Council. Check the "
                    "location, or contact your council directly."
                ),
                field="location",
            ) from None
        council, team, ward = responsible.council, responsible.team, responsible.ward
    else:
        if council is None:
            raise CaseInputError(_("Choose your council"), field="council")
        team, ward = None, None
    if not council.on_platform:
        # Listed but not on the platform: reports go to its published address, or the
        # resident is sent to its site. Never dropped.
        if not council.report_email:
            raise CouncilNotOnPlatformError(council)
        return Routing(council=council, team=None, ward=ward)
    try:
        offered = services_queries.service_for_council(council=council, lgsl=service.lgsl)
    except services_queries.ServiceNotOfferedError as error:
        names = ", ".join(c.name for c in error.providers)
        message = _("%(council)s does not provide this service.") % {"council": council.name}
        if names:
            message += " " + _("It is provided by %(names)s.") % {"names": names}
        raise CaseInputError(message, field="council") from None
    except services_queries.ServiceNotFoundError:
        raise CaseInputError(
            _("%(council)s does not offer this service online.") % {"council": council.name}
        ) from None
    return Routing(council=council, team=team or offered.team, ward=ward)


def _next_reference(council: Council, now) -> str:
    year = now.astimezone(sla.LONDON).year
    sequence, _created = CaseSequence.objects.select_for_update().get_or_create(
        council=council, year=year
    )
    CaseSequence.objects.filter(pk=sequence.pk).update(last_number=F("last_number") + 1)
    sequence.refresh_from_db(fields=["last_number"])
    return f"{council.case_reference_prefix}-{year % 100:02d}-{sequence.last_number:06d}"


def case_create(
    *,
    service,
    description: str,
    actor,
    resident=None,
    council: Council | None = None,
    lon: float | None = None,
    lat: float | None = None,
    location_text: str = "",
    attributes: dict | None = None,
    reporter_name: str = "",
    reporter_email: str = "",
    show_name_publicly: bool = False,
    photos: list[ProcessedPhoto] = (),
    submission_key: str | None = None,
    source: str = Source.WEB,
    entered_by=None,
) -> Case:
    """Receive a new request or report. Sending the same ``submission_key`` twice returns the
    case the first one made, so a double-clicked button or a retried request makes one case.
    """
    if submission_key:
        existing = Case.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing
    if source == Source.WEB and service.online_reports_stopped:
        raise CaseInputError(
            _("You cannot report this online at the moment. %(notice)s")
            % {"notice": service.urgent_notice or _("Phone your council.")}
        )
    description = (description or "").strip()
    if not description:
        raise CaseInputError(_("Describe the problem or what you need"), field="description")
    if len(photos) > MAX_PHOTOS:
        raise CaseInputError(_("Add up to %(n)d photos") % {"n": MAX_PHOTOS}, field="photos")
    if resident is None and not service.anonymous_allowed:
        raise CaseInputError(_("Sign in to use this service"))
    if service.minimum_assurance_level and (
        resident is None or accounts_queries.level_for(resident) < service.minimum_assurance_level
    ):
        raise PermissionDenied(_("This service needs a higher level of verification."))
    routing = route(service=service, lon=lon, lat=lat, council=council)
    try:
        with transaction.atomic():
            return _case_insert(
                service=service,
                routing=routing,
                description=description,
                actor=actor,
                resident=resident,
                lon=lon,
                lat=lat,
                location_text=location_text.strip(),
                attributes=attributes or {},
                reporter_name=reporter_name.strip(),
                reporter_email=reporter_email.strip(),
                show_name_publicly=show_name_publicly,
                photos=photos,
                submission_key=submission_key,
                source=source,
                entered_by=entered_by,
            )
    except IntegrityError:
        # Two copies of one form raced each other: the other one made the case.
        if submission_key:
            existing = Case.objects.filter(submission_key=submission_key).first()
            if existing:
                return existing
        raise


def _case_insert(*, service, routing: Routing, actor, photos, **fields) -> Case:
    now = timezone.now()
    sla_days = service.sla_working_days
    case = Case.objects.create(
        reference=_next_reference(routing.council, now),
        council=routing.council,
        service=service,
        team=routing.team,
        ward=routing.ward,
        ward_name=getattr(routing.ward, "name", ""),
        ward_gss_code=getattr(routing.ward, "gss_code", ""),
        longitude=fields.pop("lon"),
        latitude=fields.pop("lat"),
        is_public=fields.pop("is_public", service.location_based),
        received_at=now,
        due_at=sla.due_at(now, sla_days) if sla_days else None,
        editable_until=now + _edit_window(),
        **fields,
    )
    _event(case, EventKind.CREATED, actor=actor, is_public=True, to_status=case.status)
    for photo in photos:
        _photo_save(case, photo, actor=actor)
    if not case.council.on_platform:
        _send_to_council_email(case)
    if case.resident_id:
        _follow(case, case.resident)
        notify.notification_enqueue(
            council=case.council,
            event="case_acknowledged",
            recipients=[case.resident],
            context=_context(case),
            idempotency_key=f"case-{case.pk}-created",
            subject_kind="case",
            subject_key=str(case.pk),
        )
    if case.is_public and case.has_location:
        notify.fan_out_for_subject(
            council=case.council,
            subject_kind="area",
            subject_key=str(case.ward_id or ""),
            event="area_alert",
            context={**_context(case), "area_name": case.ward_name},
            idempotency_key=f"case-{case.pk}-area-alert",
            point=(case.latitude, case.longitude),
            category=str(service.lgsl),
            exclude_user_ids=[case.resident_id] if case.resident_id else [],
        )
    return case


def _send_to_council_email(case: Case) -> None:
    """A council not on Pocket Council gets the report by email at its published address,
    through the notify outbox in this transaction (so it is sent if and only if the case is)."""
    council = case.council
    lines = [
        _("A resident made this report on Pocket Council for %(council)s.")
        % {"council": council.name},
        "",
        _("Reference: %(reference)s") % {"reference": case.reference},
        _("Service: %(service)s") % {"service": case.service.name},
    ]
    if case.has_location:
        lines.append(
            _("Where: %(where)s (latitude %(lat).6f, longitude %(lon).6f)")
            % {
                "where": case.location_text or case.ward_name,
                "lat": case.latitude,
                "lon": case.longitude,
            }
        )
    if case.ward_name:
        lines.append(_("Ward: %(ward)s") % {"ward": case.ward_name})
    lines += ["", case.description, ""]
    contact = case.reporter_email or getattr(case.resident, "email", "")
    if contact:
        lines.append(_("Reply to the resident at: %(email)s") % {"email": contact})
    lines.append(_("Report page: %(url)s") % {"url": case_url(case)})
    notify.direct_message_send(
        channel="email",
        to=council.report_email,
        subject=_("Report %(reference)s: %(service)s")
        % {"reference": case.reference, "service": case.service.name},
        body="\n".join(str(line) for line in lines),
        reason=f"case {case.reference} for a council not on the platform",
        council=council,
    )


def _photo_save(case: Case, photo: ProcessedPhoto, *, actor) -> CasePhoto:
    token = secrets.token_hex(16)
    record = CasePhoto(
        council=case.council,
        case=case,
        token=token,
        uploaded_by=actor,
        width=photo.width,
        height=photo.height,
    )
    record.image.save(f"{token}.jpg", photo.as_file(), save=False)
    record.save()
    return record


# --- timeline and notifications ----------------------------------------------------------------


def _actor_pair(actor):
    """(who did it, on whose behalf) from an accounts Actor, a user, or None."""
    if isinstance(actor, accounts_queries.Actor):
        if actor.on_behalf:
            return actor.done_by, actor.user
        return actor.user, None
    return actor, None


def _user_of(actor):
    if isinstance(actor, accounts_queries.Actor):
        return actor.done_by or actor.user
    return actor


def _event(case: Case, kind: str, *, actor, is_public: bool, **fields) -> CaseEvent:
    done_by, on_behalf_of = _actor_pair(actor)
    event = CaseEvent.objects.create(
        council=case.council,
        case=case,
        kind=kind,
        actor=done_by if getattr(done_by, "is_authenticated", False) else None,
        on_behalf_of=on_behalf_of,
        is_public=is_public,
        **fields,
    )
    for hook in EVENT_HOOKS:
        hook(event)
    return event


def case_url(case: Case) -> str:
    return settings.POCKETCOUNCIL_SITE_URL + reverse("cases:detail", args=[case.reference])


def _context(case: Case, note: str = "") -> dict:
    # In every language: each follower reads the message in their own (notify chooses).
    return notify.in_every_language(
        lambda: {
            "council_name": case.council.name,
            "reference": case.reference,
            "title": case.service.name,
            "status": str(workflow.CaseStatus(case.status).label).lower(),
            "note": note,
            "url": case_url(case),
        }
    )


def _follow(case: Case, user) -> None:
    notify.subscription_create(
        actor=None,
        user=user,
        council=case.council,
        subject_kind="case",
        subject_key=str(case.pk),
        label=_("%(reference)s: %(service)s")
        % {"reference": case.reference, "service": case.service.name},
        automatic=True,
    )


def _tell_followers(case: Case, event: str, *, key: str, note: str = "") -> None:
    if case.resident_id is None and case.reporter_email and case.status in workflow.FINISHED:
        _tell_anonymous_reporter(case, note)
    notify.fan_out_for_subject(
        council=case.council,
        subject_kind="case",
        subject_key=str(case.pk),
        event=event,
        context=_context(case, note=note),
        idempotency_key=f"case-{case.pk}-{key}",
    )


def _tell_anonymous_reporter(case: Case, note: str) -> None:
    """Someone who reported without an account but left an email address asked to be told
    when it is finished, and only that (the form says so)."""
    status = str(workflow.CaseStatus(case.status).label)
    body = _("%(council)s: your report %(reference)s (%(service)s) is now: %(status)s.") % {
        "council": case.council.name,
        "reference": case.reference,
        "service": case.service.name,
        "status": status,
    }
    if case.close_reason:
        body += " " + str(workflow.CloseReason(case.close_reason).label) + "."
    if note:
        body += "\n\n" + note
    body += "\n\n" + _("See the report at %(url)s") % {"url": case_url(case)}
    notify.direct_message_send(
        channel="email",
        to=case.reporter_email,
        subject=_("Your report %(reference)s: %(status)s")
        % {"reference": case.reference, "status": status},
        body=body,
        reason=_("You asked to be told when your report was dealt with"),
        council=case.council,
    )


# --- staff actions -----------------------------------------------------------------------------


@transaction.atomic
def case_transition(
    *, case: Case, to: str, actor, public_note: str = "", close_reason: str = ""
) -> Case:
    """Change a case's status, with an optional public note. Staff only."""
    permissions.require(_user_of(actor), "cases.change_status", case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if to == CaseStatus.DUPLICATE:
        raise CaseTransitionNotAllowedError(_("Use merge to mark a case as a duplicate."))
    workflow.check(case.status, to, close_reason=close_reason)
    before = case.status
    _apply_status(case, to, close_reason=close_reason)
    event = _event(
        case,
        EventKind.STATUS_CHANGED,
        actor=actor,
        is_public=True,
        from_status=before,
        to_status=to,
        note=public_note.strip(),
        data={"close_reason": close_reason} if close_reason else {},
    )
    kind = {
        CaseStatus.RESOLVED: "resolved",
        CaseStatus.WAITING: "more_information",
    }.get(to, "status_changed")
    _tell_followers(case, kind, key=f"event-{event.pk}", note=public_note.strip())
    return case


def _apply_status(case: Case, to: str, *, close_reason: str = "") -> None:
    now = timezone.now()
    case.status = to
    case.close_reason = close_reason
    if to == CaseStatus.ACKNOWLEDGED and case.acknowledged_at is None:
        case.acknowledged_at = now
    if to in workflow.FINISHED:
        case.finished_at = now
    elif case.finished_at is not None:
        case.finished_at = None
    case.save()


@transaction.atomic
def case_update_add(*, case: Case, actor, note: str) -> CaseEvent:
    """A public update the resident (and followers) are told about."""
    permissions.require(_user_of(actor), "cases.note", case)
    note = note.strip()
    if not note:
        raise CaseInputError(_("Write the update"), field="note")
    event = _event(case, EventKind.PUBLIC_UPDATE, actor=actor, is_public=True, note=note)
    _tell_followers(case, "update_added", key=f"event-{event.pk}", note=note)
    return event


@transaction.atomic
def case_note_add(*, case: Case, actor, note: str) -> CaseEvent:
    """An internal note, seen only by staff."""
    permissions.require(_user_of(actor), "cases.note", case)
    note = note.strip()
    if not note:
        raise CaseInputError(_("Write the note"), field="note")
    return _event(case, EventKind.INTERNAL_NOTE, actor=actor, is_public=False, note=note)


@transaction.atomic
def case_assign(*, case: Case, actor, assignee=None, team: Team | None = None) -> Case:
    """Give a case to a person and/or a team of the same council."""
    permissions.require(_user_of(actor), "cases.assign", case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    changes = {}
    if team is not None and team.council_id != case.council_id:
        raise CaseInputError(
            _("Choose a team of this council, or send the case to another council with a reason."),
            field="team",
        )
    if assignee is not None and not permissions.has_perm(assignee, "cases.view", case):
        raise CaseInputError(
            _("That person does not work on this council's cases."), field="assignee"
        )
    if team is not None and team.pk != case.team_id:
        changes["team"] = team.name
        case.team = team
    if assignee is not None and assignee.pk != case.assigned_to_id:
        changes["assigned_to"] = assignee.get_full_name()
        case.assigned_to = assignee
    if changes:
        case.save()
        _event(case, EventKind.ASSIGNED, actor=actor, is_public=False, data=changes)
    return case


@transaction.atomic
def case_reassign(*, case: Case, actor, council: Council, team: Team | None, reason: str) -> Case:
    """Send a case to another council (e.g. it belongs to the county). A reason is required;
    the resident is told where it went."""
    permissions.require(_user_of(actor), "cases.assign", case)
    reason = reason.strip()
    if not reason:
        raise CaseInputError(
            _("Say why the case is going to another team or council"), field="reason"
        )
    if team is not None and team.council_id != council.pk:
        raise CaseInputError(_("Choose a team of the council you are sending it to"), field="team")
    case = Case.objects.select_for_update().get(pk=case.pk)
    before = case.council
    case.council = council
    if team is None:
        # Staff may send a case where the tier rule would not (fly-tipping on a county verge):
        # the receiving council triages it if the service has no owning team there.
        try:
            team = services_queries.service_for_council(
                council=council, lgsl=case.service.lgsl
            ).team
        except (services_queries.ServiceNotFoundError, services_queries.ServiceNotOfferedError):
            team = None
    case.team = team
    case.assigned_to = None
    case.save()
    _event(
        case,
        EventKind.REASSIGNED,
        actor=actor,
        is_public=True,
        note=reason,
        data={"from_council": before.name, "to_council": council.name},
    )
    _tell_followers(
        case,
        "update_added",
        key=f"reassigned-{council.pk}-{timezone.now():%s}",
        note=_("Your request has been passed to %(council)s: %(reason)s")
        % {"council": council.name, "reason": reason},
    )
    return case


@transaction.atomic
def case_service_change(*, case: Case, service, actor, reason: str = "") -> Case:
    """Move a case to another service of the same council (the resident chose the wrong one).

    The team and due date are chosen again the way ``case_create`` chooses them, from the time
    the case was received. A service the council does not offer, or one another council
    provides where the case is, is refused (send the case to that council instead); so is a
    closed case. The timeline event is for staff only.
    """
    permissions.require(_user_of(actor), "cases.assign", case)
    case = Case.objects.select_for_update().select_related("service", "council").get(pk=case.pk)
    if not case.is_open:
        raise CaseInputError(_("A closed case cannot be moved to another service"))
    if service.pk == case.service_id:
        raise CaseInputError(_("Choose a different service from the one it has"), field="service")
    council = case.council
    try:
        offered = services_queries.service_for_council(council=council, lgsl=service.lgsl)
    except (services_queries.ServiceNotFoundError, services_queries.ServiceNotOfferedError):
        raise CaseInputError(
            _("%(council)s does not offer %(service)s. Choose one of its services.")
            % {"council": council.name, "service": service.name},
            field="service",
        ) from None
    team = None
    if service.location_based and case.has_location:
        try:
            responsible = councils_queries.council_responsible(
                lon=case.longitude, lat=case.latitude, service_tier=service.tier, lgsl=service.lgsl
            )
        except councils_queries.NoCouncilHereError:
            responsible = None
        if responsible is not None and responsible.council.pk != council.pk:
            raise CaseInputError(
                _(
                    "%(other)s provides %(service)s at this place. Send the case to "
                    "%(other)s instead."
                )
                % {"other": responsible.council.name, "service": service.name},
                field="service",
            )
        team = responsible.team if responsible is not None else None
    before = case.service
    case.service = service
    case.team = team or offered.team
    case.assigned_to = None
    sla_days = service.sla_working_days
    case.due_at = sla.due_at(case.received_at, sla_days) if sla_days else None
    case.save()
    _event(
        case,
        EventKind.SERVICE_CHANGED,
        actor=actor,
        is_public=False,
        note=reason.strip(),
        data={
            "from_service": before.name,
            "from_lgsl": before.lgsl,
            "to_service": service.name,
            "to_lgsl": service.lgsl,
            "team": case.team.name if case.team else "",
        },
    )
    # What the resident wrote and where it really belonged: a lesson for the front door.
    services_actions.training_pair_record(
        council=council,
        service=service,
        previous_service=before,
        text=case.description,
        actor=_user_of(actor),
    )
    return case


@transaction.atomic
def case_priority_set(*, case: Case, actor, priority: int) -> Case:
    permissions.require(_user_of(actor), "cases.change_status", case)
    if priority not in Priority.values:
        raise CaseInputError(_("Choose a priority"), field="priority")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.priority != priority:
        before = case.priority
        case.priority = priority
        case.save()
        _event(
            case,
            EventKind.PRIORITY_CHANGED,
            actor=actor,
            is_public=False,
            data={"from": before, "to": priority},
        )
    return case


@transaction.atomic
def case_merge(*, duplicate: Case, into: Case, actor) -> Case:
    """Mark ``duplicate`` as a duplicate of ``into``. Its resident is told, and follows ``into``
    from then on; its supporters move across."""
    user = _user_of(actor)
    permissions.require(user, "cases.merge", duplicate)
    permissions.require(user, "cases.merge", into)
    if duplicate.pk == into.pk:
        raise CaseInputError(_("A case cannot be merged into itself"), field="into")
    if duplicate.council_id != into.council_id:
        raise CaseInputError(_("Only cases of the same council can be merged"), field="into")
    duplicate, into = (
        Case.objects.select_for_update().get(pk=duplicate.pk),
        Case.objects.select_for_update().get(pk=into.pk),
    )
    if into.status == CaseStatus.DUPLICATE:
        raise CaseInputError(
            _("%(ref)s is itself a duplicate: merge into %(target)s instead")
            % {"ref": into.reference, "target": into.duplicate_of.reference},
            field="into",
        )
    if duplicate.is_finished:
        raise CaseTransitionNotAllowedError(_("Only an open case can be merged"))
    before = duplicate.status
    duplicate.status = CaseStatus.DUPLICATE
    duplicate.duplicate_of = into
    duplicate.finished_at = timezone.now()
    duplicate.save()
    note = _("This is the same problem as %(ref)s. We will keep you updated on that one.") % {
        "ref": into.reference
    }
    _event(
        duplicate,
        EventKind.MERGED,
        actor=actor,
        is_public=True,
        from_status=before,
        to_status=CaseStatus.DUPLICATE,
        note=note,
        data={"into": into.reference},
    )
    _event(
        into, EventKind.MERGED, actor=actor, is_public=False, data={"merged": duplicate.reference}
    )
    _tell_followers(duplicate, "status_changed", key="merged", note=note)
    moved = 0
    for person in [duplicate.resident, *[s.user for s in duplicate.supporters.all()]]:
        if person is None or person.pk == into.resident_id:
            continue
        _supporter, created = CaseSupporter.objects.get_or_create(
            case=into, user=person, defaults={"council": into.council}
        )
        moved += created
        _follow(into, person)
    if moved:
        Case.objects.filter(pk=into.pk).update(supporters_count=F("supporters_count") + moved)
    return into


# --- resident actions --------------------------------------------------------------------------


def _require_reporter(case: Case, actor) -> None:
    user = actor.user if isinstance(actor, accounts_queries.Actor) else actor
    if user is None or not user.is_authenticated or user.pk != case.resident_id:
        raise PermissionDenied(_("Only the person who reported it can do that."))


@transaction.atomic
def case_me_too(*, case: Case, actor) -> bool:
    """Say "me too" to an open public report instead of filing a duplicate. Returns whether
    this added a supporter (saying it twice counts once)."""
    user = actor.user if isinstance(actor, accounts_queries.Actor) else actor
    if not case.is_public or not case.is_open:
        raise CaseInputError(_("You can only add yourself to an open public report."))
    if user.pk == case.resident_id:
        return False
    _supporter, created = CaseSupporter.objects.get_or_create(
        case=case, user=user, defaults={"council": case.council}
    )
    if created:
        Case.objects.filter(pk=case.pk).update(supporters_count=F("supporters_count") + 1)
        _event(case, EventKind.ME_TOO, actor=actor, is_public=False)
        _follow(case, user)
    return created


@transaction.atomic
def case_resident_reply(*, case: Case, actor, message: str) -> CaseEvent:
    """The resident adds information or replies when asked. A case waiting for the resident
    goes back to the team."""
    _require_reporter(case, actor)
    message = message.strip()
    if not message:
        raise CaseInputError(_("Write your message"), field="message")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise CaseInputError(_("This case is finished. If it is not fixed, say so instead."))
    event = _event(case, EventKind.MESSAGE_IN, actor=actor, is_public=True, note=message)
    if case.status == CaseStatus.WAITING:
        _apply_status(case, CaseStatus.IN_PROGRESS)
        _event(
            case,
            EventKind.STATUS_CHANGED,
            actor=actor,
            is_public=True,
            from_status=CaseStatus.WAITING,
            to_status=CaseStatus.IN_PROGRESS,
        )
    return event


@transaction.atomic
def case_message_receive(*, case: Case, actor, message: str, channel: str) -> CaseEvent:
    """A message about the case arrived by email, text message or social media (the channels
    app proved which case it is about with a reply token or the thread it replied in). Like
    ``case_resident_reply`` but the sender need not be signed in. A case waiting for the
    resident goes back to the team; a finished case records the message without reopening."""
    message = message.strip()
    if not message:
        raise CaseInputError(_("Write your message"), field="message")
    case = Case.objects.select_for_update().get(pk=case.pk)
    event = _event(
        case,
        EventKind.MESSAGE_IN,
        actor=actor,
        is_public=False,
        note=_("By %(channel)s: %(message)s") % {"channel": channel, "message": message},
    )
    if case.status == CaseStatus.WAITING:
        _apply_status(case, CaseStatus.IN_PROGRESS)
        _event(
            case,
            EventKind.STATUS_CHANGED,
            actor=actor,
            is_public=True,
            from_status=CaseStatus.WAITING,
            to_status=CaseStatus.IN_PROGRESS,
        )
    return event


@transaction.atomic
def case_reopen(*, case: Case, actor, reason: str) -> Case:
    """The resident says "it is not fixed" within the reopen period: back to the team."""
    _require_reporter(case, actor)
    reason = reason.strip()
    if not reason:
        raise CaseInputError(_("Tell us what is still wrong"), field="reason")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in workflow.REOPENABLE:
        raise CaseTransitionNotAllowedError(_("Only a fixed or closed case can be reopened."))
    if case.finished_at and timezone.now() - case.finished_at > _reopen_window():
        raise CaseTransitionNotAllowedError(
            _("It is too long since this case was closed to reopen it. Report it again.")
        )
    before = case.status
    _apply_status(case, CaseStatus.IN_PROGRESS)
    case.reopened_count += 1
    case.save(update_fields=["reopened_count", "updated_at"])
    _event(
        case,
        EventKind.REOPENED,
        actor=actor,
        is_public=True,
        from_status=before,
        to_status=CaseStatus.IN_PROGRESS,
        note=reason,
    )
    return case


@transaction.atomic
def case_withdraw(*, case: Case, actor, reason: str = "") -> Case:
    _require_reporter(case, actor)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise CaseTransitionNotAllowedError(_("Only an open case can be withdrawn."))
    before = case.status
    _apply_status(case, CaseStatus.CLOSED, close_reason=CloseReason.WITHDRAWN)
    _event(
        case,
        EventKind.STATUS_CHANGED,
        actor=actor,
        is_public=True,
        from_status=before,
        to_status=CaseStatus.CLOSED,
        note=reason.strip(),
        data={"close_reason": CloseReason.WITHDRAWN},
    )
    return case


@transaction.atomic
def case_satisfaction_record(*, case: Case, actor, answer: int) -> Case:
    """The one satisfaction question asked when a case is fixed or closed."""
    _require_reporter(case, actor)
    if answer not in Satisfaction.values:
        raise CaseInputError(_("Choose how satisfied you are"), field="answer")
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in workflow.REOPENABLE:
        raise CaseInputError(_("You can give feedback once the case is fixed or closed."))
    case.satisfaction = answer
    case.save(update_fields=["satisfaction", "updated_at"])
    _event(case, EventKind.SATISFACTION, actor=actor, is_public=False, data={"answer": answer})
    return case


@transaction.atomic
def case_edit_by_resident(
    *, case: Case, actor, description: str, photos: list[ProcessedPhoto] = ()
) -> Case:
    """Change the description or add photos within a short time of sending the report."""
    _require_reporter(case, actor)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.editable_until is None or timezone.now() > case.editable_until:
        raise CaseInputError(_("The time to change this report has passed. Add a message instead."))
    description = description.strip()
    if not description:
        raise CaseInputError(_("Describe the problem or what you need"), field="description")
    if case.photos.count() + len(photos) > MAX_PHOTOS:
        raise CaseInputError(
            _("A report can have up to %(n)d photos") % {"n": MAX_PHOTOS}, field="photos"
        )
    if description != case.description:
        case.description = description
        case.save(update_fields=["description", "updated_at"])
        _event(case, EventKind.EDITED, actor=actor, is_public=False)
    for photo in photos:
        _photo_save(case, photo, actor=_user_of(actor))
        _event(case, EventKind.PHOTO_ADDED, actor=actor, is_public=True)
    return case


# --- transactions (payments app, issue 20) -----------------------------------------------------


def case_open_for_transaction(
    *,
    council: Council,
    lgsl: int,
    actor,
    resident,
    description: str,
    attributes: dict | None = None,
    submission_key: str | None = None,
) -> Case:
    """The case behind a paid transaction (a booking, a permit, a fine paid). The council is
    known (the resident chose it, or it issued the fine), so there is no routing by location.
    Called from inside the transaction's own action (its transaction)."""
    if submission_key:
        existing = Case.objects.filter(submission_key=submission_key).first()
        if existing:
            return existing
    try:
        offered = services_queries.service_for_council(council=council, lgsl=lgsl)
    except (services_queries.ServiceNotFoundError, services_queries.ServiceNotOfferedError):
        raise CaseInputError(
            _("%(council)s does not offer this service online.") % {"council": council.name}
        ) from None
    # Private: a booking or permit is about one household, never on the public map.
    return _case_insert(
        service=offered.service,
        is_public=False,
        routing=Routing(council=council, team=offered.team, ward=None),
        description=description.strip(),
        actor=actor,
        resident=resident,
        lon=None,
        lat=None,
        location_text="",
        attributes=attributes or {},
        reporter_name="",
        reporter_email="",
        show_name_publicly=False,
        photos=(),
        submission_key=submission_key,
        source=Source.WEB,
        entered_by=None,
    )


@transaction.atomic
def case_progress_record(
    *, case: Case, actor, note: str, key: str, to: str | None = None, close_reason: str = ""
) -> CaseEvent:
    """Progress a transaction made (paid, booked, approved, cancelled, refunded): a public
    timeline entry, optionally with a status change, and the resident told. The calling app's
    action has already checked who may do it. ``key`` makes the notification once only."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if to and to != case.status:
        workflow.check(case.status, to, close_reason=close_reason)
        before = case.status
        _apply_status(case, to, close_reason=close_reason)
        event = _event(
            case,
            EventKind.STATUS_CHANGED,
            actor=actor,
            is_public=True,
            from_status=before,
            to_status=to,
            note=note,
            data={"close_reason": close_reason} if close_reason else {},
        )
    else:
        event = _event(case, EventKind.PUBLIC_UPDATE, actor=actor, is_public=True, note=note)
    _tell_followers(case, "update_added", key=key, note=note)
    return event
