"""The periodic job: the self-rescheduling task and the management command for cron."""

import io
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from pocketcouncil.accounts.models import Interest
from pocketcouncil.news import tasks
from pocketcouncil.news.tests.factories import RoundFactory

pytestmark = pytest.mark.django_db
EVENING = datetime(2026, 2, 2, 18, 15, tzinfo=UTC)  # Monday evening; Tuesday is bin day


def waiting():
    return DBTaskResult.objects.filter(status="READY", task_path=tasks._path())


@pytest.fixture
def reminder_due(demo, resident, place):
    RoundFactory(
        council=demo["oxford"],
        first_collection=date(2026, 1, 6),
        areas=[place("OX4 3BD").wards[0]],
    )
    Interest.objects.create(user=resident, topic="bins")


@time_machine.travel(EVENING, tick=False)
def test_schedule_queues_one_run_only():
    assert tasks.schedule_next() is True
    assert tasks.schedule_next() is False
    assert waiting().count() == 1
    assert waiting().get().run_after == EVENING + tasks.INTERVAL


@time_machine.travel(EVENING, tick=False)
def test_the_task_sends_and_queues_its_next_run(reminder_due):
    result = tasks.news_send_due_task.call()
    assert result == {"announcements": 0, "bin_reminders": 2}
    assert waiting().count() == 1


def test_the_command_for_cron(reminder_due):
    out = io.StringIO()
    with time_machine.travel(EVENING, tick=False):
        call_command("news_send_due", stdout=out)
        call_command("news_send_due", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines == [
        "0 announcement messages, 2 bin reminders queued.",
        "0 announcement messages, 0 bin reminders queued.",
    ]
    with time_machine.travel(EVENING + timedelta(days=1), tick=False):
        call_command("news_send_due", stdout=out)
    assert out.getvalue().splitlines()[-1].endswith("0 bin reminders queued.")


def test_the_command_can_start_the_schedule():
    out = io.StringIO()
    call_command("news_send_due", "--schedule", stdout=out)
    call_command("news_send_due", "--schedule", stdout=out)
    assert out.getvalue().splitlines() == [
        "Scheduled.",
        "Already scheduled (or no worker backend).",
    ]
