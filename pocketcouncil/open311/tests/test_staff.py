"""The staff integrations page: council admins issue and revoke Open311 keys."""

import pytest
from django.urls import reverse

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.open311 import queries
from pocketcouncil.open311.models import ApiClient
from pocketcouncil.open311.tests.factories import ApiClientFactory

pytestmark = pytest.mark.django_db

DEMO = "demo.pocketcouncil.example"


def staff(role, council):
    return User.objects.get(email=f"{role}.{council}@{DEMO}")


def url(slug="oxford"):
    return reverse("open311:staff-integrations", args=[slug])


def test_admin_makes_a_key_shown_once_and_stored_hashed(client, demo):
    sign_in_with_mfa(client, staff("council-admin", "oxford"))
    response = client.post(url(), {"name": "FixMyStreet", "rate_limit_per_minute": "30"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    made = ApiClient.objects.get(council=demo["oxford"], name="FixMyStreet")
    key = response.context["new_key"][1]
    assert key in response.content.decode()
    assert key not in made.key_digest
    assert queries.api_client_for_key(council=demo["oxford"], raw_key=key) == made
    assert queries.api_client_for_key(council=demo["manchester"], raw_key=key) is None
    assert made.rate_limit_per_minute == 30
    page = client.get(url()).content.decode()
    assert "FixMyStreet" in page and key not in page


def test_form_errors_are_shown_the_govuk_way(client, demo):
    sign_in_with_mfa(client, staff("council-admin", "oxford"))
    response = client.post(url(), {"name": "", "rate_limit_per_minute": "0"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "<title>Error:" in html
    assert "govuk-error-summary" in html
    assert "Enter who will use this key" in html
    assert "Allow at least 1 request a minute" in html
    ApiClientFactory(council=demo["oxford"], name="Taken")
    response = client.post(url(), {"name": "Taken", "rate_limit_per_minute": "5"})
    assert "A key with that name already exists" in response.content.decode()


def test_admin_revokes_a_key(client, demo):
    made = ApiClientFactory(council=demo["oxford"], raw_key="to-revoke")
    sign_in_with_mfa(client, staff("council-admin", "oxford"))
    response = client.post(reverse("open311:staff-revoke", args=["oxford", made.pk]))
    assert response.status_code == 302
    assert queries.api_client_for_key(council=demo["oxford"], raw_key="to-revoke") is None
    made.refresh_from_db()
    assert made.revoked_at is not None


def test_only_admins_of_that_council(client, demo):
    other = ApiClientFactory(council=demo["manchester"], raw_key="manchester-only")
    sign_in_with_mfa(client, staff("case-officer", "oxford"))
    assert client.get(url()).status_code == 403
    sign_in_with_mfa(client, staff("council-admin", "oxford"))
    assert client.get(url("manchester")).status_code == 403
    response = client.post(reverse("open311:staff-revoke", args=["oxford", other.pk]))
    assert response.status_code == 404
    assert other.name not in client.get(url()).content.decode()
    other.refresh_from_db()
    assert other.revoked_at is None


def test_integrations_page_has_a_plain_title_and_one_webhooks_section(client):
    sign_in_with_mfa(client, staff("council-admin", "oxford"))
    html = client.get(url()).content.decode()
    title = html[html.index("<title>") : html.index("</title>")]
    assert "<h2" not in title and "Integrations" in title
    assert html.count('id="webhooks"') == 1
