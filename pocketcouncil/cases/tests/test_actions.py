"""Creating and working cases through the actions: routing, levels, timeline, notifications."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pocketcouncil.cases import actions, queries
from pocketcouncil.cases.models import Case, CaseEvent, EventKind, Priority
from pocketcouncil.cases.tests.conftest import MANCHESTER
from pocketcouncil.cases.workflow import CaseStatus, CaseTransitionNotAllowedError, CloseReason
from pocketcouncil.notify.models import Notification, Subscription

pytestmark = pytest.mark.django_db


class TestCreate:
    def test_fly_tipping_in_oxford_goes_to_the_district(self, report, demo):
        case = report(lgsl=587)
        assert case.council == demo["oxford"]
        assert case.team.name == "Street scene"
        assert case.ward_name == "Iffley Fields"
        assert case.ward_gss_code.startswith("E05")
        assert re.fullmatch(r"OXF-\d\d-\d{6}", case.reference)
        assert case.status == CaseStatus.SUBMITTED
        assert case.is_public
        assert case.due_at > case.received_at

    def test_pothole_at_the_same_place_goes_to_the_county(self, report, demo):
        case = report(lgsl=557)
        assert case.council == demo["oxfordshire"]
        assert case.team.name == "Highways"
        assert case.reference.startswith("OCC-")

    def test_unitary_gets_both(self, report, demo):
        assert report(lgsl=587, where=MANCHESTER).council == demo["manchester"]
        assert report(lgsl=557, where=MANCHESTER).council == demo["manchester"]

    def test_location_outside_every_council(self, report):
        before = Case.objects.count()
        with pytest.raises(actions.CaseInputError) as error:
            report(lgsl=587, where={"lon": -0.1276, "lat": 51.5072})  # London
        assert error.value.field == "location"
        assert Case.objects.count() == before

    def test_location_service_needs_a_location(self, report):
        with pytest.raises(actions.CaseInputError, match="Choose where"):
            report(lgsl=587, where={"lon": None, "lat": None})

    def test_references_count_up_per_council(self, report):
        first, second = report(lgsl=587), report(lgsl=587)
        assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1

    @time_machine.travel("2026-11-20 10:00 +0000", tick=False)
    def test_due_date_from_the_services_working_days(self, report, service):
        case = report(lgsl=587)  # 5 working days from Friday 20 November
        assert service(587).sla_working_days == 5
        assert timezone.localtime(case.due_at).date().isoformat() == "2026-11-27"

    def test_timeline_starts_with_a_public_received_event(self, report):
        case = report()
        events = queries.timeline(case=case, view="resident")
        assert [e.kind for e in events] == [EventKind.CREATED]

    def test_anonymous_where_allowed(self, service, at, demo):
        case = actions.case_create(
            service=service(587), actor=None, description="Sofa dumped", **at("OX4 3BD")
        )
        assert case.resident is None

    def test_anonymous_refused_where_not_allowed(self, service, at):
        with pytest.raises(actions.CaseInputError, match="Sign in"):
            actions.case_create(
                service=service(431), actor=None, description="Rats", **at("OX4 3BD")
            )

    def test_level_two_service_refuses_a_level_one_resident(self, report):
        before = Case.objects.count()
        with pytest.raises(PermissionDenied):
            report(lgsl=528, who="tom.evans", description="An old fridge")
        assert Case.objects.count() == before

    def test_level_two_service_accepts_a_level_two_resident(self, report):
        assert report(lgsl=528, who="amira.khan", description="An old fridge").pk

    def test_non_location_service_goes_to_the_chosen_council(self, service, resident, demo):
        tom = resident("tom.evans")
        case = actions.case_create(
            service=service(141),
            actor=tom,
            resident=tom,
            council=demo["oxford"],
            description="Damp in the bedroom",
        )
        assert case.council == demo["oxford"]
        assert not case.is_public
        assert case.team.name == "Housing"

    def test_non_location_service_at_the_wrong_tier_names_who_provides_it(
        self, service, resident, demo
    ):
        tom = resident("tom.evans")
        with pytest.raises(actions.CaseInputError, match="provided by Oxford City Council"):
            actions.case_create(
                service=service(141),
                actor=tom,
                resident=tom,
                council=demo["oxfordshire"],
                description="Damp",
            )

    def test_double_submit_makes_one_case(self, report):
        first = report(submission_key="form-abc")
        second = report(submission_key="form-abc")
        assert first.pk == second.pk
        assert Case.objects.filter(submission_key="form-abc").count() == 1
        assert CaseEvent.objects.filter(case=first, kind=EventKind.CREATED).count() == 1

    def test_empty_description_refused(self, report):
        with pytest.raises(actions.CaseInputError) as error:
            report(description="   ")
        assert error.value.field == "description"

    def test_reporter_follows_their_case_and_gets_one_acknowledgement(self, report, resident):
        case = report()
        tom = resident("tom.evans")
        assert Subscription.objects.filter(
            user=tom, subject_kind="case", subject_key=str(case.pk)
        ).exists()
        sent = Notification.objects.filter(
            recipient=tom, event="case_acknowledged", subject_key=str(case.pk)
        )
        assert sent.count() == sent.values("channel").distinct().count() >= 1


class TestStaffWork:
    def test_status_change_is_on_the_timeline_and_told_once_per_channel(
        self, report, staff, resident
    ):
        case = report()
        officer = staff("case-officer", "oxford")
        actions.case_transition(
            case=case, to=CaseStatus.IN_PROGRESS, actor=officer, public_note="A crew is on its way."
        )
        case.refresh_from_db()
        assert case.status == CaseStatus.IN_PROGRESS
        event = case.events.get(kind=EventKind.STATUS_CHANGED)
        assert (event.from_status, event.to_status, event.actor) == (
            "submitted",
            "in_progress",
            officer,
        )
        tom = resident("tom.evans")
        changed = Notification.objects.filter(
            recipient=tom, event="status_changed", subject_key=str(case.pk)
        )
        channels = list(changed.values_list("channel", flat=True))
        assert channels and len(channels) == len(set(channels))

    def test_staff_of_another_council_are_refused(self, report, staff):
        case = report()
        with pytest.raises(PermissionDenied):
            actions.case_transition(
                case=case, to=CaseStatus.IN_PROGRESS, actor=staff("case-officer", "manchester")
            )
        case.refresh_from_db()
        assert case.status == CaseStatus.SUBMITTED

    def test_a_resident_cannot_change_status(self, report, resident):
        with pytest.raises(PermissionDenied):
            actions.case_transition(
                case=report(), to=CaseStatus.RESOLVED, actor=resident("tom.evans")
            )

    def test_forged_transitions_are_refused_and_change_nothing(self, report, staff):
        case = report()
        officer = staff("case-officer", "oxford")
        for to in ["teleported", CaseStatus.DUPLICATE]:
            with pytest.raises(CaseTransitionNotAllowedError):
                actions.case_transition(case=case, to=to, actor=officer)
        with pytest.raises(CaseTransitionNotAllowedError):
            actions.case_transition(case=case, to=CaseStatus.CLOSED, actor=officer)
        case.refresh_from_db()
        assert case.status == CaseStatus.SUBMITTED
        assert not case.events.filter(kind=EventKind.STATUS_CHANGED).exists()

    def test_fixed_and_closed_without_fix_are_distinct(self, report, staff):
        officer = staff("case-officer", "oxford")
        fixed = actions.case_transition(case=report(), to=CaseStatus.RESOLVED, actor=officer)
        closed = actions.case_transition(
            case=report(),
            to=CaseStatus.CLOSED,
            actor=officer,
            close_reason=CloseReason.NOT_RESPONSIBLE,
        )
        assert (fixed.status, fixed.close_reason) == ("resolved", "")
        assert (closed.status, closed.close_reason) == ("closed", "not_responsible")
        assert fixed.finished_at and closed.finished_at

    def test_internal_note_is_hidden_from_the_resident(self, report, staff):
        case = report()
        actions.case_note_add(
            case=case,
            actor=staff("case-officer", "oxford"),
            note="Known fly-tipper, pass to enforcement",
        )
        actions.case_update_add(
            case=case, actor=staff("case-officer", "oxford"), note="We will clear it on Tuesday."
        )
        resident_view = [e.note for e in queries.timeline(case=case, view="resident")]
        staff_view = [e.note for e in queries.timeline(case=case, view="staff")]
        assert "We will clear it on Tuesday." in resident_view
        assert "Known fly-tipper, pass to enforcement" not in resident_view
        assert "Known fly-tipper, pass to enforcement" in staff_view

    def test_assign_within_the_council_only(self, report, staff, demo):
        from pocketcouncil.councils.models import Team

        case = report()
        admin = staff("council-admin", "oxford")
        waste = Team.objects.get(council=demo["oxford"], name="Waste and recycling")
        actions.case_assign(
            case=case, actor=admin, team=waste, assignee=staff("case-officer", "oxford")
        )
        case.refresh_from_db()
        assert (case.team, case.assigned_to) == (waste, staff("case-officer", "oxford"))
        county_team = Team.objects.get(council=demo["oxfordshire"], name="Highways")
        with pytest.raises(actions.CaseInputError):
            actions.case_assign(case=case, actor=admin, team=county_team)
        with pytest.raises(actions.CaseInputError):
            actions.case_assign(
                case=case, actor=admin, assignee=staff("case-officer", "manchester")
            )

    def test_reassign_to_the_county_with_a_reason(self, report, staff, demo):
        case = report(lgsl=587)
        with pytest.raises(actions.CaseInputError):
            actions.case_reassign(
                case=case,
                actor=staff("case-officer", "oxford"),
                council=demo["oxfordshire"],
                team=None,
                reason=" ",
            )
        case = actions.case_reassign(
            case=case,
            actor=staff("case-officer", "oxford"),
            council=demo["oxfordshire"],
            team=None,
            reason="It is on the highway verge.",
        )
        assert case.council == demo["oxfordshire"]
        event = case.events.get(kind=EventKind.REASSIGNED)
        assert event.is_public and "verge" in event.note

    def test_priority(self, report, staff):
        case = actions.case_priority_set(
            case=report(), actor=staff("case-officer", "oxford"), priority=Priority.URGENT
        )
        assert case.priority == Priority.URGENT
        with pytest.raises(actions.CaseInputError):
            actions.case_priority_set(
                case=case, actor=staff("case-officer", "oxford"), priority="whenever"
            )

    def test_anonymous_reporter_with_an_email_is_told_only_when_it_is_finished(
        self, service, at, staff
    ):
        case = actions.case_create(
            service=service(587),
            actor=None,
            description="Sofa",
            reporter_email="passer.by@example.com",
            **at("OX4 3BD"),
        )
        officer = staff("case-officer", "oxford")
        actions.case_transition(case=case, to=CaseStatus.IN_PROGRESS, actor=officer)
        assert not Notification.objects.filter(to="passer.by@example.com").exists()
        actions.case_transition(
            case=case, to=CaseStatus.RESOLVED, actor=officer, public_note="Cleared this morning."
        )
        sent = Notification.objects.get(to="passer.by@example.com")
        assert case.reference in sent.subject and "Cleared this morning." in sent.body


class TestMerge:
    def test_merge_tells_the_duplicates_reporter_and_moves_them_across(
        self, report, staff, resident
    ):
        original = report(who="amira.khan")
        duplicate = report(who="tom.evans")
        actions.case_merge(
            duplicate=duplicate, into=original, actor=staff("case-officer", "oxford")
        )
        duplicate.refresh_from_db()
        original.refresh_from_db()
        assert duplicate.status == CaseStatus.DUPLICATE
        assert duplicate.duplicate_of == original
        assert original.supporters_count == 1
        tom = resident("tom.evans")
        assert Subscription.objects.filter(user=tom, subject_key=str(original.pk)).exists()
        told = Notification.objects.filter(
            recipient=tom, subject_key=str(duplicate.pk), event="status_changed"
        )
        assert told.exists()
        assert original.reference in told.first().context["note"]

    def test_merge_refusals(self, report, staff, demo):
        officer = staff("case-officer", "oxford")
        a, b = report(), report()
        with pytest.raises(actions.CaseInputError):
            actions.case_merge(duplicate=a, into=a, actor=officer)
        county_case = report(lgsl=557)
        with pytest.raises((actions.CaseInputError, PermissionDenied)):
            actions.case_merge(duplicate=a, into=county_case, actor=officer)
        actions.case_merge(duplicate=a, into=b, actor=officer)
        with pytest.raises(CaseTransitionNotAllowedError):
            actions.case_merge(duplicate=a, into=b, actor=officer)


class TestResident:
    def test_me_too_counts_once_and_follows(self, report, resident):
        case = report(who="amira.khan")
        tom = resident("tom.evans")
        assert actions.case_me_too(case=case, actor=tom) is True
        assert actions.case_me_too(case=case, actor=tom) is False
        case.refresh_from_db()
        assert case.supporters_count == 1
        assert Subscription.objects.filter(user=tom, subject_key=str(case.pk)).exists()

    def test_reply_when_asked_goes_back_to_the_team(self, report, staff, resident):
        case = report()
        actions.case_transition(
            case=case,
            to=CaseStatus.WAITING,
            actor=staff("case-officer", "oxford"),
            public_note="Which side of the road?",
        )
        actions.case_resident_reply(
            case=case, actor=resident("tom.evans"), message="The north side, by the bus stop."
        )
        case.refresh_from_db()
        assert case.status == CaseStatus.IN_PROGRESS

    def test_only_the_reporter_may_reply(self, report, resident):
        with pytest.raises(PermissionDenied):
            actions.case_resident_reply(
                case=report(who="tom.evans"), actor=resident("amira.khan"), message="hello"
            )

    def test_reopen_within_the_period_and_not_after(self, report, staff, resident):
        case = report()
        officer = staff("case-officer", "oxford")
        actions.case_transition(case=case, to=CaseStatus.RESOLVED, actor=officer)
        case = actions.case_reopen(
            case=case, actor=resident("tom.evans"), reason="The mattress is still there."
        )
        assert case.status == CaseStatus.IN_PROGRESS
        assert case.reopened_count == 1
        actions.case_transition(case=case, to=CaseStatus.RESOLVED, actor=officer)
        with (
            time_machine.travel(timezone.now() + timedelta(days=29)),
            pytest.raises(CaseTransitionNotAllowedError, match="too long"),
        ):
            actions.case_reopen(case=case, actor=resident("tom.evans"), reason="Still")

    def test_satisfaction_only_once_finished(self, report, staff, resident):
        case = report()
        tom = resident("tom.evans")
        with pytest.raises(actions.CaseInputError):
            actions.case_satisfaction_record(case=case, actor=tom, answer=5)
        actions.case_transition(
            case=case, to=CaseStatus.RESOLVED, actor=staff("case-officer", "oxford")
        )
        assert actions.case_satisfaction_record(case=case, actor=tom, answer=4).satisfaction == 4
        with pytest.raises(actions.CaseInputError):
            actions.case_satisfaction_record(case=case, actor=tom, answer=9)

    def test_edit_only_within_the_window(self, report, resident):
        case = report()
        tom = resident("tom.evans")
        actions.case_edit_by_resident(case=case, actor=tom, description="Bags and a sofa.")
        case.refresh_from_db()
        assert case.description == "Bags and a sofa."
        with (
            time_machine.travel(timezone.now() + timedelta(minutes=31)),
            pytest.raises(actions.CaseInputError, match="passed"),
        ):
            actions.case_edit_by_resident(case=case, actor=tom, description="Later")

    def test_withdraw(self, report, resident):
        case = actions.case_withdraw(case=report(), actor=resident("tom.evans"))
        assert (case.status, case.close_reason) == ("closed", "withdrawn")


def test_events_are_append_only(report):
    from django.core.exceptions import ValidationError

    event = report().events.first()
    event.note = "rewritten"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
