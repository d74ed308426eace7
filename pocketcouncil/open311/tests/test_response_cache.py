"""Stored ``GET requests`` answers: served again while the council's cases are unchanged, never
after a change, never for errors, and not at all when turned off."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse

from pocketcouncil.cases import actions as case_actions
from pocketcouncil.cases.models import CasePhoto
from pocketcouncil.open311 import response_cache
from pocketcouncil.open311.tests.test_server import (
    get,
    make_case,
    post,
    report,
    staff_of,
)

pytestmark = pytest.mark.django_db


def listed(base, **params) -> dict[str, dict]:
    response = get(base, "requests.json", jurisdiction_id="oxford", **params)
    assert response.status_code == 200, response.text
    return {r["service_request_id"]: r for r in response.json()}


def warm(base, **params) -> dict[str, dict]:
    """Ask twice: the first answer starts the council's generation, the second is stored."""
    listed(base, **params)
    return listed(base, **params)


def test_an_unchanged_answer_is_served_without_the_database(
    http_server, point, django_assert_num_queries
):
    case = make_case(point)
    warm(http_server)
    with django_assert_num_queries(0):
        again = listed(http_server)
    assert case.reference in again


def test_a_new_case_shows_in_the_next_answer(http_server, point):
    warm(http_server)
    case = make_case(point)
    assert case.reference in listed(http_server)


def test_a_case_posted_through_open311_shows_in_the_posters_next_answer(http_server, point, key):
    warm(http_server)
    made = post(http_server, **report(point, key)).json()[0]
    assert made["service_request_id"] in listed(http_server)


def test_a_status_change_shows_in_the_next_answer(http_server, point, demo):
    case = make_case(point)
    assert warm(http_server)[case.reference]["status"] == "open"
    case_actions.case_transition(case=case, to="resolved", actor=staff_of(demo["oxford"]))
    assert listed(http_server)[case.reference]["status"] == "closed"


def test_a_new_photo_shows_in_the_next_answer(http_server, point):
    case = make_case(point)
    assert warm(http_server)[case.reference]["media_url"] is None
    CasePhoto.objects.create(
        council=case.council, case=case, token="t" * 32, image="cases/x.jpg", is_public=True
    )
    assert listed(http_server)[case.reference]["media_url"].endswith("t" * 32 + ".jpg")


def test_a_write_in_another_council_keeps_this_councils_answers(http_server, point, demo):
    warm(http_server)
    generation = cache.get(response_cache._generation_key("oxford"))
    response_cache.council_changed(demo["manchester"].pk)
    assert cache.get(response_cache._generation_key("oxford")) == generation


def test_each_query_has_its_own_answer(http_server, point):
    case = make_case(point)
    warm(http_server)
    assert case.reference not in warm(http_server, status="closed")
    assert case.reference in warm(http_server, status="open")
    assert len(warm(http_server, page_size="1")) == 1
    xml = get(http_server, "requests.xml", jurisdiction_id="oxford")
    assert xml.headers["Content-Type"].startswith("text/xml")
    assert xml.headers["Access-Control-Allow-Origin"] == "*"


def test_errors_are_never_stored(http_server):
    for _ in range(3):
        response = get(http_server, "requests.json", jurisdiction_id="nowhere")
        assert response.status_code == 404
    assert cache.get(response_cache._generation_key("nowhere")) is None


def test_a_slug_that_is_not_a_slug_skips_the_cache(http_server):
    response = get(http_server, "requests.json", jurisdiction_id="a b\u00e9" * 100)
    assert response.status_code == 404


def test_turned_off_every_answer_is_built(http_server, point, settings, django_assert_num_queries):
    settings.OPEN311_RESPONSE_CACHE_SECONDS = 0
    warm(http_server)
    with django_assert_num_queries(3):
        listed(http_server)


def test_an_answer_built_during_a_write_is_not_served_after_it_commits(
    point, django_capture_on_commit_callbacks
):
    """The race the second bump closes: an answer built from the database while a write was in
    flight (so without the change) must not outlive the write's commit."""
    parts = ("json", "en-gb", "http://x", [], [], [], None, 50, 1)

    def build(body):
        return lambda: HttpResponse(body, content_type="application/json")

    response_cache.cached("oxford", parts, build(b"[1]"))  # starts the generation
    with django_capture_on_commit_callbacks() as on_commit:
        make_case(point)  # bumps now; the second bump waits for the commit
        # Another process answers between the write and its commit, from the old data.
        assert response_cache.cached("oxford", parts, build(b"[old]")).content == b"[old]"
        assert response_cache.cached("oxford", parts, build(b"[new]")).content == b"[old]"
    assert on_commit
    for callback in on_commit:
        callback()  # the commit
    assert response_cache.cached("oxford", parts, build(b"[new]")).content == b"[new]"


def test_a_process_keeps_copies_within_its_byte_limit_and_never_past_expiry():
    local = response_cache._LocalAnswers(max_bytes=10)
    future = time.time() + 60
    local.put("a", ("g", "application/json", b"123456", future))
    local.put("b", ("g", "application/json", b"1234", future))
    assert local.get("a") is not None  # now the most recently used
    local.put("c", ("g", "application/json", b"12", future))  # 12 bytes: drops "b", not "a"
    assert local.get("b") is None
    assert local.get("a") is not None and local.get("c") is not None
    assert local.bytes == 8
    local.put("old", ("g", "application/json", b"", time.time() - 1))
    assert local.get("old") is None


def test_a_process_copy_is_not_served_once_the_council_changes(http_server, point):
    """The copy in this process outlives the shared entry, but not a change."""
    case = make_case(point)
    warm(http_server)
    cache.delete_many([k for k in list(response_cache._local.entries) if ":oxford:" in k])
    assert case.reference in listed(http_server)  # from this process's copy
    case_actions.case_transition(case=case, to="resolved", actor=staff_of(case.council))
    assert listed(http_server)[case.reference]["status"] == "closed"
