"""Every write to the directory. Keyword-only arguments, an explicit ``actor`` (None for the
command line and scheduled tasks), one transaction, and a ``ListingEvent`` history row per
listing changed, in the same transaction."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from pocketcouncil.directory import feed, importer, oruk, queries
from pocketcouncil.directory.models import ListingEvent, ListingEventKind, Service


class _DryRunRollback(Exception):
    pass


def _snapshots(service_ids) -> dict[str, dict]:
    services = list(queries.service_full_queryset().filter(pk__in=list(service_ids)))
    attributes = queries.attributes_for(services)
    return {s.id: oruk.service_full(s, attributes) for s in services}


def search_text_for(service: Service) -> str:
    parts = [service.name, service.description]
    if service.organization_id:
        parts.append(service.organization.name)
    return " ".join(p for p in parts if p).lower()


def _refresh_search_text(service_ids) -> None:
    for svc in Service.objects.filter(pk__in=list(service_ids)).select_related("organization"):
        text = search_text_for(svc)
        if text != svc.search_text:
            Service.objects.filter(pk=svc.pk).update(search_text=text)


def directory_import(
    *, council, tables: feed.Tables, actor=None, dry_run: bool = False, is_demo: bool = False
) -> importer.ImportReport:
    """Apply an ORUK feed to ``council``'s directory: all of it that is valid, in one
    transaction, with every rejected record and its reason in the report. ``dry_run`` does the
    same work and rolls it back, so its report is exactly what a real run would do."""
    report = importer.ImportReport(dry_run=dry_run, notes=list(tables.notes))
    try:
        with transaction.atomic():
            feed_services = set(tables.rows["service"])
            before = _snapshots(feed_services)
            applier = importer.Applier(council=council, tables=tables, report=report)
            applier.run()
            touched = applier.ok["service"]
            if is_demo:
                Service.objects.filter(pk__in=list(touched)).update(is_demo=True)
                council.directory_organizations.filter(
                    pk__in=list(applier.ok["organization"])
                ).update(is_demo=True)
            _refresh_search_text(touched)
            after = _snapshots(touched)
            for service_id, snapshot in after.items():
                old = before.get(service_id)
                if old == snapshot:
                    continue
                if not tables.rows["service"].get(service_id, {}).get("last_modified"):
                    # The feed gave no date: the record changed now, as modified_after sees it.
                    Service.objects.filter(pk=service_id).update(last_modified=applier.now)
                    snapshot["last_modified"] = oruk.datetime_text(applier.now)
                kind = ListingEventKind.IMPORTED if old is None else ListingEventKind.UPDATED
                (report.services_created if old is None else report.services_updated).append(
                    service_id
                )
                ListingEvent.objects.create(
                    council=council,
                    service_id=service_id,
                    kind=kind,
                    actor=actor,
                    snapshot=snapshot,
                )
            if dry_run:
                raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


# -- a resident's list ----------------------------------------------------------------------


class ListSendError(ValueError):
    """The list cannot be sent to that address (the message says why, for the resident)."""


def _list_text(services, *, site_url: str, short: bool) -> str:
    from pocketcouncil.directory import schedules

    lines = []
    for svc in services:
        lines.append(svc.name)
        if svc.organization_id and not short:
            lines.append(svc.organization.name)
        for contact in svc.contacts.all():
            for phone in contact.phones.all():
                lines.append(_("Phone: %(number)s") % {"number": phone.number})
        if not short:
            for sal in svc.locations_at.all():
                for addr in sal.location.addresses.all():
                    lines.append(
                        ", ".join(p for p in (addr.address_1, addr.city, addr.postal_code) if p)
                    )
            for sched in svc.schedules.all():
                text = schedules.describe(sched)
                if text:
                    lines.append(_("Open: %(times)s") % {"times": text})
        lines.append(site_url + reverse("directory:service", args=[svc.id]))
        lines.append("")
    return "\n".join(lines).strip()


def service_list_send(*, services, channel: str, to: str, site_url: str, actor=None):
    """Send a resident (or a member of staff helping one) their list of services by email or
    text message, through the notify outbox. Returns the notification."""
    from pocketcouncil.notify import actions as notify

    if not services:
        raise ListSendError(_("The list is empty."))
    intro = _("The help you saved on Pocket Council:")
    body = intro + "\n\n" + _list_text(services, site_url=site_url, short=channel == "sms")
    try:
        return notify.direct_message_send(
            channel=channel,
            to=to,
            subject=_("Your list of help and support"),
            body=body,
            reason="directory: a list of services the person asked to be sent",
        )
    except notify.NotifyInputError as error:
        raise ListSendError(" ".join(error.messages)) from None


# -- organisations keep their listings current ----------------------------------------------


class ListingUpkeepError(ValueError):
    """The change cannot be made (the message says why, for the person)."""


def _domain_of(value: str) -> str:
    from urllib.parse import urlsplit

    value = (value or "").strip().lower()
    if "@" in value:
        host = value.rsplit("@", 1)[1]
    else:
        host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    return host.removeprefix("www.")


def organization_domains(org) -> set[str]:
    """The organisation's own internet domains, from its email address and website."""
    found = {_domain_of(org.email), _domain_of(org.website), _domain_of(org.uri)}
    return {d for d in found if d and "." in d}


def _record(*, council, kind, actor, service=None, organization=None, note="", snapshot=None):
    ListingEvent.objects.create(
        council=council,
        service=service,
        organization=organization,
        kind=kind,
        actor=actor,
        note=note,
        snapshot=snapshot or {},
    )


@transaction.atomic
def listing_claim(*, organization, actor, role: str, verified_emails: list[str]):
    """``actor`` asks to keep ``organization``'s listings current. Approved at once when one of
    their verified email addresses is at the organisation's domain; else waits for the
    council. Claiming again returns the existing claim."""
    from pocketcouncil.directory.models import ClaimMethod, ListingClaim, ReviewState

    existing = ListingClaim.objects.filter(organization=organization, user=actor).first()
    if existing is not None:
        return existing
    domains = organization_domains(organization)
    matching = [e for e in verified_emails if _domain_of(e) in domains]
    email = matching[0] if matching else (verified_emails[0] if verified_emails else "")
    if not email:
        raise ListingUpkeepError(_("Confirm your email address first."))
    claim = ListingClaim.objects.create(
        council=organization.council,
        organization=organization,
        user=actor,
        email=email,
        role=role.strip()[:200],
        method=ClaimMethod.EMAIL_DOMAIN if matching else ClaimMethod.COUNCIL,
        state=ReviewState.APPROVED if matching else ReviewState.PENDING,
    )
    _record(
        council=organization.council,
        organization=organization,
        kind=ListingEventKind.CLAIMED,
        actor=actor,
        note=claim.get_method_display() if matching else _("Waiting for the council"),
    )
    return claim


def _decide(obj, *, actor, approve: bool, note: str = ""):
    from django.utils import timezone

    from pocketcouncil.accounts import permissions
    from pocketcouncil.directory.models import ReviewState

    permissions.require(actor, "directory.review", obj)
    if obj.state != ReviewState.PENDING:
        raise ListingUpkeepError(_("This has already been decided."))
    obj.state = ReviewState.APPROVED if approve else ReviewState.REJECTED
    obj.decided_by = actor
    obj.decided_at = timezone.now()
    if hasattr(obj, "decision_note"):
        obj.decision_note = note
    obj.save()


@transaction.atomic
def listing_claim_decide(*, claim, actor, approve: bool):
    _decide(claim, actor=actor, approve=approve)
    _record(
        council=claim.council,
        organization=claim.organization,
        kind=ListingEventKind.CLAIMED,
        actor=actor,
        note=_("Claim by %(email)s %(decision)s")
        % {"email": claim.email, "decision": _("approved") if approve else _("rejected")},
    )
    return claim


def can_edit(*, user, service) -> bool:
    from pocketcouncil.directory.models import ListingClaim, ReviewState

    return (
        user.is_authenticated
        and service.organization_id is not None
        and ListingClaim.objects.filter(
            organization_id=service.organization_id, user=user, state=ReviewState.APPROVED
        ).exists()
    )


@transaction.atomic
def listing_change_submit(*, service, actor, proposed: dict, note: str = ""):
    """The organisation proposes new values for its listing; the council reviews them."""
    from pocketcouncil.directory.models import ListingChange

    if not can_edit(user=actor, service=service):
        raise ListingUpkeepError(_("You cannot change this listing."))
    changed = {
        k: v
        for k, v in proposed.items()
        if k in ListingChange.EDITABLE_FIELDS and getattr(service, k) != v
    }
    if not changed:
        raise ListingUpkeepError(_("You have not changed anything."))
    change = ListingChange.objects.create(
        council=service.council, service=service, submitted_by=actor, proposed=changed, note=note
    )
    _record(
        council=service.council,
        service=service,
        kind=ListingEventKind.CHANGE_SUBMITTED,
        actor=actor,
        note=note,
        snapshot={"proposed": changed},
    )
    return change


@transaction.atomic
def listing_change_decide(*, change, actor, approve: bool, note: str = ""):
    """Approve (apply) or reject an organisation's proposed change, with a history row."""
    from django.utils import timezone

    _decide(change, actor=actor, approve=approve, note=note)
    service = Service.objects.select_for_update().get(pk=change.service_id)
    kind = ListingEventKind.CHANGE_REJECTED
    if approve:
        for key, value in change.proposed.items():
            setattr(service, key, value)
        now = timezone.now()
        service.last_modified = now
        service.last_checked_at = now
        service.reminder_sent_at = None
        service.full_clean(exclude=["council", "organization", "id"], validate_unique=False)
        service.save()
        _refresh_search_text([service.pk])
        kind = ListingEventKind.CHANGE_APPROVED
    _record(
        council=service.council,
        service=service,
        kind=kind,
        actor=actor,
        note=note,
        snapshot=next(iter(_snapshots([service.pk]).values())),
    )
    return change


@transaction.atomic
def listing_confirm(*, service, actor):
    """The organisation (or the council) says the listing is still right."""
    from django.utils import timezone

    from pocketcouncil.accounts import permissions

    if not (
        can_edit(user=actor, service=service)
        or permissions.has_perm(actor, "directory.review", service)
    ):
        raise ListingUpkeepError(_("You cannot change this listing."))
    service.last_checked_at = timezone.now()
    service.reminder_sent_at = None
    service.save(update_fields=["last_checked_at", "reminder_sent_at", "updated_at"])
    _record(council=service.council, service=service, kind=ListingEventKind.CHECKED, actor=actor)
    return service


@transaction.atomic
def listing_reminders_send(*, now, actor=None, site_url: str) -> int:
    """Remind the people keeping a stale listing (unchecked for six months) to check it, once
    per stale spell: by email to approved claimants, else to the organisation's address."""
    from pocketcouncil.directory.models import ListingClaim, ReviewState
    from pocketcouncil.notify import actions as notify

    sent = 0
    for service in queries.services_due_a_reminder(now=now):
        emails = sorted(
            set(
                ListingClaim.objects.filter(
                    organization_id=service.organization_id, state=ReviewState.APPROVED
                ).values_list("email", flat=True)
            )
        ) or ([service.organization.email] if service.organization.email else [])
        link = site_url + reverse("directory:listing-edit", args=[service.pk])
        for email in emails:
            notify.direct_message_send(
                channel="email",
                to=email,
                subject=_("Is your listing still right? %(name)s") % {"name": service.name},
                body=_(
                    "Your listing %(name)s has not been checked for six months. Residents rely "
                    "on it: please confirm it is right, or send us changes:\n\n%(link)s"
                )
                % {"name": service.name, "link": link},
                reason="directory: six-monthly reminder to check a listing",
                council=service.council,
            )
            sent += 1
        service.reminder_sent_at = now
        service.save(update_fields=["reminder_sent_at"])
        _record(
            council=service.council,
            service=service,
            kind=ListingEventKind.REMINDED,
            actor=actor,
            note=", ".join(emails),
        )
    return sent
