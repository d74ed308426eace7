"""The front door and service pages over HTTP, without JavaScript."""

import re

import pytest
from django.urls import NoReverseMatch, reverse

from pocketcouncil.councils.models import Postcode
from pocketcouncil.services import actions, search
from pocketcouncil.services.models import FrontDoorSearch, Service, ServiceFAQ

pytestmark = pytest.mark.django_db


def result_links(response) -> list[str]:
    return re.findall(r'font-size-24" href="([^"?]+)', response.content.decode())


def test_browse_by_topic(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/services/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bins, rubbish and recycling" in html
    assert 'action="/services/search"' in html
    with django_assert_max_num_queries(4):
        response = client.get("/services/topics/bins/")
    assert "Bin collections and missed bins" in response.content.decode()
    assert client.get("/services/topics/nope/").status_code == 404


def test_browse_a_councils_services(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(5):
        html = client.get("/services/", {"council": "oxford"}).content.decode()
    assert "Browse Oxford City Council (demo) services by topic" in html
    assert "provided by Oxfordshire County Council (demo)" in html
    assert "/services/topics/bins/?council=oxford" in html
    html = client.get("/services/topics/bins/", {"council": "oxford"}).content.decode()
    assert 'href="/councils/oxford/services/524/"' in html
    assert "/services/531/" not in html  # the tip is the county's
    html = client.get("/services/topics/streets/", {"council": "oxford"}).content.decode()
    assert "Report a pothole" not in html
    assert client.get("/services/", {"council": "atlantis"}).status_code == 404


def test_navigation_has_services(client):
    html = client.get("/").content.decode()
    assert 'href="/services/"' in html


def test_search_lands_on_the_right_council_with_a_postcode(client, django_assert_max_num_queries):
    search.index_get()  # steady state: the index is built once per process and catalogue change
    # postcode, version stamp, 2 tier lookups, 2 per result shown (6), the record (3), councils,
    # and the contact event insight records for the search (5)
    with django_assert_max_num_queries(26):
        response = client.get(
            "/services/search", {"q": "light out on my road", "postcode": "OX4 3BD"}
        )
    assert response.status_code == 200
    assert result_links(response)[0] == "/councils/oxfordshire/services/564/"
    assert (
        "Showing the council responsible for each service at OX4 3BD" in response.content.decode()
    )


def test_search_on_a_council_keeps_its_residents_in_one_step(client, django_assert_max_num_queries):
    search.index_get()
    # 8, and the contact event insight records for the search (5)
    with django_assert_max_num_queries(13):
        response = client.get("/services/search", {"q": "bins not emptied", "council": "oxford"})
    assert result_links(response)[0] == "/councils/oxford/services/524/"


def test_a_postcode_typed_into_the_question_is_used_as_the_place(client):
    response = client.get("/services/search", {"q": "bins not emptied ox4 3bd"})
    assert result_links(response)[0] == "/councils/oxford/services/524/"
    assert (
        "Showing the council responsible for each service at OX4 3BD" in response.content.decode()
    )
    assert FrontDoorSearch.objects.get().query == "bins not emptied"


def test_a_postcode_outside_the_platform_says_so(client):
    Postcode.objects.create(postcode="ZE1 0AA", latitude=60.15, longitude=-1.15)  # Shetland
    response = client.get("/services/search", {"q": "bins not emptied", "postcode": "ZE1 0AA"})
    html = response.content.decode()
    assert "No council on Pocket Council serves ZE1 0AA" in html
    assert result_links(response)[0] == "/services/524/"


def test_no_match_at_a_postcode_offers_the_councils_there(client):
    response = client.get("/services/search", {"q": "purple elephant", "postcode": "OX4 3BD"})
    html = response.content.decode()
    assert "01632 960 001" in html and "01632 960 002" in html  # Oxfordshire and Oxford
    assert "01632 960 003" not in html  # not Manchester


def test_a_wrong_postcode_is_a_field_error_not_a_500(client):
    response = client.get("/services/search", {"q": "pothole", "postcode": "nonsense"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html and "Enter a full postcode, like OX4 3BD" in html


def test_an_empty_query_asks_for_words(client):
    response = client.get("/services/search", {"q": "  "})
    assert "Enter what you need" in response.content.decode()


def test_no_good_match_offers_browsing_and_contact_details(client):
    response = client.get("/services/search", {"q": "purple elephant trampoline"})
    html = response.content.decode()
    assert "We could not find a service matching" in html
    assert 'href="/services/"' in html
    assert "01632 960 002" in html  # Oxford's phone number
    assert FrontDoorSearch.objects.get().shown == []


def test_answer_first_then_did_this_answer_your_question(client):
    response = client.get(
        "/services/search", {"q": "how do I pay my council tax", "council": "oxford"}
    )
    html = response.content.decode()
    assert html.index("How do I pay my council tax?") < html.index("pc-results")
    assert "Did this answer your question?" in html
    token = re.search(r'name="search" value="([^"]+)"', html).group(1)
    search = FrontDoorSearch.objects.get()
    assert search.answer_shown.question == "How do I pay my council tax?"
    assert search.council.slug == "oxford"

    response = client.post(reverse("services:answer-feedback"), {"search": token, "helped": "no"})
    assert response.status_code == 200
    assert "Sorry that did not answer your question" in response.content.decode()
    search.refresh_from_db()
    assert search.answer_helped is False


def test_feedback_with_a_forged_token_changes_nothing(client):
    response = client.post(
        reverse("services:answer-feedback"), {"search": "1:forged", "helped": "yes"}
    )
    assert response.status_code == 302
    assert not FrontDoorSearch.objects.filter(answer_helped__isnull=False).exists()


def test_the_click_is_recorded_without_personal_data(client):
    response = client.get(
        "/services/search",
        {"q": "pothole on my road SW1A 2AA call me 07700 900123 jo@example.com"},
    )
    link = re.search(r'font-size-24" href="([^"]+)"', response.content.decode()).group(1)
    client.get(link.replace("&amp;", "&"))
    search = FrontDoorSearch.objects.get()
    assert search.clicked_lgsl == 557
    assert "SW1A" not in search.query and "07700" not in search.query
    assert "jo@example.com" not in search.query
    assert search.query == "pothole on my road [postcode] call me [number] [email]"
    assert search.council is None  # no postcode or council given: justified in the model


def test_service_page_for_a_council(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/councils/oxford/services/524/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bin collections and missed bins" in html
    try:
        report_url = reverse("cases:report-start", args=[524])
    except NoReverseMatch:  # a site without the cases app: contact details, said plainly
        assert "Online reporting for this service is not open on Pocket Council yet" in html
        assert "Which bin was missed?" in html
    else:
        assert f'href="{report_url}?council=oxford"' in html and "Start now" in html
    assert "Handled by the Waste and recycling team." in html
    assert "01632 960 002" in html
    assert "Why was my bin not emptied?" in html


def test_a_service_without_a_form_has_no_start_button(client):
    html = client.get("/councils/oxford/services/487/").content.decode()  # planning permission
    assert "Start now" not in html
    assert "You cannot request this service online on Pocket Council yet" in html


def test_urgent_notice_is_shown_first(client):
    html = client.get("/councils/oxfordshire/services/557/").content.decode()
    assert "If anyone is in danger" in html


def test_another_tiers_service_points_to_the_provider(client):
    response = client.get("/councils/oxfordshire/services/524/")
    assert response.status_code == 404
    assert 'href="/councils/oxford/services/524/"' in response.content.decode()


def test_national_page_sends_a_postcode_to_the_responsible_council(client):
    response = client.get("/services/564/", {"postcode": "OX4 3BD"})
    assert response.headers["Location"] == "/councils/oxfordshire/services/564/"
    response = client.get("/services/564/", {"postcode": "SW1A 1AA"})
    assert "We could not find that postcode" in response.content.decode()
    assert client.get("/services/999999/").status_code == 404


def test_markdown_is_sanitised(client):
    Service.objects.filter(lgsl=524).update(
        how_to="Hello <script>alert(1)</script> [x](javascript:alert(1)) **bold**"
    )
    html = client.get("/councils/oxford/services/524/").content.decode()
    assert "<script>alert" not in html and "javascript:" not in html
    assert "<strong>bold</strong>" in html


def test_a_hidden_service_is_gone_for_that_council_only(client, demo):
    service = Service.objects.get(lgsl=524)
    actions.service_override_set(council=demo["oxford"], service=service, actor=None, hidden=True)
    assert client.get("/councils/oxford/services/524/").status_code == 404
    assert client.get("/councils/manchester/services/524/").status_code == 200


def test_faq_of_a_service_is_on_its_page(client):
    faq = ServiceFAQ.objects.filter(service__lgsl=564).first()
    assert faq.question in client.get("/councils/manchester/services/564/").content.decode()
