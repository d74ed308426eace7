"""Contact is recorded from every channel the platform has, classified as value or failure
demand, without the other apps importing insight."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from pocketcouncil.accounts.tests.factories import UserFactory
from pocketcouncil.cases import actions as case_actions
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.insight import actions
from pocketcouncil.insight.models import Channel, ContactEvent, Demand, FailureKind, Reason
from pocketcouncil.services import actions as services_actions

pytestmark = pytest.mark.django_db


def contact_for(case):
    return list(ContactEvent.objects.filter(case=case).order_by("occurred_at", "pk"))


def test_a_new_report_is_value_demand_with_its_service_and_ward(report):
    case = report()
    [contact] = contact_for(case)
    assert contact.channel == Channel.REPORT and contact.reason == Reason.NEW_REQUEST
    assert contact.demand == Demand.VALUE and contact.failure_kind == ""
    assert contact.service_id == case.service_id and contact.council_id == case.council_id
    assert contact.ward_name == case.ward_name and case.ward_name


def test_a_second_report_of_the_same_service_by_the_same_person_is_a_repeat(report):
    report()
    second = report(description="Still there, another pile of bags by the gate.")
    [contact] = contact_for(second)
    assert contact.demand == Demand.FAILURE and contact.failure_kind == FailureKind.REPEAT


def test_a_report_after_the_repeat_window_is_value_demand_again(report):
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        report()
    later = report(description="A different pile of bags by the gate.")
    assert contact_for(later)[0].demand == Demand.VALUE


def test_a_message_on_an_open_case_is_chasing(report, someone):
    case = report()
    case_actions.case_resident_reply(case=case, actor=someone, message="Any news?")
    chase = contact_for(case)[-1]
    assert chase.channel == Channel.REPLY and chase.failure_kind == FailureKind.CHASING


def test_answering_the_councils_question_is_value_demand(report, someone, staff):
    case = report()
    officer = staff("council-admin", case.council.slug)
    case_actions.case_transition(case=case, to=CaseStatus.IN_PROGRESS, actor=officer)
    case_actions.case_transition(case=case, to=CaseStatus.WAITING, actor=officer)
    case.refresh_from_db()
    case_actions.case_resident_reply(case=case, actor=someone, message="Gate 3.")
    reply = contact_for(case)[-1]
    assert reply.reason == Reason.REPLY and reply.demand == Demand.VALUE


def test_reopening_is_failure_demand(report, someone, staff):
    case = report()
    officer = staff("council-admin", case.council.slug)
    case_actions.case_transition(case=case, to=CaseStatus.RESOLVED, actor=officer)
    case.refresh_from_db()
    case_actions.case_reopen(case=case, actor=someone, reason="Still there")
    assert contact_for(case)[-1].failure_kind == FailureKind.REOPENED


def test_a_merged_case_turns_its_contact_into_a_duplicate(report, staff):
    first = report()
    other = report(who=UserFactory(), description="Rubbish dumped by the gate again.")
    assert contact_for(other)[0].demand == Demand.VALUE
    case_actions.case_merge(
        duplicate=other, into=first, actor=staff("council-admin", first.council.slug)
    )
    [contact] = contact_for(other)
    assert contact.failure_kind == FailureKind.DUPLICATE and contact.reason == Reason.REPEAT


def test_staff_actions_on_a_case_are_not_contact(report, staff):
    case = report()
    officer = staff("council-admin", case.council.slug)
    case_actions.case_note_add(case=case, actor=officer, note="Crew booked")
    case_actions.case_update_add(case=case, actor=officer, note="Crew booked for Friday")
    assert len(contact_for(case)) == 1


def test_a_search_is_recorded_once_with_whether_it_found_anything(demo):
    council = demo["oxford"]
    found = services_actions.front_door_search_record(
        query="bins", council=council, shown=[524], answer=None
    )
    nothing = services_actions.front_door_search_record(
        query="dragon in the park", council=council, shown=[], answer=None
    )
    rows = ContactEvent.objects.filter(channel=Channel.WEB_SEARCH, council=council)
    assert {r.source_key: r.answered for r in rows} == {
        f"search:{found.pk}": True,
        f"search:{nothing.pk}": False,
    }
    assert rows.get(answered=False).topic == "dragon in the park"


def test_a_search_with_no_council_is_no_councils_contact():
    services_actions.front_door_search_record(query="bins", council=None, shown=[], answer=None)
    assert not ContactEvent.objects.filter(channel=Channel.WEB_SEARCH).exists()


def test_recording_the_same_source_twice_adds_nothing(demo):
    kwargs = {
        "council": demo["oxford"],
        "channel": Channel.PHONE,
        "reason": Reason.QUESTION,
        "source_key": "test:1",
    }
    first = actions.contact_record(**kwargs)
    assert actions.contact_record(**kwargs).pk == first.pk
    assert ContactEvent.objects.filter(source_key="test:1").count() == 1


def test_a_reason_that_is_failure_demand_is_failure_demand_whoever_records_it(demo):
    event = actions.contact_record(
        council=demo["oxford"], channel=Channel.PHONE, reason=Reason.PROGRESS
    )
    assert event.demand == Demand.FAILURE and event.failure_kind == FailureKind.CHASING


def test_unknown_channel_and_reason_are_refused(demo):
    with pytest.raises(actions.ContactInputError):
        actions.contact_record(council=demo["oxford"], channel="pigeon", reason=Reason.OTHER)
    with pytest.raises(actions.ContactInputError):
        actions.contact_record(council=demo["oxford"], channel=Channel.PHONE, reason="bored")


class TestLogACallOrVisit:
    def test_an_adviser_logs_a_call_about_a_case(self, report, staff):
        case = report()
        adviser = staff("contact-centre", case.council.slug)
        event = actions.contact_log(
            council=case.council,
            actor=adviser,
            channel=Channel.PHONE,
            reason=Reason.PROGRESS,
            case_reference=case.reference.lower(),
        )
        assert event.case == case and event.service == case.service
        assert event.logged_by == adviser and event.failure_kind == FailureKind.CHASING
        assert event.ward_gss_code == case.ward_gss_code

    def test_a_case_of_another_council_is_refused(self, report, staff, demo):
        case = report()  # Oxford
        adviser = staff("contact-centre", "manchester")
        with pytest.raises(actions.ContactInputError) as error:
            actions.contact_log(
                council=demo["manchester"],
                actor=adviser,
                channel=Channel.PHONE,
                reason=Reason.PROGRESS,
                case_reference=case.reference,
            )
        assert error.value.field == "case_reference"

    def test_staff_of_another_council_cannot_log(self, staff, demo):
        with pytest.raises(PermissionDenied):
            actions.contact_log(
                council=demo["oxford"],
                actor=staff("contact-centre", "manchester"),
                channel=Channel.PHONE,
                reason=Reason.QUESTION,
            )

    def test_a_moderator_cannot_log(self, staff, demo):
        with pytest.raises(PermissionDenied):
            actions.contact_log(
                council=demo["oxford"],
                actor=staff("moderator", "oxford"),
                channel=Channel.PHONE,
                reason=Reason.QUESTION,
            )

    def test_web_channels_cannot_be_logged_by_hand(self, staff, demo):
        with pytest.raises(actions.ContactInputError):
            actions.contact_log(
                council=demo["oxford"],
                actor=staff("contact-centre", "oxford"),
                channel=Channel.REPORT,
                reason=Reason.QUESTION,
            )
