"""Writes: publishing news, rounds, one-off changes, missed rounds and bin reminders."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from pocketcouncil.accounts.models import Interest
from pocketcouncil.news import actions, queries
from pocketcouncil.news.models import Announcement, MissedRound, RoundException
from pocketcouncil.news.tests.factories import RoundFactory
from pocketcouncil.notify import actions as notify_actions
from pocketcouncil.notify.models import Notification

pytestmark = pytest.mark.django_db


def in_english(value):
    return value["en-gb"] if isinstance(value, dict) else value


def publish(actor, council, **kwargs):
    values = {
        "kind": "news",
        "title": "Libraries open late",
        "body": "Until **8pm**.",
        "topic": "libraries",
    }
    values.update(kwargs)
    return actions.announcement_publish(actor=actor, council=council, **values)


class TestPublish:
    def test_a_council_admin_publishes_and_topic_followers_hear(self, demo, staff, resident):
        notify_actions.subscription_create(
            actor=resident,
            user=resident,
            council=demo["oxford"],
            subject_kind="topic",
            subject_key="news",
        )
        item = publish(staff("council-admin", "oxford"), demo["oxford"])
        assert item.notified_at is not None
        sent = Notification.objects.filter(recipient=resident, event="topic_news")
        assert sent.count() == 2  # inbox and email, the default channels
        assert sent.first().context["title"] == "Libraries open late"

    def test_area_news_goes_to_that_wards_followers_only(self, demo, staff, resident, place):
        ward = place("OX4 3BD").wards[0]
        notify_actions.subscription_create(
            actor=resident,
            user=resident,
            council=demo["oxford"],
            subject_kind="area",
            subject_key=f"ward:{ward.pk}",
        )
        other = demo["oxford"].areas.filter(kind="ward").exclude(pk=ward.pk).first()
        publish(staff("council-admin", "oxford"), demo["oxford"], area_ids=[other.pk])
        assert not Notification.objects.filter(recipient=resident).exists()
        publish(staff("council-admin", "oxford"), demo["oxford"], area_ids=[ward.pk])
        assert Notification.objects.filter(recipient=resident, event="topic_news").exists()

    def test_a_future_start_is_sent_when_it_comes(self, demo, staff, resident):
        notify_actions.subscription_create(
            actor=resident,
            user=resident,
            council=demo["oxford"],
            subject_kind="topic",
            subject_key="disruptions",
        )
        start = datetime(2026, 6, 1, 8, tzinfo=UTC)
        with time_machine.travel(start - timedelta(days=1), tick=False):
            item = publish(
                staff("council-admin", "oxford"), demo["oxford"], kind="disruption", starts_at=start
            )
            assert actions.announcements_send_due() == 0
        assert not Notification.objects.filter(recipient=resident).exists()
        with time_machine.travel(start + timedelta(minutes=5), tick=False):
            assert actions.announcements_send_due() == 2
            assert actions.announcements_send_due() == 0  # already told
        item.refresh_from_db()
        assert item.notified_at is not None

    def test_case_officers_cannot_publish(self, demo, staff):
        with pytest.raises(PermissionDenied):
            publish(staff("case-officer", "oxford"), demo["oxford"])

    def test_staff_of_another_council_cannot_publish(self, demo, staff):
        with pytest.raises(PermissionDenied):
            publish(staff("council-admin", "manchester"), demo["oxford"])
        assert not Announcement.objects.filter(title="Libraries open late").exists()

    def test_areas_of_another_council_are_refused(self, demo, staff):
        manchester_ward = demo["manchester"].areas.filter(kind="ward").first()
        with pytest.raises(actions.NewsInputError):
            publish(staff("council-admin", "oxford"), demo["oxford"], area_ids=[manchester_ward.pk])
        assert not Announcement.objects.filter(title="Libraries open late").exists()

    @pytest.mark.parametrize(
        "change",
        [{"title": "  "}, {"body": ""}, {"topic": "weather"}, {"kind": "gossip"}],
    )
    def test_bad_input_is_refused(self, demo, staff, change):
        with pytest.raises(actions.NewsInputError):
            publish(staff("council-admin", "oxford"), demo["oxford"], **change)

    def test_end_before_start_is_refused(self, demo, staff):
        now = datetime(2026, 6, 1, tzinfo=UTC)
        with pytest.raises(actions.NewsInputError):
            publish(staff("council-admin", "oxford"), demo["oxford"], starts_at=now, ends_at=now)

    def test_ending_hides_it(self, demo, staff, place):
        admin = staff("council-admin", "oxford")
        item = publish(admin, demo["oxford"])
        here = place("OX4 3BD")
        assert item in queries.announcements_for(
            council_ids=here.council_ids, area_ids=here.area_ids
        )
        actions.announcement_end(actor=admin, announcement=item)
        assert item not in queries.announcements_for(
            council_ids=here.council_ids, area_ids=here.area_ids
        )


class TestRounds:
    def test_save_checks_bins_wards_and_names(self, demo, staff, place):
        admin = staff("service-manager", "oxford")
        ward = place("OX4 3BD").wards[0]
        values = {
            "actor": admin,
            "council": demo["oxford"],
            "name": "Test round",
            "bin_types": ["rubbish"],
            "frequency": "weekly",
            "first_collection": date(2026, 1, 6),
            "area_ids": [ward.pk],
        }
        round_ = actions.round_save(**values)
        assert list(round_.areas.all()) == [ward]
        for bad in ({"bin_types": []}, {"bin_types": ["glass"]}, {"area_ids": []}, {"name": ""}):
            with pytest.raises(actions.NewsInputError):
                actions.round_save(**{**values, "name": "Other", **bad})
        with pytest.raises(actions.NewsInputError):
            actions.round_save(**values)  # same name again

    def test_change_needs_a_day_the_round_collects(self, demo, staff):
        round_ = RoundFactory(council=demo["oxford"], first_collection=date(2026, 1, 5))
        admin = staff("council-admin", "oxford")
        with pytest.raises(actions.NewsInputError):
            actions.round_exception_save(
                actor=admin,
                round_=round_,
                scheduled_date=date(2026, 2, 3),  # a Tuesday
                new_date=None,
                reason="Strike",
            )
        change = actions.round_exception_save(
            actor=admin,
            round_=round_,
            scheduled_date=date(2026, 2, 2),
            new_date=date(2026, 2, 3),
            reason="Snow",
        )
        assert RoundException.objects.get(pk=change.pk).council == demo["oxford"]
        days = queries.collections_for_rounds(
            rounds=[round_], start=date(2026, 2, 1), end=date(2026, 2, 8)
        )
        assert [d.day for d in days] == [date(2026, 2, 3)]

    def test_another_councils_staff_cannot_change_a_round(self, demo, staff):
        round_ = RoundFactory(council=demo["oxford"])
        with pytest.raises(PermissionDenied):
            actions.round_exception_save(
                actor=staff("council-admin", "manchester"),
                round_=round_,
                scheduled_date=date(2026, 2, 2),
                new_date=None,
                reason="Strike",
            )

    @time_machine.travel(datetime(2026, 2, 2, 15, tzinfo=UTC), tick=False)
    def test_missed_round_is_recorded_once_for_a_day_it_was_due(self, demo, staff):
        round_ = RoundFactory(council=demo["oxford"], first_collection=date(2026, 1, 5))
        admin = staff("council-admin", "oxford")
        args = {
            "actor": admin,
            "round_": round_,
            "reason": "Lorry broke down",
            "catch_up": "Tomorrow",
        }
        with pytest.raises(actions.NewsInputError):
            actions.missed_round_record(day=date(2026, 1, 27), **args)  # a Tuesday
        with pytest.raises(actions.NewsInputError):
            actions.missed_round_record(day=date(2026, 2, 9), **args)  # the future
        actions.missed_round_record(day=date(2026, 2, 2), **args)
        with pytest.raises(actions.NewsInputError):
            actions.missed_round_record(day=date(2026, 2, 2), **args)
        assert MissedRound.objects.filter(round=round_).count() == 1


class TestBinReminders:
    @pytest.fixture
    def setup(self, demo, resident, place):
        ward = place("OX4 3BD").wards[0]
        # Collects on Tuesdays; 3 February 2026 is a Tuesday.
        RoundFactory(
            council=demo["oxford"],
            first_collection=date(2026, 1, 6),
            bin_types=["food", "rubbish"],
            areas=[ward],
        )
        Interest.objects.create(user=resident, topic="bins")
        return resident

    def test_sent_the_evening_before_once(self, setup):
        with time_machine.travel(datetime(2026, 2, 2, 17, 59, tzinfo=UTC), tick=False):
            assert actions.bin_reminders_send_due() == 0  # before 6pm
        with time_machine.travel(datetime(2026, 2, 2, 18, 15, tzinfo=UTC), tick=False):
            assert actions.bin_reminders_send_due() == 2  # inbox and email
            assert actions.bin_reminders_send_due() == 0  # idempotent
        row = Notification.objects.filter(recipient=setup, channel="email").get()
        # Stored in every language that differs (notify picks the recipient's).
        assert "Food waste" in in_english(row.context["title"])
        assert "Tuesday 3 February" in in_english(row.context["note"])
        assert "Chwefror" in row.context["note"]["cy"]

    def test_not_sent_when_tomorrow_is_not_bin_day(self, setup):
        with time_machine.travel(datetime(2026, 2, 3, 18, 15, tzinfo=UTC), tick=False):
            assert actions.bin_reminders_send_due() == 0

    def test_only_for_residents_who_asked(self, setup):
        Interest.objects.filter(user=setup).delete()
        with time_machine.travel(datetime(2026, 2, 2, 18, 15, tzinfo=UTC), tick=False):
            assert actions.bin_reminders_send_due() == 0

    def test_uses_the_residents_chosen_channels(self, setup):
        from pocketcouncil.accounts.models import ChannelPreference

        ChannelPreference.objects.create(user=setup, channel="email", enabled=False)
        with time_machine.travel(datetime(2026, 2, 2, 18, 15, tzinfo=UTC), tick=False):
            assert actions.bin_reminders_send_due() == 1
        assert set(
            Notification.objects.filter(recipient=setup).values_list("channel", flat=True)
        ) == {"inbox"}
