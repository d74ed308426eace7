"""The resident's profile: every field with its purpose; change and remove, with warnings."""

import re

import pytest
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.db import models
from django.test import Client

from pocketcouncil.accounts import actions, personal_data, queries
from pocketcouncil.accounts.models import LevelRecord, Place, Profile, User
from pocketcouncil.accounts.tests.factories import UserFactory
from pocketcouncil.accounts.tests.test_sign_in import sign_in_by_code
from pocketcouncil.councils.models import Postcode
from pocketcouncil.notify.testing import deliver_pending, sms_outbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def amira():
    """A demo resident at level 2 (checked mobile and a home in Oxford)."""
    return User.objects.get(email="amira.khan@demo.pocketcouncil.example")


def test_every_model_with_personal_data_is_registered_with_every_field_explained():
    registered = {entry.model for entry in personal_data.entries()}
    for model in apps.get_app_config("accounts").get_models():
        points_at_person = model is User or any(
            isinstance(f, models.ForeignKey) and f.related_model is User
            for f in model._meta.get_fields()
            if f.concrete
        )
        if model.__name__ == "StaffRole":
            continue  # staff data, not a resident's: shown on the staff page
        assert not points_at_person or model in registered, f"{model.__name__} not registered"
    for entry in personal_data.entries():
        concrete = {f.name for f in entry.model._meta.get_fields() if f.concrete or f.many_to_many}
        unexplained = concrete - set(entry.fields) - set(entry.technical)
        assert not unexplained, f"{entry.model.__name__}: {unexplained} say nothing about why"
        assert all(str(purpose).startswith("Why we hold it") for purpose in entry.fields.values())


def test_the_data_page_lists_every_stored_field_with_its_purpose(client, amira):
    client.force_login(amira)
    html = client.get("/your-account/data/").content.decode()
    for entry in personal_data.entries():
        if entry.queryset_for(amira).exists():
            for name, purpose in entry.fields.items():
                assert f'data-field="{name}"' in html, name
                assert str(purpose).replace("'", "&#x27;") in html, name
    assert "+447700900101" in html
    assert "12 Cowley Road" in html


def test_the_profile_shows_level_and_how_it_was_reached(client, amira):
    client.force_login(amira)
    html = client.get("/your-account/").content.decode()
    assert "level 2</strong> of 3" in html
    assert "code sent by text message" in html
    assert "12 Cowley Road, OX4 3BD" in html


def test_removing_the_mobile_warns_first_then_lowers_the_level(client, amira):
    client.force_login(amira)
    before = client.session.session_key
    html = client.get("/your-account/mobile/remove/").content.decode()
    assert "will go down from level 2 to level 1" in html
    assert queries.level_for(amira) == 2  # looking at the warning changes nothing

    response = client.post("/your-account/mobile/remove/")
    assert response["Location"] == "/your-account/"
    assert queries.level_for(amira) == 1
    assert client.session.session_key != before
    lost = LevelRecord.objects.get(user=amira, level=2)
    assert lost.lost_at is not None
    assert lost.lost_reason == "mobile removed"
    assert Profile.objects.get(user=amira).mobile == ""


def test_removing_another_place_gives_no_level_warning(client, amira):
    place, _change = actions.place_save(
        user=amira, kind="other", name="Work", address="1 High St", postcode="OX1 1RX", actor=amira
    )
    client.force_login(amira)
    html = client.get(f"/your-account/places/{place.pk}/remove/").content.decode()
    assert "will go down" not in html
    client.post(f"/your-account/places/{place.pk}/remove/")
    assert not Place.objects.filter(pk=place.pk).exists()
    assert queries.level_for(amira) == 2


def test_someone_elses_place_is_not_found(client, amira):
    client.force_login(UserFactory())
    place = Place.objects.get(user=amira)
    assert client.get(f"/your-account/places/{place.pk}/").status_code == 404
    assert client.post(f"/your-account/places/{place.pk}/remove/").status_code == 404
    assert Place.objects.filter(pk=place.pk).exists()


@pytest.mark.parametrize(
    ("postcode", "message"),
    [
        ("", "Enter the postcode"),
        ("banana", "Enter a full postcode, like OX4 3BD"),
        ("OX9 9ZZ", "We could not find the postcode OX9 9ZZ"),
        ("ZE1 0AA", "is not in an area served by a council on Pocket Council"),
    ],
)
def test_a_bad_home_address_gets_a_clear_error_and_changes_nothing(client, postcode, message):
    Postcode.objects.create(postcode="ZE1 0AA", latitude=60.15, longitude=-1.14)  # Shetland
    resident = UserFactory()
    client.force_login(resident)
    response = client.post("/your-account/home/", {"address": "1 Main St", "postcode": postcode})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<title>Error:" in html
    assert not Place.objects.filter(user=resident).exists()


def test_a_wrong_sms_code_is_refused_and_too_many_tries_stop_the_code(client, settings):
    resident = UserFactory()
    client.force_login(resident)
    client.post("/your-account/mobile/", {"mobile": "07700900555"})
    deliver_pending()
    assert sms_outbox[-1]["body"].count("Pocket Council") == 1
    for _ in range(settings.ACCOUNTS_SMS_CODE_MAX_ATTEMPTS):
        html = client.post("/your-account/mobile/code/", {"code": "000000"}).content.decode()
        assert "That code is not right" in html
    right = re.search(r"\d{6}", sms_outbox[-1]["body"]).group(0)
    html = client.post("/your-account/mobile/code/", {"code": right}).content.decode()
    assert "entered wrongly too many times" in html
    assert queries.verified_mobile_for(resident) is None


def test_sms_codes_are_rate_limited_per_account(client):
    resident = UserFactory()
    client.force_login(resident)
    statuses = [
        client.post("/your-account/mobile/", {"mobile": "07700900555"}).status_code
        for _ in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
    deliver_pending()
    assert len(sms_outbox) == 3


def test_a_non_uk_mobile_is_refused_with_an_example(client):
    client.force_login(UserFactory())
    html = client.post("/your-account/mobile/", {"mobile": "12345"}).content.decode()
    assert "Enter a UK mobile number, like 07700 900 982" in html
    assert not sms_outbox


def test_interests_and_channels_are_stored_for_other_apps(client):
    resident = UserFactory()
    client.force_login(resident)
    client.post("/your-account/topics/", {"topics": ["bins", "parking"]})
    assert sorted(queries.interests_for(resident)) == ["bins", "parking"]
    client.post("/your-account/contact/", {"channels": ["email", "push"]})
    assert queries.channel_preferences_for(resident) == {
        "email": True,
        "sms": False,
        "push": True,
        "in_app": False,
    }
    # Text messages need a checked mobile number.
    html = client.post("/your-account/contact/", {"channels": ["sms"]}).content.decode()
    assert "Add and check a mobile number" in html
    assert queries.channel_preferences_for(resident)["sms"] is False


def test_places_for_lists_home_first(amira):
    actions.place_save(
        user=amira,
        kind="other",
        name="Allotment",
        address="Plot 4",
        postcode="OX1 1RX",
        actor=amira,
    )
    assert [p.kind for p in queries.places_for(amira)] == ["home", "other"]


def test_sign_out_everywhere_ends_every_session(amira):
    phone, laptop = Client(), Client()
    for device in (phone, laptop):
        sign_in_by_code(device, amira.email)
    assert UserSession.objects.filter(user=amira).count() == 2
    html = phone.get("/your-account/sign-out-everywhere/").content.decode()
    assert "every phone, tablet and computer" in html
    phone.post("/your-account/sign-out-everywhere/")
    assert laptop.get("/your-account/").status_code == 302  # signed out
    assert phone.get("/your-account/").status_code == 302
    assert UserSession.objects.filter(user=amira).count() == 0


def test_profile_pages_need_sign_in(client):
    response = client.get("/your-account/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/code/")


def test_the_profile_page_does_a_fixed_number_of_queries(
    client, amira, django_assert_max_num_queries
):
    for n in range(5):
        actions.place_save(
            user=amira, kind="other", name=f"P{n}", address="x", postcode="OX1 1RX", actor=amira
        )
    client.force_login(amira)
    with django_assert_max_num_queries(25):
        assert client.get("/your-account/").status_code == 200


def test_the_data_page_does_not_query_per_row(client, amira, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(amira)
    with CaptureQueriesContext(connection) as few:
        client.get("/your-account/data/")
    for n in range(10):
        actions.full_name_update(user=amira, full_name=f"Amira {n}", actor=amira)
        actions.place_save(
            user=amira, kind="other", name=f"P{n}", address="x", postcode="OX1 1RX", actor=amira
        )
    with django_assert_num_queries(len(few.captured_queries)):
        assert client.get("/your-account/data/").status_code == 200


def test_export_and_anonymise_through_the_register(amira):
    exported = personal_data.export_for(amira)
    assert exported["accounts.Place"][0]["address"] == "12 Cowley Road"
    assert exported["accounts.Profile"][0]["mobile"] == "+447700900101"
    personal_data.anonymise_for(amira)
    amira.refresh_from_db()
    assert not amira.is_active
    assert amira.full_name == ""
    assert not Place.objects.filter(user=amira).exists()
    assert queries.level_for(amira) == 0
