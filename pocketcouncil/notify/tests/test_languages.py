"""Every message in the recipient's language; bilingual for councils under the Welsh Language
Standards (pocketcouncil.languages)."""

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import translation

from pocketcouncil.languages.models import Layout, WelshLanguageStandard
from pocketcouncil.notify import actions
from pocketcouncil.notify.models import Notification
from pocketcouncil.notify.testing import deliver_pending, sms_outbox
from pocketcouncil.notify.tests.factories import PreferencesFactory, UserFactory

pytestmark = pytest.mark.django_db

SITE = settings.POCKETCOUNCIL_SITE_URL
# What a caller stores (actions.in_every_language builds it): language-dependent values in each
# language. The Welsh here is the council's own content (modeltranslation), not the catalogue.
CONTEXT = {
    "reference": "TB-00042",
    "title": {"en-gb": "Pothole", "cy": "Twll yn y ffordd"},
    "status": {"en-gb": "in progress", "cy": "ar y gweill"},
    "url": {"en-gb": SITE + "/cases/TB-00042/", "cy": SITE + "/cy/cases/TB-00042/"},
}


def send(council, recipients, channels=("email",), key="k1", context=CONTEXT):
    return actions.notification_enqueue(
        council=council,
        event="status_changed",
        recipients=recipients,
        channels=list(channels),
        context=context,
        idempotency_key=key,
    )


def test_in_every_language_keeps_only_what_differs():
    context = actions.in_every_language(
        lambda: {"reference": "TB-1", "lang": translation.get_language()}
    )
    assert context == {"reference": "TB-1", "lang": {"en-gb": "en-gb", "cy": "cy"}}


def test_welsh_speaker_gets_welsh_and_english_speaker_english(council):
    welsh = UserFactory(preferred_language="cy")
    english = UserFactory()
    send(council, [welsh, english])
    assert deliver_pending() == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    cymraeg = by_to[welsh.email]
    assert "Twll yn y ffordd" in cymraeg.body and "ar y gweill" in cymraeg.subject
    assert SITE + "/cy/cases/TB-00042/" in cymraeg.body
    assert "Pothole" not in cymraeg.body
    saesneg = by_to[english.email]
    assert "Pothole" in saesneg.body and "Twll" not in saesneg.body


def test_sms_and_inbox_are_in_the_recipients_language_too(council):
    welsh = PreferencesFactory(sms_number="07700900111", user__preferred_language="cy").user
    send(council, [welsh], channels=("sms", "inbox"))
    deliver_pending()
    assert "Twll yn y ffordd" in sms_outbox[0]["body"]
    inbox = Notification.objects.get(recipient=welsh, channel="inbox")
    assert "Twll yn y ffordd" in inbox.body and "Pothole" not in inbox.body


def test_a_plain_link_in_old_context_is_moved_to_the_welsh_page(council):
    welsh = UserFactory(preferred_language="cy")
    send(council, [welsh], context={"reference": "TB-1", "url": SITE + "/cases/TB-1/"})
    deliver_pending()
    assert SITE + "/cy/cases/TB-1/" in mail.outbox[0].body


def test_welsh_council_writes_bilingually_welsh_first_to_those_who_did_not_choose(council):
    WelshLanguageStandard.objects.create(council=council, layout=Layout.WELSH_FIRST)
    english = UserFactory()
    send(council, [english])
    deliver_pending()
    (email,) = mail.outbox
    assert email.body.index("Twll yn y ffordd") < email.body.index("Pothole")
    assert email.subject.index("ar y gweill") < email.subject.index("in progress")
    html = email.alternatives[0][0]
    assert html.index("Twll yn y ffordd") < html.index("Pothole")
    assert "<table" not in html


def test_welsh_council_side_by_side_email_has_two_columns(council):
    WelshLanguageStandard.objects.create(council=council, layout=Layout.SIDE_BY_SIDE)
    send(council, [UserFactory()])
    deliver_pending()
    html = mail.outbox[0].alternatives[0][0]
    assert '<td style="vertical-align: top; width: 50%; padding: 0 12px" lang="cy">' in html
    welsh_cell, english_cell = html.split('lang="en-GB"')
    assert "Twll yn y ffordd" in welsh_cell and "Pothole" in english_cell


def test_welsh_council_writes_welsh_only_to_those_who_chose_welsh(council):
    WelshLanguageStandard.objects.create(council=council, layout=Layout.WELSH_FIRST)
    send(council, [UserFactory(preferred_language="cy")])
    deliver_pending()
    assert "Pothole" not in mail.outbox[0].body
    assert "Twll yn y ffordd" in mail.outbox[0].body


def test_council_wording_is_english_so_welsh_gets_the_default_wording(council):
    from pocketcouncil.notify.models import MessageTemplate

    MessageTemplate.objects.create(
        council=council,
        event="status_changed",
        channel="email",
        subject="Council says {{ reference }}",
        body="Our own English wording for {{ title }}",
    )
    welsh, english = UserFactory(preferred_language="cy"), UserFactory()
    send(council, [welsh, english])
    deliver_pending()
    by_to = {m.to[0]: m for m in mail.outbox}
    assert by_to[english.email].body.startswith("Our own English wording for Pothole")
    assert "Our own English wording" not in by_to[welsh.email].body
    assert "Twll yn y ffordd" in by_to[welsh.email].body


def test_digest_lines_are_in_the_recipients_language(council):
    welsh = UserFactory(preferred_language="cy")
    actions.subscription_create(
        actor=welsh,
        user=welsh,
        council=council,
        subject_kind="case",
        subject_key="42",
        channels={"email": "digest"},
    )
    actions.fan_out_for_subject(
        council=council,
        subject_kind="case",
        subject_key="42",
        event="status_changed",
        context=CONTEXT,
        idempotency_key="case:42:event:1",
    )
    held = Notification.objects.get(recipient=welsh)
    with time_machine.travel(held.next_attempt_at, tick=False):
        assert actions.digests_send_due() == 1
        deliver_pending()
    (email,) = mail.outbox
    assert "ar y gweill" in email.body and "in progress" not in email.body
    # The unsubscribe link is made while Welsh is active: the Welsh page.
    assert SITE + "/cy/notifications/unsubscribe/" in email.body
