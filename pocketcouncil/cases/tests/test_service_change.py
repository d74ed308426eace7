"""Staff moving a case to another service of the same council: the action, the page, tenancy."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases import actions, queries
from pocketcouncil.cases.models import EventKind
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.services.models import TrainingPair

pytestmark = pytest.mark.django_db


class TestAction:
    def test_moves_the_case_and_reroutes_team_and_due_date(self, report, staff, service, demo):
        case = report(lgsl=587, description="The bin was not emptied on Tuesday")
        assert case.team.name == "Street scene"
        officer = staff("case-officer", "oxford")
        bins = service(524)
        moved = actions.case_service_change(
            case=case, service=bins, actor=officer, reason="It is a missed bin"
        )
        moved.refresh_from_db()
        assert moved.service == bins
        assert moved.council == demo["oxford"]
        assert moved.team.name == "Waste and recycling"
        assert moved.reference == case.reference
        if bins.sla_working_days:
            from pocketcouncil.cases import sla

            assert moved.due_at == sla.due_at(case.received_at, bins.sla_working_days)
        event = moved.events.get(kind=EventKind.SERVICE_CHANGED)
        assert not event.is_public
        assert event.actor == officer
        assert event.data["from_lgsl"] == 587 and event.data["to_lgsl"] == 524
        assert event.note == "It is a missed bin"
        resident_kinds = {e.kind for e in queries.timeline(case=moved, view="resident")}
        assert EventKind.SERVICE_CHANGED not in resident_kinds

    def test_the_correction_becomes_a_redacted_training_pair(self, report, staff, service, demo):
        case = report(
            lgsl=587, description="Bin not emptied at OX4 3BD, call me on 07700 900123 please"
        )
        actions.case_service_change(
            case=case, service=service(524), actor=staff("case-officer", "oxford")
        )
        pair = TrainingPair.objects.get()
        assert pair.council == demo["oxford"]
        assert pair.service.lgsl == 524 and pair.previous_service.lgsl == 587
        assert "OX4" not in pair.text and "07700" not in pair.text
        assert pair.text.startswith("Bin not emptied at [postcode]")

    def test_a_refused_change_leaves_no_training_pair(self, report, staff, service):
        case = report(lgsl=587)
        with pytest.raises(actions.CaseInputError):
            actions.case_service_change(
                case=case, service=service(557), actor=staff("case-officer", "oxford")
            )
        assert not TrainingPair.objects.exists()

    def test_a_service_the_council_does_not_offer_is_refused(self, report, staff, service):
        case = report(lgsl=587)
        with pytest.raises(actions.CaseInputError) as error:
            actions.case_service_change(
                case=case, service=service(557), actor=staff("case-officer", "oxford")
            )
        assert error.value.field == "service"
        assert "does not offer" in error.value.message
        case.refresh_from_db()
        assert case.service.lgsl == 587
        assert not case.events.filter(kind=EventKind.SERVICE_CHANGED).exists()

    def test_the_same_service_is_refused(self, report, staff, service):
        case = report(lgsl=587)
        with pytest.raises(actions.CaseInputError):
            actions.case_service_change(
                case=case, service=service(587), actor=staff("case-officer", "oxford")
            )

    def test_a_closed_case_is_refused(self, report, staff, service):
        officer = staff("case-officer", "oxford")
        case = report(lgsl=587)
        actions.case_transition(
            case=case, to=CaseStatus.CLOSED, actor=officer, close_reason="unable_to_fix"
        )
        with pytest.raises(actions.CaseInputError) as error:
            actions.case_service_change(case=case, service=service(524), actor=officer)
        assert "closed" in error.value.message
        case.refresh_from_db()
        assert case.service.lgsl == 587

    def test_another_councils_staff_are_refused(self, report, staff, service):
        case = report(lgsl=587)
        with pytest.raises(PermissionDenied):
            actions.case_service_change(
                case=case, service=service(524), actor=staff("case-officer", "manchester")
            )
        case.refresh_from_db()
        assert case.service.lgsl == 587


class TestPage:
    def url(self, case, slug="oxford"):
        return reverse("cases:staff-service", args=[slug, case.reference])

    def test_the_case_page_offers_it(self, client, report, staff):
        case = report(lgsl=587)
        sign_in_with_mfa(client, staff("case-officer", "oxford"))
        page = client.get(reverse("cases:staff-case", args=["oxford", case.reference]))
        assert self.url(case) in page.content.decode()

    def test_move_a_case(self, client, report, staff, service):
        case = report(lgsl=587)
        sign_in_with_mfa(client, staff("case-officer", "oxford"))
        form = client.get(self.url(case))
        assert form.status_code == 200
        html = form.content.decode()
        assert f'value="{service(524).pk}"' in html
        assert f'value="{service(557).pk}"' not in html  # a county service
        response = client.post(self.url(case), {"service": service(524).pk, "reason": ""})
        assert response.status_code == 302
        case.refresh_from_db()
        assert case.service.lgsl == 524
        page = client.get(response["Location"]).content.decode()
        assert "Moved to another service" in page
        assert "From Report fly-tipping to Bin collections and missed bins" in page

    def test_no_choice_shows_an_error_summary(self, client, report, staff, service):
        case = report(lgsl=587)
        sign_in_with_mfa(client, staff("case-officer", "oxford"))
        response = client.post(self.url(case), {"service": "", "reason": "x"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "govuk-error-summary" in html
        assert "Choose the service the case belongs to" in html
        response = client.post(self.url(case), {"service": service(557).pk})
        assert response.status_code == 400
        assert "govuk-error-summary" in response.content.decode()
        case.refresh_from_db()
        assert case.service.lgsl == 587

    def test_another_councils_staff_get_403(self, client, report, staff, service):
        case = report(lgsl=587)
        sign_in_with_mfa(client, staff("case-officer", "manchester"))
        assert client.get(self.url(case)).status_code == 403
        response = client.post(self.url(case), {"service": service(524).pk})
        assert response.status_code == 403
        case.refresh_from_db()
        assert case.service.lgsl == 587
