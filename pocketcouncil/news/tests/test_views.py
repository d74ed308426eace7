"""The pages: signed-out postcode page, personal home page, bin calendar, feeds, the web app
files, staff pages, and the missed-round check in the missed-bin report journey."""

import json
import xml.etree.ElementTree as ET  # noqa: S405 - our own feeds, in tests
from datetime import UTC, date, datetime

import icalendar
import pytest
import time_machine
from django.urls import reverse

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases.models import Case
from pocketcouncil.news import actions
from pocketcouncil.news.models import Announcement, Round
from pocketcouncil.news.tests.factories import AnnouncementFactory

pytestmark = pytest.mark.django_db

# Monday 2 February 2026, midday in London. OX4 3BD is in Iffley Fields, a Monday ward in the
# demo rounds: rubbish every other week from 5 January, so today is a rubbish day.
MONDAY = datetime(2026, 2, 2, 12, tzinfo=UTC)


def titles(xml: bytes) -> list[str]:
    """The <title>s of one of our own feeds."""
    return [t.text for t in ET.fromstring(xml).iter("title")]  # noqa: S314


def iffley_round(kind: str) -> Round:
    return Round.objects.get(council__slug="oxford", name=f"Monday {kind}")


class TestPostcodePage:
    @pytest.fixture(autouse=True)
    def _monday(self):
        with time_machine.travel(MONDAY, tick=False):
            yield

    def test_shows_bins_disruptions_and_news_from_both_councils(
        self, client, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(20):
            response = client.get(reverse("news:place"), {"postcode": "ox4 3bd"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "Your next bin collections" in page
        assert "Today" in page and "Rubbish (general waste)" in page
        assert page.count(">Today</dt>") == 1  # rubbish and food waste, one row for the day
        assert "Food waste" in page
        assert "Cowley Road closed for water main repairs (demo)" in page  # urgent, for the ward
        assert "Garden waste subscriptions are open (demo)" in page  # Oxford, everyone
        assert "Longer library opening hours (demo)" in page  # the county, everyone
        assert "Have your say on the budget (demo)" not in page  # Manchester
        assert "Demo: Improving Cowley Road" in page  # an open consultation (engage app)
        assert reverse("news:calendar", args=["OX43BD"]) in page
        assert "Your open requests" not in page
        assert "X-Pocket-Council-Offline" not in response.headers

    def test_reports_in_the_ward_and_what_was_fixed_recently(self, client, resident):
        from datetime import timedelta

        from pocketcouncil.cases import actions as case_actions
        from pocketcouncil.services.models import Service

        def report(text):
            return case_actions.case_create(
                service=Service.objects.get(lgsl=587),
                actor=resident,
                resident=resident,
                lon=-1.2275,
                lat=51.7426,
                description=text,
            )

        fixed, old = report("Fixed one"), report("Old one")
        Case.objects.filter(pk=fixed.pk).update(
            status="resolved", finished_at=MONDAY - timedelta(days=2), location_text="By the shop"
        )
        Case.objects.filter(pk=old.pk).update(
            status="resolved", finished_at=MONDAY - timedelta(days=40), location_text="Long ago"
        )
        page = client.get(reverse("news:place"), {"postcode": "OX4 3BD"}).content.decode()
        assert "Reports in Iffley Fields" in page and "Fixed recently" in page
        assert "By the shop" in page and "Long ago" not in page
        assert resident.email not in page and "Rosa" not in page

    def test_news_for_another_ward_is_not_shown(self, client, demo):
        carfax = demo["oxford"].areas.get(name="Carfax")
        AnnouncementFactory(council=demo["oxford"], title="Carfax only", areas=[carfax])
        page = client.get(reverse("news:place"), {"postcode": "OX4 3BD"}).content.decode()
        assert "Carfax only" not in page

    @pytest.mark.parametrize(
        "postcode, message",
        [
            ("", "Enter your postcode"),
            ("banana", "Enter a full postcode"),
            ("SW1A 1AA", "We could not find the postcode SW1A 1AA"),
        ],
    )
    def test_errors(self, client, postcode, message):
        response = client.get(reverse("news:place"), {"postcode": postcode})
        page = response.content.decode()
        assert response.status_code == 200
        assert message in page
        assert "<title>Error:" in page
        assert 'href="#id_postcode"' in page

    def test_without_a_postcode_asks_for_one(self, client):
        page = client.get(reverse("news:place")).content.decode()
        assert "Your postcode" in page and "There is a problem" not in page

    def test_find_your_council_links_to_it(self, client):
        page = client.get(reverse("find"), {"q": "OX4 3BD"}).content.decode()
        assert reverse("news:place") + "?postcode=OX4%203BD" in page


class TestCalendar:
    @time_machine.travel(datetime(2026, 3, 30, 9, tzinfo=UTC), tick=False)
    def test_parses_back_with_bank_holiday_moves_and_reminders(self, client):
        response = client.get(reverse("news:calendar", args=["OX43BD"]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(response.content)
        events = list(calendar.walk("VEVENT"))
        assert len(events) > 50
        assert len({str(e["UID"]) for e in events}) == len(events)
        by_day = {}
        for event in events:
            by_day.setdefault(event.decoded("DTSTART"), []).append(str(event["SUMMARY"]))
        # Easter Monday (6 April 2026): Monday's food waste moves to Tuesday 7 April.
        assert date(2026, 4, 6) not in by_day
        assert any("Food waste" in s for s in by_day[date(2026, 4, 7)])
        assert any("Food waste" in s for s in by_day[date(2026, 3, 30)])
        alarm = events[0].walk("VALARM")[0]
        assert alarm.decoded("TRIGGER").total_seconds() == -6 * 3600

    @time_machine.travel(MONDAY, tick=False)
    def test_a_cancelled_collection_is_marked_cancelled(self, client, staff):
        actions.round_exception_save(
            actor=staff("council-admin", "oxford"),
            round_=iffley_round("food waste"),
            scheduled_date=date(2026, 2, 9),
            new_date=None,
            reason="Strike",
        )
        calendar = icalendar.Calendar.from_ical(
            client.get(reverse("news:calendar", args=["OX43BD"])).content
        )
        cancelled = [e for e in calendar.walk("VEVENT") if e.get("STATUS") == "CANCELLED"]
        assert [e.decoded("DTSTART") for e in cancelled] == [date(2026, 2, 9)]
        assert "Strike" in str(cancelled[0]["DESCRIPTION"])

    def test_unknown_postcode_is_404(self, client):
        assert client.get(reverse("news:calendar", args=["SW1A1AA"])).status_code == 404


class TestFeeds:
    def test_council_rss_and_atom(self, client):
        rss = client.get(reverse("news:feed-rss", args=["oxford"]))
        assert "Garden waste subscriptions are open (demo)" in titles(rss.content)
        assert "Longer library opening hours (demo)" not in titles(rss.content)  # county
        atom = client.get(reverse("news:feed-atom", args=["oxford"]))
        assert atom["Content-Type"].startswith("application/atom+xml")
        assert "Garden waste subscriptions are open (demo)" in [
            t.text
            for t in ET.fromstring(atom.content).iter("{http://www.w3.org/2005/Atom}title")  # noqa: S314
        ]

    def test_area_feed_has_only_news_for_that_area(self, client, demo):
        oxford = demo["oxford"]
        iffley = oxford.areas.get(name="Iffley Fields")
        carfax = oxford.areas.get(name="Carfax")
        disruption = "Disruption: Cowley Road closed for water main repairs (demo)"
        here = client.get(reverse("news:area-feed-rss", args=["oxford", iffley.pk])).content
        there = client.get(reverse("news:area-feed-rss", args=["oxford", carfax.pk])).content
        assert disruption in titles(here)
        assert disruption not in titles(there)

    def test_another_councils_area_is_404(self, client, demo):
        ward = demo["manchester"].areas.first()
        response = client.get(reverse("news:area-feed-rss", args=["oxford", ward.pk]))
        assert response.status_code == 404

    def test_markdown_is_sanitised(self, client, demo):
        item = AnnouncementFactory(
            council=demo["oxford"],
            body="Hello <script>alert(1)</script> [x](javascript:alert(1)) [ok](https://a.example)",
        )
        page = client.get(reverse("news:detail", args=[item.pk])).content.decode()
        assert "<script>alert" not in page
        assert "javascript:" not in page
        assert 'href="https://a.example"' in page


class TestPersonalHome:
    @pytest.fixture(autouse=True)
    def _monday(self):
        with time_machine.travel(MONDAY, tick=False):
            yield

    def test_signed_in_resident_sees_their_page(
        self, client, resident, django_assert_max_num_queries
    ):
        from pocketcouncil.cases import actions as case_actions
        from pocketcouncil.services.models import Service

        case_actions.case_create(
            service=Service.objects.get(lgsl=587),
            actor=resident,
            resident=resident,
            lon=-1.2275,
            lat=51.7426,
            description="Bags dumped by the garages.",
        )
        client.force_login(resident)
        with django_assert_max_num_queries(40):
            response = client.get("/")
        page = response.content.decode()
        assert response.status_code == 200
        assert response["X-Pocket-Council-Offline"] == "personal"
        assert "private" in response["Cache-Control"]
        assert "Hello, Rosa" in page
        assert "Your open requests" in page and "aims to deal with it by" in page
        assert "Your next bin collections" in page
        assert "Cowley Road closed" in page
        assert reverse("accounts-interests") in page  # adjust topics in one step
        assert reverse("find") in page  # find your council is still there

    def test_news_follows_interests(self, client, resident):
        from pocketcouncil.accounts.models import Interest

        Interest.objects.create(user=resident, topic="libraries")
        client.force_login(resident)
        page = client.get("/").content.decode()
        assert "Longer library opening hours (demo)" in page
        assert "Garden waste subscriptions are open (demo)" not in page  # bins, not chosen
        assert "Cowley Road closed" in page  # urgent disruptions always show

    def test_consultations_follow_interests_too(self, client, resident):
        from pocketcouncil.accounts.models import Interest
        from pocketcouncil.engage.models import Engagement

        Engagement.objects.filter(slug="demo-cowley-road").update(topic="roads")
        Interest.objects.create(user=resident, topic="libraries")
        client.force_login(resident)
        assert "Demo: Improving Cowley Road" not in client.get("/").content.decode()
        Interest.objects.create(user=resident, topic="roads")
        assert "Demo: Improving Cowley Road" in client.get("/").content.decode()

    def test_topics_form_saves_and_comes_back(self, client, resident):
        client.force_login(resident)
        response = client.post(
            reverse("accounts-interests"), {"topics": ["bins"], "next": "/#interests"}
        )
        assert response.status_code == 302 and response["Location"] == "/#interests"
        assert list(resident.interests.values_list("topic", flat=True)) == ["bins"]

    def test_missed_round_shows(self, client, resident, staff):
        actions.missed_round_record(
            actor=staff("council-admin", "oxford"),
            round_=iffley_round("rubbish"),
            day=date(2026, 2, 2),
            reason="The lorry broke down.",
            catch_up="We will come back tomorrow.",
        )
        client.force_login(resident)
        page = client.get("/").content.decode()
        assert "The lorry broke down." in page and "We will come back tomorrow." in page

    def test_without_a_home_asks_for_one(self, client, django_user_model):
        user = django_user_model.objects.create(email="new@example.com")
        client.force_login(user)
        page = client.get("/").content.decode()
        assert "Add your address" in page

    def test_signed_out_home_is_not_personal(self, client):
        response = client.get("/")
        assert "X-Pocket-Council-Offline" not in response.headers
        assert reverse("news:place") in response.content.decode()


class TestWebApp:
    def test_manifest(self, client):
        response = client.get(reverse("news:manifest"))
        data = json.loads(response.content)
        assert response["Content-Type"] == "application/manifest+json"
        assert data["display"] == "standalone" and data["scope"] == "/"
        assert {"192x192", "512x512"} <= {i["sizes"] for i in data["icons"]}
        assert any(i.get("purpose") == "maskable" for i in data["icons"])

    def test_pages_link_the_manifest_and_register_the_worker(self, client):
        page = client.get("/").content.decode()
        assert 'rel="manifest" href="/manifest.webmanifest"' in page
        assert "js/offline.js" in page

    def test_offline_page_holds_nothing_personal(self, client, resident):
        client.force_login(resident)
        client.post(reverse("accounts-interests"), {"topics": ["bins"], "next": "/"})
        page = client.get(reverse("news:offline")).content.decode()
        assert "You are offline" in page
        assert "Sign out" not in page and resident.email not in page
        assert "Your topics have been saved" not in page
        # The waiting message is still there for the next real page.
        assert "Your topics have been saved" in client.get("/").content.decode()

    def test_service_worker_caches_only_marked_pages(self, client):
        script = b"".join(client.get("/sw.js").streaming_content).decode()
        assert "X-Pocket-Council-Offline" in script and "/offline/" in script
        assert "addEventListener('push'" in script  # push still there


class TestMissedBinJourney:
    def start(self, client):
        client.force_login(User.objects.get(email="tom.evans@demo.pocketcouncil.example"))
        response = client.post(reverse("cases:report-start", args=[524]))
        assert response.status_code == 302
        return response["Location"]

    @time_machine.travel(MONDAY, tick=False)
    def test_a_recorded_missed_round_stops_the_report_with_an_explanation(self, client, staff):
        actions.missed_round_record(
            actor=staff("council-admin", "oxford"),
            round_=iffley_round("rubbish"),
            day=date(2026, 2, 2),
            reason="The lorry broke down.",
            catch_up="We will come back tomorrow.",
        )
        where = self.start(client)
        before = Case.objects.count()
        response = client.post(where, {"postcode": "OX4 3BD", "where": "Outside number 4"})
        page = response.content.decode()
        assert response.status_code == 200
        assert "We know your bins were missed today" in page
        assert "We will come back tomorrow." in page
        assert Case.objects.count() == before

    @time_machine.travel(MONDAY, tick=False)
    def test_without_one_the_report_carries_on(self, client):
        where = self.start(client)
        response = client.post(where, {"postcode": "OX4 3BD", "where": "Outside number 4"})
        assert response.status_code == 302

    def test_a_missed_round_yesterday_does_not_stop_todays_report(self, client, staff):
        with time_machine.travel(MONDAY, tick=False):
            actions.missed_round_record(
                actor=staff("council-admin", "oxford"),
                round_=iffley_round("rubbish"),
                day=date(2026, 2, 2),
                reason="The lorry broke down.",
                catch_up="Tomorrow.",
            )
        with time_machine.travel(datetime(2026, 2, 3, 12, tzinfo=UTC), tick=False):
            where = self.start(client)
            response = client.post(where, {"postcode": "OX4 3BD", "where": "Outside number 4"})
            assert response.status_code == 302


class TestStaffPages:
    def test_needs_news_publish_in_that_council(self, client, staff):
        sign_in_with_mfa(client, staff("case-officer", "oxford"))
        assert client.get(reverse("news:staff-news", args=["oxford"])).status_code == 403
        sign_in_with_mfa(client, staff("council-admin", "manchester"))
        assert client.get(reverse("news:staff-news", args=["oxford"])).status_code == 403
        assert client.get(reverse("news:staff-rounds", args=["oxford"])).status_code == 403

    def test_publish_from_the_form(self, client, staff, demo):
        sign_in_with_mfa(client, staff("council-admin", "oxford"))
        url = reverse("news:staff-news-new", args=["oxford"])
        assert client.get(url).status_code == 200
        bad = client.post(url, {"kind": "news", "title": "", "body": "x", "topic": "parks"})
        assert "There is a problem" in bad.content.decode()
        response = client.post(
            url,
            {"kind": "news", "title": "Park reopens", "body": "Hooray", "topic": "parks"},
        )
        assert response.status_code == 302
        item = Announcement.objects.get(title="Park reopens")
        assert item.council == demo["oxford"]
        listing = client.get(reverse("news:staff-news", args=["oxford"])).content.decode()
        assert "Park reopens" in listing

    @time_machine.travel(MONDAY, tick=False)
    def test_round_pages_and_missed_round_form(self, client, staff):
        sign_in_with_mfa(client, staff("service-manager", "oxford"))
        round_ = iffley_round("rubbish")
        assert client.get(reverse("news:staff-rounds", args=["oxford"])).status_code == 200
        detail = client.get(reverse("news:staff-round", args=["oxford", round_.pk]))
        assert "Monday 2 February 2026" in detail.content.decode()
        url = reverse("news:staff-round-missed", args=["oxford", round_.pk])
        wrong_day = client.post(url, {"date": "2026-01-27", "reason": "x", "catch_up": "y"})
        assert "was not due on" in wrong_day.content.decode()
        ok = client.post(url, {"date": "2026-02-02", "reason": "Broke down", "catch_up": "Soon"})
        assert ok.status_code == 302

    def test_add_and_change_a_round(self, client, staff, demo):
        sign_in_with_mfa(client, staff("council-admin", "oxford"))
        carfax = demo["oxford"].areas.get(name="Carfax")
        data = {
            "name": "Carfax glass",
            "bin_types": ["recycling"],
            "frequency": "fortnightly",
            "first_collection": "2026-03-04",
            "areas": [carfax.pk],
        }
        new = client.post(reverse("news:staff-round-new", args=["oxford"]), data)
        assert new.status_code == 302
        round_ = Round.objects.get(name="Carfax glass")
        edit_url = reverse("news:staff-round-edit", args=["oxford", round_.pk])
        assert "Carfax glass" in client.get(edit_url).content.decode()
        clash = client.post(edit_url, {**data, "name": "Monday rubbish"})
        assert "There is already a round called Monday rubbish" in clash.content.decode()
        assert client.post(edit_url, {**data, "frequency": "weekly"}).status_code == 302
        round_.refresh_from_db()
        assert round_.frequency == "weekly" and round_.council == demo["oxford"]

    @time_machine.travel(MONDAY, tick=False)
    def test_move_a_collection_and_stop_showing_news(self, client, staff, demo):
        sign_in_with_mfa(client, staff("council-admin", "oxford"))
        round_ = iffley_round("food waste")
        url = reverse("news:staff-round-change", args=["oxford", round_.pk])
        wrong = client.post(url, {"scheduled_date": "2026-02-10", "reason": "Snow"})
        assert "does not collect on 10 February 2026" in wrong.content.decode()
        moved = client.post(
            url, {"scheduled_date": "2026-02-09", "new_date": "2026-02-10", "reason": "Snow"}
        )
        assert moved.status_code == 302
        detail = client.get(reverse("news:staff-round", args=["oxford", round_.pk]))
        assert "Tuesday 10 February 2026" in detail.content.decode()
        item = AnnouncementFactory(council=demo["oxford"], title="Old news")
        client.post(reverse("news:staff-news-end", args=["oxford", item.pk]))
        item.refresh_from_db()
        assert item.ends_at is not None
        assert client.get(reverse("news:detail", args=[item.pk])).status_code == 404

    def test_another_councils_round_is_404(self, client, staff):
        sign_in_with_mfa(client, staff("council-admin", "manchester"))
        oxford_round = iffley_round("rubbish")
        response = client.get(reverse("news:staff-round", args=["manchester", oxford_round.pk]))
        assert response.status_code == 404
