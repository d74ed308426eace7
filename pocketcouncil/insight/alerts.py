"""Spike alerts: a week in which contact about one service or one ward reaches
``INSIGHT_SPIKE_FACTOR`` times its weekly median over the ``INSIGHT_SPIKE_WEEKS`` weeks before
(and at least ``INSIGHT_SPIKE_MINIMUM`` contacts) tells the council's service managers, once.

Run by ``manage.py insight_alerts`` after the daily counts are rebuilt (docs/insight.md)."""

from __future__ import annotations

from datetime import date, timedelta
from statistics import median

from django.conf import settings
from django.db import transaction

from pocketcouncil.accounts.models import StaffRole, StaffRoleKind
from pocketcouncil.insight import queries
from pocketcouncil.insight.models import SpikeAlert, SpikeScope
from pocketcouncil.notify import actions as notify_actions
from pocketcouncil.notify.models import Channel as NotifyChannel


def _managers(council) -> list:
    roles = StaffRole.objects.filter(
        council=council, role=StaffRoleKind.SERVICE_MANAGER
    ).select_related("user")
    people = [r.user for r in roles if r.user.is_active and r.user.email]
    if not people:  # a council without service managers: its admins hear instead
        roles = StaffRole.objects.filter(
            council=council, role=StaffRoleKind.COUNCIL_ADMIN
        ).select_related("user")
        people = [r.user for r in roles if r.user.is_active and r.user.email]
    return list({p.pk: p for p in people}.values())


@transaction.atomic
def spikes_check(*, council, week_ending: date | None = None) -> list[SpikeAlert]:
    """Find this week's spikes (the week ending on ``week_ending``, default yesterday's week,
    Monday to Sunday) and tell the managers about new ones. Safe to run again."""
    factor = settings.INSIGHT_SPIKE_FACTOR
    minimum = settings.INSIGHT_SPIKE_MINIMUM
    history = settings.INSIGHT_SPIKE_WEEKS
    if week_ending is None:
        yesterday = queries.today() - timedelta(days=1)
        week_ending = yesterday + timedelta(days=6 - yesterday.weekday())
    monday = week_ending - timedelta(days=6)
    start = monday - timedelta(weeks=history)
    found = []
    for scope in SpikeScope:
        weekly = queries.weekly_counts(council=council, scope=scope, start=start, end=week_ending)
        for (key, label), counts in weekly.items():
            count = counts.get(monday, 0)
            before = [counts.get(monday - timedelta(weeks=n), 0) for n in range(1, history + 1)]
            usual = median(before)
            if count < minimum or count < factor * usual:
                continue
            alert, created = SpikeAlert.objects.get_or_create(
                council=council,
                scope=scope,
                key=key,
                week_ending=week_ending,
                defaults={"label": label, "count": count, "median": usual},
            )
            if created:
                alert.notified = _tell(council, alert)
                alert.save(update_fields=["notified"])
                found.append(alert)
    return found


def _tell(council, alert: SpikeAlert) -> int:
    subject = f"Contact spike: {alert.label}"
    body = (
        f"{alert.count} contacts about {alert.get_scope_display().lower()} {alert.label} in the "
        f"week ending {alert.week_ending:%A %-d %B %Y}, against a usual week of "
        f"{alert.median:g} (the median of the {settings.INSIGHT_SPIKE_WEEKS} weeks before).\n\n"
        "See what they were about on the demand dashboard: "
        f"/staff/{council.slug}/insight/"
    )
    managers = _managers(council)
    for person in managers:
        notify_actions.direct_message_send(
            channel=NotifyChannel.EMAIL,
            to=person.email,
            subject=subject,
            body=body,
            reason="Contact spike alert",
            council=council,
        )
    return len(managers)
