"""News and disruptions in Welsh: the Welsh version, or the English with a notice."""

import pytest
from django.utils import translation

from pocketcouncil.accounts.models import StaffRoleKind
from pocketcouncil.accounts.tests.factories import StaffRoleFactory
from pocketcouncil.news import actions
from pocketcouncil.news.models import Announcement

pytestmark = pytest.mark.django_db

NOTICE = "Nid yw hyn wedi’i gyfieithu i’r Gymraeg eto."


@pytest.fixture
def editor(council):
    return StaffRoleFactory(council=council, role=StaffRoleKind.COUNCIL_ADMIN).user


def publish(council, editor, **welsh):
    return actions.announcement_publish(
        actor=editor,
        council=council,
        kind="news",
        title="Road closed",
        body="The high street is closed.",
        topic="roads",
        **welsh,
    )


def test_welsh_version_shows_on_welsh_pages_and_english_on_english(client, council, editor):
    item = publish(council, editor, title_cy="Ffordd ar gau", body_cy="Mae'r stryd fawr ar gau.")
    welsh = client.get(f"/cy/news/{item.pk}/").content.decode()
    assert "Ffordd ar gau" in welsh and "Road closed" not in welsh
    assert NOTICE not in welsh
    english = client.get(f"/news/{item.pk}/").content.decode()
    assert "Road closed" in english and "Ffordd ar gau" not in english


def test_missing_welsh_shows_the_english_with_a_welsh_notice(client, council, editor):
    item = publish(council, editor)
    welsh = client.get(f"/cy/news/{item.pk}/").content.decode()
    assert "Road closed" in welsh and "The high street is closed." in welsh
    assert NOTICE in welsh and 'lang="cy"' in welsh
    assert NOTICE not in client.get(f"/news/{item.pk}/").content.decode()
    listing = client.get(f"/cy/councils/{council.slug}/news/").content.decode()
    assert "Road closed" in listing and NOTICE in listing


def test_english_typed_in_a_welsh_session_is_stored_as_the_english(council, editor):
    with translation.override("cy"):
        item = publish(council, editor)
    item = Announcement.objects.get(pk=item.pk)
    assert item.title_en_gb == "Road closed"
    assert item.title_cy is None


def test_staff_form_has_welsh_fields_and_saves_them(client, council, editor):
    from pocketcouncil.accounts.tests.factories import add_totp
    from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa

    add_totp(editor)
    sign_in_with_mfa(client, editor)
    response = client.get(f"/staff/{council.slug}/news/new/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="title_cy"' in html and 'name="body_cy"' in html
    client.post(
        f"/staff/{council.slug}/news/new/",
        {
            "kind": "news",
            "title": "Library open",
            "body": "Open late.",
            "title_cy": "Llyfrgell ar agor",
            "body_cy": "Ar agor yn hwyr.",
            "topic": "roads",
        },
    )
    item = Announcement.objects.get(council=council, title_en_gb="Library open")
    assert item.title_cy == "Llyfrgell ar agor" and item.body_cy == "Ar agor yn hwyr."


def test_followers_are_told_in_their_language(council, editor):
    from django.core import mail

    from pocketcouncil.accounts.tests.factories import UserFactory
    from pocketcouncil.notify import actions as notify
    from pocketcouncil.notify.testing import deliver_pending

    welsh, english = UserFactory(preferred_language="cy"), UserFactory()
    for user in (welsh, english):
        notify.subscription_create(
            actor=user,
            user=user,
            council=council,
            subject_kind="topic",
            subject_key="news",
            channels={"email": "instant"},
        )
    publish(council, editor, title_cy="Ffordd ar gau", body_cy="Mae'r stryd fawr ar gau.")
    deliver_pending()
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "Ffordd ar gau" in by_to[welsh.email].subject
    assert "/cy/news/" in by_to[welsh.email].body
    assert "Road closed" in by_to[english.email].subject
    assert "Ffordd" not in by_to[english.email].body
