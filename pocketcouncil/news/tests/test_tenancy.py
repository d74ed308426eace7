"""One council's staff never see or change another council's news, rounds or missed rounds."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.news import actions, queries
from pocketcouncil.news.models import Announcement
from pocketcouncil.news.tests.factories import AnnouncementFactory, RoundFactory

pytestmark = pytest.mark.django_db


def test_staff_lists_are_scoped_to_the_council(demo):
    AnnouncementFactory(council=demo["oxford"], title="Oxford only")
    AnnouncementFactory(council=demo["manchester"], title="Manchester only")
    oxford = {a.title for a in queries.announcement_list_for_staff(council=demo["oxford"])}
    assert "Oxford only" in oxford and "Manchester only" not in oxford
    rounds = queries.round_list_for_council(council=demo["manchester"])
    assert rounds and all(r.council == demo["manchester"] for r in rounds)


def test_another_councils_announcement_cannot_be_opened_or_ended(client, demo, staff):
    item = AnnouncementFactory(council=demo["oxford"], title="Oxford only")
    with pytest.raises(Announcement.DoesNotExist):
        queries.announcement_get(council=demo["manchester"], pk=item.pk)
    with pytest.raises(PermissionDenied):
        actions.announcement_end(actor=staff("council-admin", "manchester"), announcement=item)
    sign_in_with_mfa(client, staff("council-admin", "manchester"))
    response = client.post(reverse("news:staff-news-end", args=["manchester", item.pk]))
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.ends_at is None


def test_another_councils_round_cannot_be_marked_missed(demo, staff):
    round_ = RoundFactory(council=demo["oxford"], first_collection=date(2026, 1, 5))
    with pytest.raises(PermissionDenied):
        actions.missed_round_record(
            actor=staff("council-admin", "manchester"),
            round_=round_,
            day=date(2026, 1, 5),
            reason="x",
            catch_up="y",
        )


def test_a_round_cannot_cover_another_councils_wards(demo, staff):
    ward = demo["oxford"].areas.filter(kind="ward").first()
    with pytest.raises(actions.NewsInputError):
        actions.round_save(
            actor=staff("council-admin", "manchester"),
            council=demo["manchester"],
            name="Sneaky",
            bin_types=["rubbish"],
            frequency="weekly",
            first_collection=date(2026, 1, 5),
            area_ids=[ward.pk],
        )
