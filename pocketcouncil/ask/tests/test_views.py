"""The "Ask us" page: answers from cases, bin rounds, contact details and the catalogue, always
ending in an action; questions without a good answer recorded per council for managers."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.ask.models import UnansweredQuestion
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.services.models import Service

pytestmark = pytest.mark.django_db

DEMO = "demo.pocketcouncil.example"
# Monday 2 February 2026: OX4 3BD (Iffley Fields) has a rubbish collection today (demo rounds).
MONDAY = datetime(2026, 2, 2, 12, tzinfo=UTC)


def person(name):
    return User.objects.get(email=f"{name}@{DEMO}")


def url(slug="oxford"):
    return reverse("ask:ask", args=[slug])


def ask(client, question, slug="oxford", partial=False, **extra):
    headers = {"HTTP_X_ASK_PARTIAL": "1"} if partial else {}
    return client.post(url(slug), {"question": question, **extra}, **headers)


def a_case(*, resident=None, email=""):
    point = councils_queries.postcode_get("OX4 3BD")
    return case_actions.case_create(
        service=Service.objects.get(lgsl=587),
        description="Black bags dumped by the gate.",
        actor=resident,
        resident=resident,
        lon=point.longitude,
        lat=point.latitude,
        reporter_email=email,
        reporter_name="" if resident else "A resident",
    )


def test_the_page_works_as_a_plain_form(client, demo):
    page = client.get(url()).content.decode()
    assert 'method="post"' in page and 'name="question"' in page and "js/ask.js" in page


def test_a_signed_in_resident_gets_the_status_of_their_report(client, demo):
    amira = person("amira.khan")
    case = a_case(resident=amira)
    client.force_login(amira)
    page = ask(client, f"where is my report {case.reference.lower()}?").content.decode()
    assert f"Your report {case.reference}" in page
    assert case.get_status_display() in page
    assert reverse("cases:detail", args=[case.reference]) in page


def test_without_signing_in_the_reference_and_the_email_used_are_needed(client, demo):
    case = a_case(email="sam@example.com")
    page = ask(client, f"any news on {case.reference}").content.decode()
    assert "Is this your report?" in page and case.get_status_display() not in page
    assert 'id="ask-email" open' in page  # the email field is opened for the next try
    wrong = ask(client, f"any news on {case.reference}", email="other@example.com")
    assert "We could not find that report" in wrong.content.decode()
    right = ask(client, f"any news on {case.reference}", email="SAM@example.com")
    assert f"Your report {case.reference}" in right.content.decode()


def test_another_councils_report_is_never_answered_here(client, demo):
    amira = person("amira.khan")
    case = a_case(resident=amira)
    client.force_login(amira)
    page = ask(client, f"where is {case.reference}", slug="manchester").content.decode()
    assert "We could not find that report" in page and case.get_status_display() not in page


def test_someone_elses_report_is_not_found_even_when_signed_in(client, demo):
    case = a_case(resident=person("amira.khan"))
    client.force_login(person("tom.evans"))
    page = ask(client, f"where is {case.reference}").content.decode()
    assert "We could not find that report" in page


@time_machine.travel(MONDAY, tick=False)
def test_bin_day_from_the_postcode(client, demo):
    asked = ask(client, "when is my bin day?").content.decode()
    assert "What is your postcode?" in asked
    page = ask(client, "when is my bin day?", postcode="OX4 3BD").content.decode()
    assert "Your next bin collections" in page and "Monday 2 February" in page
    assert reverse("news:place") in page  # the action: bin days and reminders
    typed = ask(client, "what day are my bins collected OX4 3BD").content.decode()
    assert "Monday 2 February" in typed


def test_opening_times_and_contact(client, demo):
    page = ask(client, "what are your opening times").content.decode()
    assert "Monday to Friday, 9am to 5pm" in page and "01632 960 002" in page


def test_a_service_question_ends_with_the_form_carrying_what_was_typed(client, demo):
    page = ask(client, "there is a pothole outside number 50 on hall road").content.decode()
    assert "What you can do next" in page
    assert "/report/" in page
    assert "description=there+is+a+pothole+outside+number+50" in page
    assert not UnansweredQuestion.objects.exists()


def test_the_report_start_page_carries_the_description_into_the_form(client, demo):
    start = reverse("cases:report-start", args=[587])
    page = client.get(start, {"council": "oxford", "description": "Bags by the gate"})
    assert 'name="description" value="Bags by the gate"' in page.content.decode()
    response = client.post(start, {"council": "oxford", "description": "Bags by the gate"})
    draft_id = response["Location"].rstrip("/").split("/")[-2]
    session = client.session
    drafts = next(v for k, v in session.items() if isinstance(v, dict) and draft_id in v)
    assert drafts[draft_id]["prefill"] == {"description": "Bags by the gate"}


def test_no_good_answer_is_recorded_for_that_council_without_personal_data(client, demo):
    page = ask(client, "zxqv wibble frobnicate sam@example.com OX4 3BD").content.decode()
    assert "We do not have an answer to that yet" in page
    assert "Email Oxford" in page or "Phone Oxford" in page  # never a dead end
    (row,) = UnansweredQuestion.objects.all()
    assert row.council == demo["oxford"]
    assert "sam@example.com" not in row.question and "OX4 3BD" not in row.question


def test_the_enhanced_page_gets_only_the_new_turn(client, demo):
    response = ask(client, "what are your opening times", partial=True)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div class="app-ask-turn') or "app-ask-turn" in body
    assert "<html" not in body


def test_bad_input_gets_a_govuk_error_not_a_500(client, demo):
    empty = ask(client, "")
    assert empty.status_code == 400 and "govuk-error-summary" in empty.content.decode()
    long = ask(client, "x" * 2001)
    assert long.status_code == 400 and "2,000 characters" in long.content.decode()
    assert ask(client, "a" * 1999).status_code == 200
    bad_email = ask(client, "where is OXF-26-000001", email="not-an-email")
    assert bad_email.status_code == 400


def test_unanswered_list_is_for_that_councils_managers_only(client, demo):
    ask(client, "zxqv wibble frobnicate")
    ask(client, "qwzx plonk", slug="manchester")
    staff_url = reverse("ask:staff-unanswered", args=["oxford"])
    sign_in_with_mfa(client, person("service-manager.oxford"))
    page = client.get(staff_url).content.decode()
    assert "zxqv wibble frobnicate" in page and "qwzx plonk" not in page
    sign_in_with_mfa(client, person("service-manager.manchester"))
    assert client.get(staff_url).status_code == 403
    sign_in_with_mfa(client, person("case-officer.oxford"))
    assert client.get(staff_url).status_code == 403


def test_pick_a_council_from_a_postcode(client, demo):
    response = client.get(reverse("ask:pick"), {"postcode": "OX4 3BD"})
    assert response.status_code in {200, 302}
    if response.status_code == 302:
        assert response["Location"] == url("oxford")
    else:
        assert url("oxford") in response.content.decode()
    bad = client.get(reverse("ask:pick"), {"postcode": "nonsense"})
    assert bad.status_code == 400 and "govuk-error-summary" in bad.content.decode()
