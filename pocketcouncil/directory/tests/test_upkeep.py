import datetime as dt

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pocketcouncil.accounts.models import StaffRoleKind
from pocketcouncil.accounts.tests.factories import StaffRoleFactory, UserFactory, add_totp
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.directory import actions, feed, queries
from pocketcouncil.directory.models import (
    ListingChange,
    ListingClaim,
    ListingEvent,
    ListingEventKind,
    ReviewState,
    Service,
)
from pocketcouncil.directory.tests.factories import oxford_service
from pocketcouncil.notify.models import Notification


def _import(council, data):
    tables = feed.Tables()
    feed.add_json(tables, data, where="test")
    assert actions.directory_import(council=council, tables=tables).rejected == []
    return Service.objects.get(pk=data["id"])


def _person(email):
    """A signed-up person whose email address is confirmed."""
    user = UserFactory(email=email)
    assert EmailAddress.objects.filter(user=user, email=email, verified=True).exists()
    return user


def _staff(council, role=StaffRoleKind.SERVICE_MANAGER):
    user = UserFactory()
    add_totp(user)
    StaffRoleFactory(user=user, council=council, role=role)
    return user


@pytest.fixture
def listing(demo):
    return _import(demo["oxford"], oxford_service())


@pytest.mark.django_db
class TestClaim:
    def test_email_at_the_organisations_domain_is_approved_at_once(self, client, listing):
        person = _person("sam@cowleytrust.example.org")
        client.force_login(person)
        url = reverse("directory:listing-claim", args=[listing.id])
        response = client.post(url, {"role": "Volunteer coordinator"})
        assert response["Location"] == reverse("directory:listing-edit", args=[listing.id])
        claim = ListingClaim.objects.get(user=person)
        assert (claim.state, claim.method) == ("approved", "email_domain")
        assert ListingEvent.objects.filter(kind=ListingEventKind.CLAIMED).exists()

    def test_other_email_waits_for_the_council(self, client, listing):
        person = _person("sam@gmail.example.com")
        client.force_login(person)
        client.post(reverse("directory:listing-claim", args=[listing.id]), {"role": "Trustee"})
        claim = ListingClaim.objects.get(user=person)
        assert claim.state == ReviewState.PENDING
        edit = client.get(reverse("directory:listing-edit", args=[listing.id]))
        assert edit["Location"] == reverse("directory:listing-claim", args=[listing.id])

    def test_unverified_email_cannot_claim(self, listing):
        with pytest.raises(actions.ListingUpkeepError):
            actions.listing_claim(
                organization=listing.organization,
                actor=UserFactory(),
                role="x",
                verified_emails=[],
            )

    def test_claim_needs_sign_in(self, client, listing):
        response = client.get(reverse("directory:listing-claim", args=[listing.id]))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_staff_approve_a_claim(self, client, demo, listing):
        person = _person("sam@gmail.example.com")
        claim = actions.listing_claim(
            organization=listing.organization,
            actor=person,
            role="Trustee",
            verified_emails=["sam@gmail.example.com"],
        )
        manager = _staff(demo["oxford"])
        sign_in_with_mfa(client, manager)
        queue = client.get(reverse("directory:staff-review", args=["oxford"]))
        assert "sam@gmail.example.com" in queue.content.decode()
        client.post(
            reverse("directory:staff-claim-decide", args=["oxford", claim.pk]),
            {"decision": "approve"},
        )
        claim.refresh_from_db()
        assert claim.state == ReviewState.APPROVED and claim.decided_by == manager
        assert actions.can_edit(user=person, service=listing)


@pytest.fixture
def editor(listing):
    person = _person("sam@cowleytrust.example.org")
    actions.listing_claim(
        organization=listing.organization,
        actor=person,
        role="Manager",
        verified_emails=[person.email],
    )
    return person


@pytest.mark.django_db
class TestChangesThroughReview:
    def test_an_organisation_updates_its_listing_through_review(
        self, client, demo, listing, editor
    ):
        client.force_login(editor)
        url = reverse("directory:listing-edit", args=[listing.id])
        data = {
            "name": "Cowley Larder",
            "description": listing.description,
            "url": "",
            "email": "",
            "fees": "£3 a bag",
            "alert": "",
            "note": "New name since May",
        }
        response = client.post(url, data)
        assert response.status_code == 302
        listing.refresh_from_db()
        assert listing.name == "Cowley Community Larder"  # not published yet
        change = ListingChange.objects.get(service=listing)
        assert change.proposed == {"name": "Cowley Larder", "fees": "£3 a bag"}

        manager = _staff(demo["oxford"])
        sign_in_with_mfa(client, manager)
        queue = client.get(reverse("directory:staff-review", args=["oxford"])).content.decode()
        assert "Cowley Larder" in queue and "£3 a bag" in queue
        client.post(
            reverse("directory:staff-change-decide", args=["oxford", change.pk]),
            {"decision": "approve"},
        )
        listing.refresh_from_db()
        assert listing.name == "Cowley Larder" and listing.fees == "£3 a bag"
        assert listing.last_checked_at is not None
        assert "cowley larder" in listing.search_text
        # Visible in the API and in the full history.
        api = client.get(f"/openreferral/services/{listing.id}").json()
        assert api["name"] == "Cowley Larder"
        kinds = list(listing.events.values_list("kind", flat=True))
        assert kinds[:2] == [ListingEventKind.CHANGE_APPROVED, ListingEventKind.CHANGE_SUBMITTED]
        history = client.get(reverse("directory:staff-history", args=["oxford", listing.id]))
        assert "Change approved" in history.content.decode()

    def test_rejected_change_is_not_applied(self, demo, listing, editor):
        change = actions.listing_change_submit(
            service=listing, actor=editor, proposed={"name": "Wrong"}
        )
        actions.listing_change_decide(change=change, actor=_staff(demo["oxford"]), approve=False)
        listing.refresh_from_db()
        assert listing.name == "Cowley Community Larder"
        assert listing.events.first().kind == ListingEventKind.CHANGE_REJECTED

    def test_no_change_is_an_error_on_the_page(self, client, listing, editor):
        client.force_login(editor)
        data = {"name": listing.name, "description": listing.description}
        response = client.post(reverse("directory:listing-edit", args=[listing.id]), data)
        assert "You have not changed anything" in response.content.decode()
        assert not ListingChange.objects.exists()

    def test_someone_without_a_claim_cannot_submit(self, listing):
        with pytest.raises(actions.ListingUpkeepError):
            actions.listing_change_submit(
                service=listing, actor=_person("x@example.com"), proposed={"name": "Mine"}
            )

    def test_confirming_the_listing_sets_last_checked(self, client, listing, editor):
        client.force_login(editor)
        client.post(reverse("directory:listing-edit", args=[listing.id]), {"confirm": "1"})
        listing.refresh_from_db()
        assert listing.last_checked_at is not None
        assert listing.events.first().kind == ListingEventKind.CHECKED


@pytest.mark.django_db
class TestTenancy:
    def test_another_councils_staff_are_refused(self, client, demo, listing, editor):
        change = actions.listing_change_submit(
            service=listing, actor=editor, proposed={"name": "Cowley Larder"}
        )
        outsider = _staff(demo["manchester"], role=StaffRoleKind.COUNCIL_ADMIN)
        with pytest.raises(PermissionDenied):
            actions.listing_change_decide(change=change, actor=outsider, approve=True)
        sign_in_with_mfa(client, outsider)
        assert client.get(reverse("directory:staff-review", args=["oxford"])).status_code == 403
        # Their own queue does not show Oxford's change, and deciding it by id is a 404.
        own = client.get(reverse("directory:staff-review", args=["manchester"])).content.decode()
        assert "Cowley Larder" not in own
        response = client.post(
            reverse("directory:staff-change-decide", args=["manchester", change.pk]),
            {"decision": "approve"},
        )
        assert response.status_code == 404
        history = client.get(reverse("directory:staff-history", args=["manchester", listing.id]))
        assert history.status_code == 404
        listing.refresh_from_db()
        assert listing.name == "Cowley Community Larder"

    def test_roles_without_the_permission_are_refused(self, client, demo):
        officer = _staff(demo["oxford"], role=StaffRoleKind.CASE_OFFICER)
        sign_in_with_mfa(client, officer)
        assert client.get(reverse("directory:staff-review", args=["oxford"])).status_code == 403


@pytest.mark.django_db
class TestStaleAndReminders:
    def test_reminder_after_six_months_once(self, demo, listing, editor):
        now = dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC)
        Service.objects.filter(pk=listing.pk).update(last_checked_at=now - dt.timedelta(days=190))
        assert listing.pk in [s.pk for s in queries.stale_listings(council=demo["oxford"], now=now)]
        sent = actions.listing_reminders_send(now=now, site_url="https://pc.example")
        assert sent == 1
        message = Notification.objects.get(reason__startswith="directory: six-monthly")
        assert message.to == editor.email
        assert f"/find-help/services/{listing.id}/update/" in message.body
        assert actions.listing_reminders_send(now=now, site_url="https://pc.example") == 0
        assert listing.events.first().kind == ListingEventKind.REMINDED

    def test_recent_listings_get_no_reminder(self, listing):
        with time_machine.travel(dt.datetime(2026, 1, 1, tzinfo=dt.UTC)):
            now = dt.datetime.now(dt.UTC)
        Service.objects.filter(pk=listing.pk).update(last_checked_at=now)
        assert actions.listing_reminders_send(now=now, site_url="https://pc.example") == 0

    def test_without_claims_the_organisation_address_is_reminded(self, listing):
        now = listing.last_modified + dt.timedelta(days=200)
        actions.listing_reminders_send(now=now, site_url="https://pc.example")
        message = Notification.objects.get(reason__startswith="directory: six-monthly")
        assert message.to == "hello@cowleytrust.example.org"


@pytest.mark.django_db
def test_remind_stale_command(listing):
    from io import StringIO

    from django.core.management import call_command

    Service.objects.filter(pk=listing.pk).update(
        last_modified=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    out = StringIO()
    call_command("directory_remind_stale", stdout=out)
    assert out.getvalue().strip() == "1 reminders queued."
