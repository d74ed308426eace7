"""Staff pages: the delivery log (per resident, failures, per case) and the council's own
wording of messages, previewed before it is saved."""

import pytest
from django.urls import reverse

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.notify import actions
from pocketcouncil.notify.models import MessageTemplate, Notification, State
from pocketcouncil.notify.testing import deliver_pending

pytestmark = pytest.mark.django_db

DEMO = "demo.pocketcouncil.example"


def person(name):
    return User.objects.get(email=f"{name}@{DEMO}")


def message_to(resident, council, *, state=State.SENT, error="", key="k1"):
    return Notification.objects.create(
        council=council,
        recipient=resident,
        channel="email",
        to=resident.email,
        event="status_changed",
        subject="Your request is now in progress",
        body="...",
        idempotency_key=key,
        state=state,
        last_error=error,
    )


def log_url(slug="oxford"):
    return reverse("notify:staff-log", args=[slug])


def edit_url(event="status_changed", channel="sms", slug="oxford"):
    return reverse("notify:staff-template", args=[slug, event, channel])


def test_case_officer_sees_what_a_resident_was_sent(client, demo):
    amira = person("amira.khan")
    message_to(amira, demo["oxford"])
    message_to(amira, demo["manchester"], key="elsewhere")  # another council's: not shown
    sign_in_with_mfa(client, person("case-officer.oxford"))

    page = client.get(log_url(), {"email": amira.email.upper()}).content.decode()

    assert "Messages to amira.khan@" in page
    assert page.count("Your request is now in progress") == 1
    assert "Sent" in page


def test_unknown_email_and_bad_email_get_a_govuk_error(client, demo):
    sign_in_with_mfa(client, person("case-officer.oxford"))
    response = client.get(log_url(), {"email": "nobody@example.com"})
    assert response.status_code == 400
    assert "There is no account with that email address." in response.content.decode()
    response = client.get(log_url(), {"email": "not an email"})
    assert response.status_code == 400
    assert "Enter an email address in the correct format" in response.content.decode()
    assert 'class="govuk-error-summary"' in response.content.decode()


def test_failed_messages_are_listed_with_their_error(client, demo):
    message_to(
        person("grace.okafor"), demo["oxford"], state=State.FAILED, error="Mailbox full (552)"
    )
    sign_in_with_mfa(client, person("case-officer.oxford"))
    page = client.get(log_url()).content.decode()
    assert "Mailbox full (552)" in page
    assert "grace.okafor@" in page


def test_the_log_is_for_staff_of_that_council_only(client, demo):
    sign_in_with_mfa(client, person("case-officer.manchester"))
    assert client.get(log_url("oxford")).status_code == 403
    assert client.get(log_url("no-such-council")).status_code == 404


def test_preview_shows_the_wording_without_saving_it(client, demo):
    sign_in_with_mfa(client, person("council-admin.oxford"))
    body = "{{ council_name }}: {{ reference }} is now {{ status }}. " + "x" * 150
    response = client.post(edit_url(), {"action": "preview", "body": body})
    page = response.content.decode()
    assert response.status_code == 200
    assert f"{demo['oxford'].name}: OX-2026-00042 is now in progress." in page
    assert "sent as 2 text messages" in page
    assert not MessageTemplate.objects.filter(channel="sms").exists()


def test_save_then_messages_use_it_and_reset_goes_back(client, demo):
    sign_in_with_mfa(client, person("council-admin.oxford"))
    response = client.post(
        edit_url(channel="email"),
        {"action": "save", "subject": "Update: {{ reference }}", "body": "Now {{ status }}."},
    )
    assert response.status_code == 302
    own = MessageTemplate.objects.get(council=demo["oxford"], channel="email")
    assert own.body == "Now {{ status }}."
    assert own.updated_by == person("council-admin.oxford")
    listing = client.get(reverse("notify:staff-templates", args=["oxford"])).content.decode()
    assert "Your own" in listing

    client.post(edit_url(channel="email"), {"action": "reset"})
    assert not MessageTemplate.objects.filter(channel="email", event="status_changed").exists()


def test_a_template_mistake_is_refused_with_the_reason(client, demo):
    sign_in_with_mfa(client, person("council-admin.oxford"))
    response = client.post(edit_url(), {"action": "save", "body": "Hello {% if %}"})
    assert response.status_code == 400
    assert "There is a mistake in a {{ }} or {% %} part" in response.content.decode()
    response = client.post(edit_url(), {"action": "save", "body": ""})
    assert "Enter the message" in response.content.decode()
    assert not MessageTemplate.objects.filter(channel="sms").exists()


def test_wording_needs_the_permission_and_a_real_event(client, demo):
    sign_in_with_mfa(client, person("case-officer.oxford"))
    assert client.get(edit_url()).status_code == 403
    sign_in_with_mfa(client, person("council-admin.oxford"))
    assert client.get(edit_url(event="direct")).status_code == 404
    assert client.get(edit_url(channel="pigeon")).status_code == 404
    assert client.get(edit_url()).status_code == 200


def test_the_case_page_lists_messages_about_the_case(client, demo):
    from pocketcouncil.cases.models import Case

    case = Case.objects.filter(council=demo["oxford"], resident__isnull=False).first()
    actions.fan_out_for_subject(
        council=case.council,
        subject_kind="case",
        subject_key=str(case.pk),
        event="status_changed",
        context={"reference": case.reference, "title": "t", "status": "fixed", "url": "/c"},
        idempotency_key=f"test:{case.pk}",
    )
    deliver_pending()
    sign_in_with_mfa(client, person("case-officer.oxford"))
    page = client.get(reverse("cases:staff-case", args=["oxford", case.reference])).content
    assert b"Messages sent about this case" in page
    assert b"No messages have been sent about this case." not in page


def test_staff_home_links_each_page_the_role_allows(client, demo):
    sign_in_with_mfa(client, person("case-officer.oxford"))
    page = client.get("/staff/").content.decode()
    assert reverse("cases:staff-queue", args=["oxford"]) in page
    assert reverse("notify:staff-log", args=["oxford"]) in page
    assert reverse("notify:staff-templates", args=["oxford"]) not in page
    assert reverse("open311:staff-integrations", args=["oxford"]) not in page

    sign_in_with_mfa(client, person("council-admin.oxford"))
    page = client.get("/staff/").content.decode()
    for name in ("notify:staff-templates", "open311:staff-integrations", "engage:staff-index"):
        assert reverse(name, args=["oxford"]) in page
    assert "/staff/spending/?council=oxford" in page


def test_demo_data_shows_following_quiet_hours_and_own_wording(demo):
    from pocketcouncil.notify.models import Subscription

    amira = person("amira.khan")
    kinds = set(
        Subscription.objects.filter(user=amira, council=demo["oxford"]).values_list(
            "subject_kind", flat=True
        )
    )
    assert {"area", "topic"} <= kinds
    assert person("grace.okafor").notify_preferences.quiet_hours_start is not None
    assert MessageTemplate.objects.filter(council=demo["oxford"], event="status_changed").exists()
