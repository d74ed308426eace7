"""The staff pages for a council's service content: list, edit with preview, history, revert,
settings; GOV.UK errors for bad input; another council's staff are refused."""

import pytest
from django.urls import reverse

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.services.models import CouncilService, CouncilServiceVersion

pytestmark = pytest.mark.django_db

DEMO = "demo.pocketcouncil.example"


def person(name):
    return User.objects.get(email=f"{name}@{DEMO}")


def edit_url(slug="oxford", lgsl=524):
    return reverse("services:staff-content-edit", args=[slug, lgsl])


def form_data(client, **changes):
    """What the edit page would post if nothing was typed, with ``changes``."""
    page = client.get(edit_url())
    form = page.context["form"]
    data = {
        name: form.initial.get(name, field.initial) or "" for name, field in form.fields.items()
    }
    data["review_by"] = ""
    data.update(faq_rows=form.faq_count, link_rows=form.link_count, **changes)
    return data


def test_a_service_manager_previews_then_saves_an_answer(client, demo):
    sign_in_with_mfa(client, person("service-manager.oxford"))
    data = form_data(client, summary="Oxford collects bins every week.", action="preview")
    page = client.post(edit_url(), data)
    assert page.status_code == 200
    assert (
        "Preview" in page.content.decode()
        and "Oxford collects bins every week." in page.content.decode()
    )
    assert not CouncilService.objects.filter(council=demo["oxford"], service__lgsl=524).exists()

    data["action"] = "save"
    response = client.post(edit_url(), data)
    assert response.status_code == 302
    resident_page = client.get(reverse("services:service-detail", args=["oxford", 524]))
    assert "Oxford collects bins every week." in resident_page.content.decode()
    version = CouncilServiceVersion.objects.get(council=demo["oxford"])
    assert version.changed == ["summary"]


def test_report_on_our_site_needs_an_address_and_sends_residents_there(client, demo):
    sign_in_with_mfa(client, person("service-manager.oxford"))
    data = form_data(client, report="elsewhere", action="save")
    response = client.post(edit_url(), data)
    assert response.status_code == 400
    assert "govuk-error-summary" in response.content.decode()
    assert "Enter the web address" in response.content.decode()
    data["report_url"] = "https://www.oxford.gov.uk/bins/report"
    assert client.post(edit_url(), data).status_code == 302
    page = client.get(reverse("services:service-detail", args=["oxford", 524])).content.decode()
    assert 'href="https://www.oxford.gov.uk/bins/report"' in page


def test_add_more_questions_keeps_what_was_typed(client, demo):
    sign_in_with_mfa(client, person("service-manager.oxford"))
    data = form_data(client, summary="Typed but not saved.", action="more_faqs")
    rows = data["faq_rows"]
    page = client.post(edit_url(), data)
    assert page.context["form"].faq_count == rows + 2
    assert "Typed but not saved." in page.content.decode()
    assert not CouncilServiceVersion.objects.exists()


def test_history_and_revert(client, demo):
    sign_in_with_mfa(client, person("service-manager.oxford"))
    client.post(edit_url(), form_data(client, summary="One.", action="save"))
    client.post(edit_url(), form_data(client, summary="Two.", action="save"))
    history = reverse("services:staff-content-history", args=["oxford", 524])
    page = client.get(history).content.decode()
    assert "Version 2" in page and "Version 1" in page and "service-manager.oxford@" in page
    revert = reverse("services:staff-content-revert", args=["oxford", 524])
    assert client.post(revert, {"number": "1"}).status_code == 302
    detail = client.get(reverse("services:service-detail", args=["oxford", 524])).content.decode()
    assert "One." in detail and "Two." not in detail
    assert client.post(revert, {"number": "x"}).status_code == 302  # a message, not a 500
    assert CouncilServiceVersion.objects.count() == 3


def test_the_list_flags_overdue_reviews_and_finds_a_service_by_number(client, demo):
    sign_in_with_mfa(client, person("service-manager.oxford"))
    client.post(edit_url(), form_data(client, review_by="2020-01-01", action="save"))
    url = reverse("services:staff-content", args=["oxford"])
    page = client.get(url).content.decode()
    assert "Needs review" in page and "Overdue" in page
    assert client.get(url, {"lgsl": "524"})["Location"] == edit_url()
    missing = client.get(url, {"lgsl": "99999999"})
    assert missing.status_code == 400 and "govuk-error-summary" in missing.content.decode()


def test_settings_are_for_council_admins(client, demo):
    settings_url = reverse("services:staff-content-settings", args=["oxford", 524])
    sign_in_with_mfa(client, person("service-manager.oxford"))
    assert client.get(edit_url()).context["settings_form"] is None
    assert client.post(settings_url, {"hidden": "on"}).status_code == 403
    sign_in_with_mfa(client, person("council-admin.oxford"))
    assert client.get(edit_url()).context["settings_form"] is not None
    assert client.post(settings_url, {"hidden": "on"}).status_code == 302
    assert CouncilService.objects.get(council=demo["oxford"], service__lgsl=524).hidden


@pytest.mark.parametrize("who", ["service-manager.manchester", "case-officer.oxford"])
def test_other_councils_and_other_roles_are_refused(client, demo, who):
    sign_in_with_mfa(client, person(who))
    assert client.get(edit_url()).status_code == 403
    assert client.get(reverse("services:staff-content", args=["oxford"])).status_code == 403
    assert client.post(edit_url(), {"action": "save", "summary": "x"}).status_code == 403
    revert = reverse("services:staff-content-revert", args=["oxford", 524])
    assert client.post(revert, {"number": "0"}).status_code == 403
    assert not CouncilServiceVersion.objects.exists()


def test_the_staff_home_links_to_service_content(client, demo):
    sign_in_with_mfa(client, person("service-manager.oxford"))
    page = client.get(reverse("accounts-staff-home")).content.decode()
    assert reverse("services:staff-content", args=["oxford"]) in page
