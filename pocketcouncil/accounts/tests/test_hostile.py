"""Hostile input against the resident's account pages: every form answers with a clear error or
a success, never a 500, and saves nothing when it refuses; ``next`` never leaves the site; a
guessed place id is a 404; codes cannot be flooded."""

from urllib.parse import urlencode, urlsplit

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pocketcouncil.accounts import actions
from pocketcouncil.accounts.models import (
    ChannelPreference,
    Interest,
    MobileCode,
    Place,
    Profile,
    User,
)
from pocketcouncil.accounts.tests.factories import UserFactory
from pocketcouncil.core.testing import hostile_settings
from pocketcouncil.notify.testing import sms_outbox

pytestmark = pytest.mark.django_db

FAST = hostile_settings(40)
DEMO = "demo.pocketcouncil.example"
C0_AND_SPACE = "".join(map(chr, range(0x21)))

hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(max_size=400),
    st.sampled_from(
        [
            "",
            "\x00",
            "a\x00b",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "😀" * 30,
            "\u202e\u200b",
            " " * 50,
            "9" * 250,
        ]
    ),
)


def _snapshot(user: User):
    """Everything the account forms can change for ``user``."""
    user.refresh_from_db()
    profile = Profile.objects.filter(user=user).values_list("mobile", "mobile_verified_at")
    return (
        user.full_name,
        list(profile),
        sorted(Place.objects.filter(user=user).values_list("pk", "name", "address", "postcode")),
        sorted(Interest.objects.filter(user=user).values_list("topic", flat=True)),
        sorted(ChannelPreference.objects.filter(user=user).values_list("channel", "enabled")),
        MobileCode.objects.filter(user=user).count(),
    )


@pytest.fixture
def amira():
    """A demo resident at level 2 (checked mobile and a home in Oxford)."""
    return User.objects.get(email=f"amira.khan@{DEMO}")


# ---------------------------------------------------------------------------------------------
# The mobile number parser


@FAST
@given(
    text=st.one_of(
        st.text(max_size=40),
        st.from_regex(r"\A(\+44|0044|44|0)?[ \-()]{0,3}7[0-9 \-()]{0,14}\Z"),
    )
)
def test_mobile_normalise_gives_a_uk_mobile_or_a_clear_error(text):
    try:
        mobile = actions.mobile_normalise(text)
    except actions.MobileNumberInvalidError as error:
        assert str(error).startswith("Enter")
        return
    assert mobile.startswith("+447") and len(mobile) == 13
    assert mobile[1:].isdigit()  # ASCII only: see the xfail test below


def test_mobile_normalise_refuses_full_width_digits():
    with pytest.raises(actions.MobileNumberInvalidError):
        actions.mobile_normalise("+447７００９００１２３")


@pytest.mark.parametrize("text", ["٠٧٧٠٠٩٠٠١٢٣", "07700 900 123\x00", "+4477009001234", "0"])
def test_mobile_normalise_refuses_lookalike_digits_and_extra_characters(text):
    with pytest.raises(actions.MobileNumberInvalidError):
        actions.mobile_normalise(text)


# ---------------------------------------------------------------------------------------------
# The forms, over HTTP, as a signed-in resident


def _post(client, name, data):
    # A browser always sends the CSRF token, so a form with every box unticked is not empty.
    return client.post(reverse(name), {"csrfmiddlewaretoken": "x", **data})


def _outcome(response):
    """'saved' (a redirect), 'refused' (the page again with an error summary) or a failure."""
    assert response.status_code in (200, 302, 429), response.status_code
    if response.status_code == 302:
        return "saved"
    html = response.content.decode()
    assert "govuk-error-summary" in html
    return "refused"


@FAST
@given(full_name=hostile_text)
def test_name_form(client, amira, full_name):
    client.force_login(amira)
    before = _snapshot(amira)
    if _outcome(_post(client, "accounts-name", {"full_name": full_name})) == "refused":
        assert _snapshot(amira) == before
    else:
        amira.refresh_from_db()
        assert amira.full_name == full_name.strip()
        assert "\x00" not in amira.full_name


@FAST
@given(mobile=hostile_text)
def test_mobile_form(client, amira, mobile):
    sms_outbox.clear()
    cache.clear()  # the rate limit is tested on its own below
    client.force_login(amira)
    before = _snapshot(amira)
    if _outcome(_post(client, "accounts-mobile", {"mobile": mobile})) == "refused":
        assert _snapshot(amira) == before
        assert not sms_outbox


@FAST
@given(code=hostile_text)
def test_code_form_never_checks_a_number_with_a_wrong_code(client, code):
    resident = UserFactory()
    client.force_login(resident)
    actions.mobile_code_send(user=resident, mobile="+447700900555", actor=resident)
    response = _post(client, "accounts-mobile-code", {"code": code})
    assert response.status_code in (200, 429)
    assert "govuk-error-summary" in response.content.decode()
    assert not Profile.objects.filter(user=resident, mobile_verified_at__isnull=False).exists()


@FAST
@given(name=hostile_text, address=hostile_text, postcode=hostile_text)
def test_place_form(client, amira, name, address, postcode):
    client.force_login(amira)
    before = _snapshot(amira)
    data = {"name": name, "address": address, "postcode": postcode}
    if _outcome(_post(client, "accounts-place-add", data)) == "refused":
        assert _snapshot(amira) == before


@FAST
@given(
    topics=st.lists(
        st.one_of(st.text(max_size=12), st.sampled_from(["bins", "parks"])), max_size=4
    ),
    channels=st.lists(
        st.one_of(st.text(max_size=12), st.sampled_from(["email", "sms", "push", "inbox"])),
        max_size=4,
    ),
)
def test_interests_and_channels_forms(client, topics, channels):
    resident = UserFactory()  # no checked mobile, so text messages are refused
    client.force_login(resident)
    before = _snapshot(resident)
    if _outcome(_post(client, "accounts-interests", {"topics": topics})) == "refused":
        assert _snapshot(resident) == before
    else:
        assert set(_snapshot(resident)[3]) == set(topics)
    before = _snapshot(resident)
    if _outcome(_post(client, "accounts-channels", {"channels": channels})) == "refused":
        assert _snapshot(resident) == before
    else:
        assert "sms" not in channels


def test_a_stored_script_in_a_name_or_address_is_shown_as_text(client, amira):
    client.force_login(amira)
    evil = "<script>alert(1)</script>"
    assert _post(client, "accounts-name", {"full_name": evil}).status_code == 302
    response = _post(
        client, "accounts-place-add", {"name": evil, "address": evil, "postcode": "OX4 3BD"}
    )
    assert response.status_code == 302
    for url in ["/your-account/", "/your-account/data/", "/"]:
        html = client.get(url).content.decode()
        assert "<script>alert(1)" not in html, url
    assert "&lt;script&gt;alert(1)" in client.get("/your-account/data/").content.decode()


def test_account_forms_need_a_csrf_token(amira):
    client = Client(enforce_csrf_checks=True)
    client.force_login(amira)
    before = _snapshot(amira)
    for name, data in [
        ("accounts-name", {"full_name": "Mallory"}),
        ("accounts-mobile", {"mobile": "07700900999"}),
        ("accounts-place-add", {"address": "1 High St", "postcode": "OX4 3BD"}),
        ("accounts-interests", {"topics": ["parks"]}),
        ("accounts-channels", {"channels": []}),
        ("accounts-mobile-remove", {}),
    ]:
        assert _post(client, name, data).status_code == 403, name
    assert _snapshot(amira) == before


# ---------------------------------------------------------------------------------------------
# Open redirects on ``next`` (the step-up return address)


def _browser_view(location: str):
    """How a browser reads a Location header: tabs and newlines dropped, leading control
    characters and spaces dropped, backslashes read as slashes."""
    cleaned = "".join(c for c in location if c not in "\t\n\r").lstrip(C0_AND_SPACE)
    return urlsplit(cleaned.replace("\\", "/"))


next_values = st.one_of(
    st.text(max_size=40),
    st.lists(
        st.sampled_from(
            ["/", "//", "\\", "\t", "\n", "evil.example", "https:", "http:", "javascript:",
             "@", "%2f", "%5c", "..", ".", "?", "#", "\x00", " ", "\u3002", "/your-account/"]
        ),
        max_size=8,
    ).map("".join),
)  # fmt: skip


@hostile_settings(80)
@given(nxt=next_values, where=st.sampled_from(["post", "query"]))
def test_next_never_leaves_the_site(client, amira, nxt, where):
    client.force_login(amira)
    url = reverse("accounts-name")
    data = {"full_name": "Amira Khan"}
    if where == "post":
        response = client.post(url, {**data, "next": nxt})
    else:
        response = client.post(f"{url}?{urlencode({'next': nxt})}", data)
    assert response.status_code == 302
    target = _browser_view(response["Location"])
    assert target.scheme == "" and target.netloc == "", response["Location"]
    assert response["Location"].startswith("/")


@pytest.mark.parametrize(
    "evil",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "/\t/evil.example",
        "\t//evil.example",
        "///evil.example",
        "https:evil.example",
        "javascript:alert(1)",
    ],
)
def test_step_up_pages_carry_next_only_when_it_is_local(client, amira, evil):
    client.force_login(amira)
    for name in ["accounts-mobile", "accounts-home", "accounts-mobile-code"]:
        html = client.get(reverse(name), {"next": evil}).content.decode()
        assert "evil.example" not in html and "javascript:" not in html, name


# ---------------------------------------------------------------------------------------------
# Guessing ids of other people's places


def test_another_residents_place_is_404_and_unchanged(client, amira):
    mallory = UserFactory()
    client.force_login(mallory)
    place = Place.objects.filter(user=amira).first()
    before = _snapshot(amira)
    edit = reverse("accounts-place-edit", args=[place.pk])
    remove = reverse("accounts-place-remove", args=[place.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"address": "Mine now", "postcode": "OX4 3BD"}).status_code == 404
    assert client.get(remove).status_code == 404
    assert client.post(remove).status_code == 404
    assert _snapshot(amira) == before
    assert not Place.objects.filter(user=mallory).exists()


@pytest.mark.parametrize("pk", ["0", "999999999", "9" * 30])
def test_guessed_place_ids_are_404(client, amira, pk):
    client.force_login(amira)
    assert client.get(f"/your-account/places/{pk}/").status_code == 404
    assert client.post(f"/your-account/places/{pk}/remove/").status_code == 404


def test_account_pages_need_sign_in_and_show_nobody_elses_data(client, amira):
    for url in ["/your-account/", "/your-account/data/", "/your-account/name/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    assert "12 Cowley Road" not in client.get("/your-account/data/").content.decode()


# ---------------------------------------------------------------------------------------------
# Floods of text-message codes


def test_a_flood_of_code_requests_is_refused_after_three(client):
    resident = UserFactory()
    client.force_login(resident)
    statuses = [
        _post(client, "accounts-mobile", {"mobile": f"0770090{n:04d}"}).status_code
        for n in range(10)
    ]
    assert statuses[:3] == [302, 302, 302]
    assert set(statuses[3:]) == {429}
    assert MobileCode.objects.filter(user=resident).count() == 3


def test_a_flood_of_wrong_codes_is_refused_and_never_checks_the_number(client):
    resident = UserFactory()
    client.force_login(resident)
    actions.mobile_code_send(user=resident, mobile="+447700900555", actor=resident)
    statuses = [
        _post(client, "accounts-mobile-code", {"code": f"{n:06d}"}).status_code for n in range(30)
    ]
    assert 429 in statuses
    assert not Profile.objects.filter(user=resident, mobile_verified_at__isnull=False).exists()
