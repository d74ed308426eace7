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
