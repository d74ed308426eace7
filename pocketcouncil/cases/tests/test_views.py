"""The report journey, the case page, "my requests" and the staff console, over HTTP."""

import re

import pytest
from django.urls import reverse

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases.models import Case, CasePhoto, EventKind
from pocketcouncil.cases.tests import images
from pocketcouncil.cases.workflow import CaseStatus

pytestmark = pytest.mark.django_db


def start(client, lgsl: int, **data) -> str:
    """Press "Start now"; returns the first step's URL."""
    response = client.post(reverse("cases:report-start", args=[lgsl]), data)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def error_summary(response) -> str:
    html = response.content.decode()
    assert "govuk-error-summary" in html, html[:3000]
    start = html.index("govuk-error-summary__list")
    return html[start : html.index("</ul>", start)]


def details_url(client, lgsl: int = 587, postcode: str = "OX4 3BD") -> str:
    """Start a report, give a location and pass the nearby-reports page: the details URL."""
    where = start(client, lgsl)
    response = client.post(where, {"postcode": postcode, "where": "Behind 12 Cowley Road"})
    assert response.status_code == 302, error_summary(response)
    response = client.get(response["Location"])
    if response.status_code == 200:  # nearby reports (or a boundary warning) were shown
        return re.search(r'href="([^"]+/details/)"', response.content.decode()).group(1)
    return response["Location"]


def fly_tipping_report(client, photo=None, postcode="OX4 3BD"):
    """Walk the fly-tipping journey to the check page; returns (check URL, draft id)."""
    details = details_url(client, 587, postcode)
    data = {
        "what": ["mattress", "black_bags"],
        "size": "a_car_boot_load",
        "description": "A mattress and six black bags by the garages.",
    }
    if photo is not None:
        data["photos"] = photo
    response = client.post(details, data)
    assert response.status_code == 302, error_summary(response)
    return response["Location"], details.split("/")[-3]


class TestAnonymousJourney:
    def test_report_fly_tipping_with_a_photo_from_start_to_confirmation(self, client, demo):
        check, draft_id = fly_tipping_report(client, photo=images.jpeg_with_gps())
        page = client.get(check).content.decode()
        assert "What the public will see" in page
        assert "Reported by a resident" in page
        assert "Oxford City Council (demo)" in page
        response = client.post(check)
        assert response.status_code == 302
        case = Case.objects.get(submission_key=draft_id)
        assert response["Location"] == reverse("cases:sent", args=[case.reference])
        sent = client.get(response["Location"]).content.decode()
        assert case.reference in sent and "What happens next" in sent
        assert case.council == demo["oxford"]
        assert case.attributes["where"] == "Behind 12 Cowley Road"
        assert case.attributes["what"] == ["mattress", "black_bags"]
        assert case.photos.count() == 1
        # The public page shows the report without personal details.
        public = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
        assert "A mattress and six black bags" in public

    def test_sending_twice_makes_one_case(self, client):
        check, draft_id = fly_tipping_report(client)
        first = client.post(check)
        second = client.post(check)
        assert first["Location"] == second["Location"]
        assert Case.objects.filter(submission_key=draft_id).count() == 1

    def test_unknown_service_is_404(self, client):
        assert client.get(reverse("cases:report-start", args=[999999])).status_code == 404

    def test_malformed_postcode_gets_a_clear_error(self, client):
        where = start(client, 587)
        response = client.post(where, {"postcode": "OX4 3B", "where": "by the shops"})
        assert "Enter a real postcode" in error_summary(response)

    def test_location_outside_every_council(self, client):
        before = Case.objects.count()
        where = start(client, 587)
        response = client.post(
            where, {"where": "Trafalgar Square", "latitude": "51.508", "longitude": "-0.128"}
        )
        assert "not covered by a council on Pocket Council" in error_summary(response)
        assert Case.objects.count() == before

    def test_missing_answers_get_field_errors(self, client):
        details = details_url(client)
        response = client.post(details, {"description": ""})
        summary = error_summary(response)
        assert "Describe the problem" in summary
        assert "How much is there?" in summary
        assert "<title>Error:" in response.content.decode()

    def test_a_file_that_is_not_a_photo_is_refused_and_nothing_saved(self, client):
        before = (Case.objects.count(), CasePhoto.objects.count())
        details = details_url(client)
        response = client.post(
            details,
            {
                "size": "a_single_item",
                "description": "Sofa",
                "photos": images.not_an_image("virus.jpg"),
            },
        )
        assert "virus.jpg is not a photo we can read" in error_summary(response)
        assert (Case.objects.count(), CasePhoto.objects.count()) == before

    def test_too_many_photos(self, client):
        details = details_url(client)
        response = client.post(
            details,
            {
                "size": "a_single_item",
                "description": "Sofa",
                "photos": [images.jpeg_with_gps(f"p{i}.jpg") for i in range(4)],
            },
        )
        assert "Choose up to 3 photos" in error_summary(response)


class TestLevels:
    def test_level_one_service_sends_a_signed_out_resident_to_step_up(self, client):
        where = start(client, 431)  # pest control needs a signed-in resident
        response = client.get(where)
        assert response.status_code == 302
        assert "/more-needed/" in response["Location"]

    def test_level_two_service_steps_up_a_level_one_resident(self, client, resident):
        client.force_login(resident("tom.evans"))
        where = start(client, 528)
        response = client.get(where)
        assert "/more-needed/" in response["Location"]

    def test_level_two_resident_reports_bulky_waste(self, client, resident, demo):
        amira = resident("amira.khan")
        client.force_login(amira)
        where = start(client, 528)
        assert client.get(where).status_code == 200
        details = client.post(where, {"postcode": "OX4 3BD", "where": "12 Cowley Road"})
        assert details.status_code == 302
        details_url = client.get(details["Location"]).get("Location", details["Location"])
        form = client.get(details_url).content.decode()
        names = set(re.findall(r'name="([a-z_]+)"', form)) - {
            "csrfmiddlewaretoken",
            "photos",
            "show_name_publicly",
        }
        assert "description" in names


class TestResidentPages:
    def test_my_requests_lists_only_my_cases_across_councils(self, client, report, resident):
        mine_district = report(lgsl=587, who="tom.evans")
        mine_county = report(lgsl=557, who="tom.evans")
        theirs = report(lgsl=587, who="amira.khan")
        client.force_login(resident("tom.evans"))
        page = client.get(reverse("cases:my-requests")).content.decode()
        assert mine_district.reference in page and mine_county.reference in page
        assert theirs.reference not in page
        assert "Oxfordshire County Council (demo)" in page

    def test_my_requests_needs_sign_in(self, client):
        assert client.get(reverse("cases:my-requests")).status_code == 302

    def test_private_case_is_hidden_from_others(self, client, service, resident, demo):
        from pocketcouncil.cases import actions

        tom = resident("tom.evans")
        case = actions.case_create(
            service=service(141),
            actor=tom,
            resident=tom,
            council=demo["oxford"],
            description="Damp in the bedroom",
        )
        url = reverse("cases:detail", args=[case.reference])
        assert client.get(url).status_code == 404
        client.force_login(resident("amira.khan"))
        assert client.get(url).status_code == 404
        client.force_login(tom)
        assert client.get(url).status_code == 200

    def test_public_view_shows_no_personal_data(self, client, report, resident):
        case = report(who="tom.evans", reporter_email="tom.private@example.com")
        page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
        assert "Tom Evans" not in page
        assert "tom.evans@" not in page and "tom.private@" not in page
        assert "by a resident" in page

    def test_reply_reopen_and_feedback(self, client, report, resident, staff):
        from pocketcouncil.cases import actions

        case = report(who="tom.evans")
        client.force_login(resident("tom.evans"))
        url = reverse("cases:detail", args=[case.reference])
        client.post(reverse("cases:reply", args=[case.reference]), {"message": "Still there"})
        assert case.events.filter(kind=EventKind.MESSAGE_IN).exists()
        actions.case_transition(
            case=case, to=CaseStatus.RESOLVED, actor=staff("case-officer", "oxford")
        )
        page = client.get(url).content.decode()
        assert "How did we do?" in page and "It is not fixed" in page
        client.post(reverse("cases:rate", args=[case.reference]), {"answer": "2"})
        client.post(reverse("cases:reopen", args=[case.reference]), {"reason": "It is back"})
        case.refresh_from_db()
        assert (case.satisfaction, case.status) == (2, CaseStatus.IN_PROGRESS)

    def test_forged_reply_to_someone_elses_case(self, client, report, resident):
        case = report(who="tom.evans")
        client.force_login(resident("amira.khan"))
        response = client.post(reverse("cases:reply", args=[case.reference]), {"message": "x"})
        assert response.status_code == 403
        assert not case.events.filter(kind=EventKind.MESSAGE_IN).exists()

    def test_photo_is_served_with_permission_checks(self, client, service, resident, demo):
        from pocketcouncil.cases import actions, photos

        tom = resident("tom.evans")
        case = actions.case_create(
            service=service(141),
            actor=tom,
            resident=tom,
            council=demo["oxford"],
            description="Damp",
            photos=[photos.process(images.jpeg_with_gps())],
        )
        url = reverse("cases:photo", args=[case.reference, case.photos.get().token])
        assert client.get(url).status_code == 404  # private case, not signed in
        client.force_login(tom)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"

    def test_public_reports_list_and_filters(
        self, client, report, demo, django_assert_max_num_queries
    ):
        case = report(lgsl=587)
        county = report(lgsl=557)
        with django_assert_max_num_queries(8):
            page = client.get(reverse("cases:public-reports"), {"council": "oxford"})
        html = page.content.decode()
        assert case.reference in html and county.reference not in html


class TestStaffConsole:
    def test_queue_needs_two_factor_authentication(self, client, staff):
        client.force_login(staff("case-officer", "oxford"))
        response = client.get(reverse("cases:staff-queue", args=["oxford"]))
        assert response.status_code == 302
        assert "/mfa/" in response["Location"] or "reauthenticate" in response["Location"]

    def test_queue_lists_the_councils_cases_only(
        self, client, staff, report, django_assert_max_num_queries
    ):
        ours = [report(lgsl=587) for _ in range(3)]
        county = report(lgsl=557)
        sign_in_with_mfa(client, staff("case-officer", "oxford"))
        with django_assert_max_num_queries(20):
            response = client.get(reverse("cases:staff-queue", args=["oxford"]))
        html = response.content.decode()
        assert all(case.reference in html for case in ours)
        assert county.reference not in html

    def test_staff_of_another_council_get_403(self, client, staff, report):
        case = report(lgsl=587)
        sign_in_with_mfa(client, staff("case-officer", "manchester"))
        assert client.get(reverse("cases:staff-queue", args=["oxford"])).status_code == 403
        url = reverse("cases:staff-case", args=["oxford", case.reference])
        assert client.get(url).status_code == 403
        response = client.post(
            reverse("cases:staff-status", args=["oxford", case.reference]), {"status": "resolved"}
        )
        assert response.status_code == 403
        case.refresh_from_db()
        assert case.status == CaseStatus.SUBMITTED

    def test_work_a_case_update_and_resolve(self, client, staff, report):
        case = report(lgsl=587)
        sign_in_with_mfa(client, staff("case-officer", "oxford"))
        page = client.get(reverse("cases:staff-case", args=["oxford", case.reference]))
        assert page.status_code == 200
        client.post(
            reverse("cases:staff-note", args=["oxford", case.reference]),
            {"note": "Crew booked for Tuesday", "visibility": "public"},
        )
        client.post(
            reverse("cases:staff-status", args=["oxford", case.reference]),
            {"status": "resolved", "public_note": "Cleared today."},
        )
        case.refresh_from_db()
        assert case.status == CaseStatus.RESOLVED
        assert case.events.filter(
            kind=EventKind.PUBLIC_UPDATE, note="Crew booked for Tuesday"
        ).exists()

    def test_forged_status_is_refused_with_a_message(self, client, staff, report):
        case = report(lgsl=587)
        sign_in_with_mfa(client, staff("case-officer", "oxford"))
        response = client.post(
            reverse("cases:staff-status", args=["oxford", case.reference]),
            {"status": "duplicate"},
            follow=True,
        )
        assert response.status_code == 200
        case.refresh_from_db()
        assert case.status == CaseStatus.SUBMITTED

    def test_bulk_acknowledge(self, client, staff, report):
        cases = [report(lgsl=587) for _ in range(2)]
        sign_in_with_mfa(client, staff("case-officer", "oxford"))
        client.post(
            reverse("cases:staff-bulk", args=["oxford"]),
            {"cases": [c.reference for c in cases], "action": "acknowledged"},
        )
        assert {c.status for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {
            CaseStatus.ACKNOWLEDGED
        }

    def test_merge_from_the_console(self, client, staff, report):
        original, duplicate = report(lgsl=587), report(lgsl=587)
        sign_in_with_mfa(client, staff("case-officer", "oxford"))
        client.post(
            reverse("cases:staff-merge", args=["oxford", duplicate.reference]),
            {"into": original.reference.lower()},
        )
        duplicate.refresh_from_db()
        assert duplicate.duplicate_of == original


class TestMaps:
    def test_geojson_has_public_facts_only(self, client, report):
        case = report(lgsl=587, who="tom.evans", reporter_email="tom.private@example.com")
        response = client.get(reverse("cases:public-reports-geojson"), {"council": "oxford"})
        assert response["Content-Type"] == "application/geo+json"
        data = response.json()
        feature = next(
            f for f in data["features"] if f["properties"]["reference"] == case.reference
        )
        assert set(feature["properties"]) == {"reference", "service", "status", "url"}
        assert feature["geometry"]["coordinates"] == [case.longitude, case.latitude]
        assert "tom" not in response.content.decode().lower()

    def test_map_is_offered_with_tiles_and_typed_path_always(self, client, settings):
        where = start(client, 587)
        html = client.get(where).content.decode()
        assert 'data-module="pc-location-map"' in html and 'name="postcode"' in html
        settings.CASES_MAP_TILES_URL = ""
        html = client.get(where).content.decode()
        assert "pc-location-map" not in html and 'name="postcode"' in html

    def test_tile_host_is_allowed_by_the_content_security_policy(self, client):
        csp = client.get(reverse("cases:public-reports"))["Content-Security-Policy"]
        assert "img-src 'self' data: https://tile.openstreetmap.org" in csp

    def test_pin_from_the_map_is_used_instead_of_a_postcode(self, client):
        where = start(client, 587)
        response = client.post(
            where, {"where": "By the bench", "latitude": "53.4794", "longitude": "-2.2446"}
        )
        assert response.status_code == 302


def test_case_page_names_the_status_and_says_the_council_is_a_demo(client, report, staff):
    from pocketcouncil.cases import actions

    case = report(lgsl=587)
    actions.case_transition(
        case=case, to=CaseStatus.IN_PROGRESS, actor=staff("case-officer", "oxford")
    )
    html = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Status: In progress" in html
    assert "is demonstration data, not a real council service" in html


def test_a_flood_of_reports_is_refused_without_losing_the_draft(client, settings):
    settings.CASES_REPORTS_PER_HOUR_PER_ADDRESS = 2
    sent = [client.post(fly_tipping_report(client)[0]) for _ in range(2)]
    assert all(r.status_code == 302 for r in sent)
    before = Case.objects.count()
    check, draft_id = fly_tipping_report(client)
    refused = client.post(check)
    assert refused.status_code == 429
    assert "nothing you typed has been lost" in refused.content.decode()
    assert Case.objects.count() == before
    assert client.get(check).status_code == 200  # the draft is still there
