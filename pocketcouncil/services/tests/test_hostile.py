"""Hostile input against the front door: whatever is typed into "What do you need?", the
postcode box or the address bar, the answer is a page (200, or 404 for a council that does not
exist), never a 500, on SQLite and PostgreSQL; what is typed is shown as text; forged search
tokens change nothing."""

from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pocketcouncil.core.testing import hostile_settings
from pocketcouncil.services import queries, search
from pocketcouncil.services.models import FrontDoorSearch

pytestmark = pytest.mark.django_db

FAST = hostile_settings(40)

HOSTILE = [
    "\x00",
    "bins\x00not emptied",
    "' OR 1=1 --",
    "bins'; DROP TABLE services_service; --",
    "%",
    "_",
    "\\",
    "<script>alert(1)</script>",
    "😀🗑️🚮",
    "\u202e\u200b\ufeff",
    "x" * 10_000,
    "OX4 3BD " * 50,
    "pothole OX4 3BD",
    "bins M1 1AA",
    "",
    "   ",
]
query_text = st.one_of(st.text(max_size=60), st.text(max_size=300), st.sampled_from(HOSTILE))
postcode_text = st.one_of(
    st.text(max_size=12), st.sampled_from(["OX4 3BD", "ox43bd", "OX4\x003BD", "ZZ99 9ZZ", "OX4"])
)


council_text = st.text(max_size=20)


@FAST
@given(text=query_text)
def test_search_words_never_fail(text):
    assert all(isinstance(t, str) and t for t in search.tokens(text))
    assert isinstance(search.normalise(text), str)
    rest, postcode = queries.postcode_in_text(text)
    assert isinstance(rest, str) and (postcode is None or isinstance(postcode, str))


@hostile_settings(25)
@given(text=query_text)
def test_front_door_search_answers_any_text(text):
    outcome = queries.front_door_search(text=text, limit=6)
    assert len(outcome.results) <= 6
    assert len(outcome.query) <= queries.QUERY_MAX_LENGTH
    assert all(r.lgsl > 0 and r.name for r in outcome.results)


@FAST
@given(
    q=query_text,
    postcode=postcode_text,
    council=st.one_of(st.just(""), st.just("oxford"), council_text),
)
def test_search_page_answers_anything_with_a_page(client, q, postcode, council):
    before = FrontDoorSearch.objects.count()
    params = {"q": q, "postcode": postcode}
    if council:
        params["council"] = council
    response = client.get(reverse("services:search"), params)
    allowed = (200, 404) if council.strip() not in ("", "oxford") else (200,)
    assert response.status_code in allowed, response.status_code
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    # At most the one search is recorded, and only when it was answered.
    assert FrontDoorSearch.objects.count() - before in (0, 1)
    if FrontDoorSearch.objects.count() > before:
        assert "govuk-error-summary" not in html


def test_a_typed_script_is_shown_as_text(client):
    evil = "<script>alert(1)</script>"
    html = client.get(reverse("services:search"), {"q": evil}).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("q", ["", "x" * 2001, "\x00", "bins\x00"])
def test_unusable_questions_get_an_error_summary_and_record_nothing(client, q):
    before = FrontDoorSearch.objects.count()
    response = client.get(reverse("services:search"), {"q": q})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert FrontDoorSearch.objects.count() == before


@pytest.mark.parametrize(
    "value", ["' OR 1=1 --", "%", "1; DROP TABLE services_service", "\x00", "9" * 40]
)
def test_sql_injection_through_the_search_changes_nothing(client, value):
    from pocketcouncil.services.models import Service

    services = Service.objects.count()
    response = client.get(
        reverse("services:search"), {"q": f"bins {value}", "postcode": value[:10]}
    )
    assert response.status_code == 200
    assert Service.objects.count() == services


@FAST
@given(postcode=st.one_of(postcode_text, st.text(max_size=500)))
def test_service_page_postcode_box_answers_with_a_page_or_a_redirect(client, postcode):
    response = client.get(reverse("services:service-national", args=[524]), {"postcode": postcode})
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"].startswith("/councils/")


@FAST
@given(q=st.one_of(query_text, postcode_text))
def test_find_your_council_answers_any_text(client, q):
    response = client.get(reverse("find"), {"q": q})
    assert response.status_code == 200


@FAST
@given(council=council_text.filter(bool))
def test_unknown_councils_in_the_address_are_404(client, council):
    if council.strip() in ("oxford", "manchester", "oxfordshire"):
        return
    for name in ["services:index", "services:search"]:
        response = client.get(reverse(name), {"council": council, "q": "bins"})
        assert response.status_code in (200, 404)


@FAST
@given(token=st.one_of(st.text(max_size=80), st.sampled_from(["1", "eyJ9", "1:abc:def"])))
def test_forged_search_tokens_change_nothing(client, token):
    search_row = FrontDoorSearch.objects.create(query="bins", shown=[524])
    response = client.post(reverse("services:answer-feedback"), {"search": token, "helped": "yes"})
    assert response.status_code == 302
    response = client.get(reverse("services:service-national", args=[524]), {"s": token})
    assert response.status_code == 200
    search_row.refresh_from_db()
    assert search_row.clicked_lgsl is None and search_row.answer_helped is None


def test_a_nul_in_the_council_parameter_is_404(client):
    for name in ["services:index", "services:search"]:
        response = client.get(reverse(name), {"council": "ox\x00ford", "q": "bins"})
        assert response.status_code == 404


@pytest.mark.parametrize("lgsl", ["0", "999999", "9" * 30])
def test_guessed_service_numbers_are_404(client, lgsl):
    assert client.get(f"/services/{lgsl}/").status_code == 404
    assert client.get(f"/councils/oxford/services/{lgsl}/").status_code == 404


@pytest.mark.parametrize("topic", ["\x00", "' OR 1=1 --", "9" * 40, quote("<script>")])
def test_made_up_topics_are_404(client, topic):
    assert client.get(f"/services/topics/{topic}/").status_code == 404
