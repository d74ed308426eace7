"""Reads: targeting news by council, area and topic; collections and missed rounds by area."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from pocketcouncil.news import queries
from pocketcouncil.news.tests.factories import AnnouncementFactory, RoundFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def here(place):
    return place("OX4 3BD")


def titles(items):
    return {a.title for a in items}


def found(here, **kwargs):
    return titles(
        queries.announcements_for(council_ids=here.council_ids, area_ids=here.area_ids, **kwargs)
    )


class TestTargeting:
    def test_by_area(self, demo, here):
        ward = here.wards[0]
        carfax = demo["oxford"].areas.get(name="Carfax")
        AnnouncementFactory(council=demo["oxford"], title="For my ward", areas=[ward])
        AnnouncementFactory(council=demo["oxford"], title="For Carfax", areas=[carfax])
        AnnouncementFactory(council=demo["oxford"], title="For everyone")
        district = demo["oxford"].areas.get(kind="district")
        AnnouncementFactory(council=demo["oxford"], title="For the district", areas=[district])
        got = found(here)
        assert {"For my ward", "For everyone", "For the district"} <= got
        assert "For Carfax" not in got

    def test_by_council(self, demo, here):
        AnnouncementFactory(council=demo["manchester"], title="Manchester news")
        AnnouncementFactory(council=demo["oxfordshire"], title="County news")
        got = found(here)
        assert "County news" in got and "Manchester news" not in got

    def test_by_topic_with_urgent_disruptions_always(self, demo, here):
        AnnouncementFactory(council=demo["oxford"], title="Parks", topic="parks")
        AnnouncementFactory(council=demo["oxford"], title="Roads", topic="roads")
        AnnouncementFactory(
            council=demo["oxford"], title="Flood", topic="roads", kind="disruption", urgent=True
        )
        AnnouncementFactory(council=demo["oxford"], title="Urgent news", topic="roads", urgent=True)
        got = found(here, topics=["parks"])
        assert "Parks" in got and "Flood" in got
        assert "Roads" not in got and "Urgent news" not in got
        assert {"Parks", "Roads", "Flood"} <= found(here, topics=[])  # none chosen: all

    def test_only_while_live(self, demo, here):
        now = timezone.now()
        AnnouncementFactory(
            council=demo["oxford"], title="Later", starts_at=now + timedelta(days=1)
        )
        AnnouncementFactory(
            council=demo["oxford"],
            title="Over",
            starts_at=now - timedelta(days=2),
            ends_at=now - timedelta(days=1),
        )
        AnnouncementFactory(council=demo["oxford"], title="Now")
        got = found(here)
        assert "Now" in got and "Later" not in got and "Over" not in got

    def test_one_query_count_for_many_items(self, demo, here, django_assert_max_num_queries):
        for n in range(15):
            AnnouncementFactory(council=demo["oxford"], title=f"Item {n}", areas=[here.wards[0]])
        with django_assert_max_num_queries(2):
            items = queries.announcements_for(
                council_ids=here.council_ids, area_ids=here.area_ids, limit=20
            )
            [a.council.name for a in items]


class TestCollections:
    def test_only_rounds_for_the_places_wards(self, demo, here):
        carfax = demo["oxford"].areas.get(name="Carfax")
        mine = RoundFactory(council=demo["oxford"], name="Mine", areas=[here.wards[0]])
        RoundFactory(council=demo["oxford"], name="Not mine", areas=[carfax])
        rounds = queries.rounds_for_areas(area_ids=[here.wards[0].pk])
        assert mine in rounds and "Not mine" not in {r.name for r in rounds}

    @time_machine.travel(datetime(2026, 2, 2, 12, tzinfo=UTC), tick=False)
    def test_next_collections_start_today(self, demo, here):
        days = queries.next_collections_at(area_ids=[w.pk for w in here.wards], days=6)
        assert days and days[0].day == date(2026, 2, 2)
        assert all(date(2026, 2, 2) <= d.day <= date(2026, 2, 8) for d in days)
