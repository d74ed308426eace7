"""Spike alerts: three times the usual week tells the service managers, once."""

from datetime import date, datetime, time, timedelta

import pytest

from pocketcouncil.cases.sla import LONDON
from pocketcouncil.insight import actions, alerts
from pocketcouncil.insight.models import Channel, ContactEvent, Reason, SpikeAlert
from pocketcouncil.notify.models import Notification
from pocketcouncil.services.models import Service

pytestmark = pytest.mark.django_db

SUNDAY = date(2026, 11, 29)


def calls(council, service, day, n):
    for _i in range(n):
        actions.contact_record(
            council=council,
            channel=Channel.PHONE,
            reason=Reason.PROGRESS,
            service=service,
            occurred_at=datetime.combine(day, time(12), tzinfo=LONDON),
        )


def test_a_week_at_three_times_the_median_tells_the_service_managers_once(demo):
    oxford = demo["oxford"]
    ContactEvent.objects.filter(council=oxford).delete()
    service = Service.objects.get(lgsl=587)
    monday = SUNDAY - timedelta(days=6)
    for n in range(1, 9):
        calls(oxford, service, monday - timedelta(weeks=n), 4)
    calls(oxford, service, monday, 12)
    actions.contact_rollup(council=oxford, start=monday - timedelta(weeks=9), end=SUNDAY)
    before = Notification.objects.count()
    [alert] = alerts.spikes_check(council=oxford, week_ending=SUNDAY)
    assert alert.count == 12 and alert.median == 4 and alert.key == "587"
    assert alert.notified >= 1
    assert Notification.objects.count() - before == alert.notified
    assert "service-manager.oxford@" in Notification.objects.latest("pk").to
    assert alerts.spikes_check(council=oxford, week_ending=SUNDAY) == []
    assert SpikeAlert.objects.filter(council=oxford).count() == 1


def test_a_small_rise_is_not_a_spike(demo):
    oxford = demo["oxford"]
    ContactEvent.objects.filter(council=oxford).delete()
    service = Service.objects.get(lgsl=587)
    monday = SUNDAY - timedelta(days=6)
    calls(oxford, service, monday, 3)  # from nothing to 3: under the minimum of 10
    actions.contact_rollup(council=oxford, start=monday - timedelta(weeks=9), end=SUNDAY)
    assert alerts.spikes_check(council=oxford, week_ending=SUNDAY) == []
