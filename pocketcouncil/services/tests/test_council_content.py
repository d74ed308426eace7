"""A council's own version of a service: saved as versions, reverted, reviewed, and only by the
right people in the right council."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from pocketcouncil.accounts.models import User
from pocketcouncil.councils.models import Team
from pocketcouncil.services import council_actions, council_queries, queries
from pocketcouncil.services.models import CouncilService, CouncilServiceVersion, Service

pytestmark = pytest.mark.django_db

DEMO = "demo.pocketcouncil.example"


def person(name):
    return User.objects.get(email=f"{name}@{DEMO}")


def bins():
    return Service.objects.get(lgsl=524)


def save(council, actor=None, **content):
    return council_actions.council_service_content_save(
        council=council,
        service=bins(),
        actor=actor or person("service-manager.oxford"),
        content=content,
    )


def test_a_saved_answer_is_what_residents_see_and_a_version_is_kept(demo):
    oxford = demo["oxford"]
    version = save(
        oxford,
        summary="Oxford empties bins every week.",
        faqs=[{"question": "Can I have a bigger bin?", "answer": "Yes, if you have six people."}],
        links=[{"text": "Bin calendar", "url": "https://www.oxford.gov.uk/bins"}],
        report_url="https://www.oxford.gov.uk/report-bin",
        review_by=datetime.date(2027, 1, 31),
    )
    assert version.number == 1 and version.created_by == person("service-manager.oxford")
    assert set(version.changed) == {"summary", "faqs", "links", "report_url", "review_by"}
    view = queries.service_for_council(council=oxford, lgsl=524)
    assert view.summary == "Oxford empties bins every week."
    assert view.name == bins().name  # not changed: still the national name
    assert [f.question for f in view.faqs] == ["Can I have a bigger bin?"]
    assert view.links == [{"text": "Bin calendar", "url": "https://www.oxford.gov.uk/bins"}]
    assert view.report_url == "https://www.oxford.gov.uk/report-bin"
    # Another council keeps the national content.
    manchester = queries.service_for_council(council=demo["manchester"], lgsl=524)
    assert manchester.summary == bins().summary and manchester.report_url == ""
    assert len(manchester.faqs) == bins().faqs.count()


def test_national_text_and_faqs_left_as_they_are_are_not_copied(demo):
    national = [{"question": f.question, "answer": f.answer} for f in bins().faqs.all()]
    save(demo["oxford"], name=bins().name, summary="Ours.", faqs=national)
    setting = CouncilService.objects.get(council=demo["oxford"], service=bins())
    assert setting.name is None and setting.faqs is None and setting.summary == "Ours."


def test_saving_nothing_new_is_refused_and_writes_no_version(demo):
    save(demo["oxford"], summary="Ours.")
    with pytest.raises(council_actions.ServiceContentError, match="Nothing has changed"):
        save(demo["oxford"], summary="Ours.")
    assert CouncilServiceVersion.objects.filter(council=demo["oxford"]).count() == 1


def test_a_half_written_question_is_refused(demo):
    with pytest.raises(council_actions.ServiceContentError, match="question and an answer"):
        save(demo["oxford"], faqs=[{"question": "Why?", "answer": ""}])
    assert not CouncilService.objects.filter(council=demo["oxford"], service=bins()).exists()


def test_revert_puts_an_earlier_version_back_as_a_new_version(demo):
    oxford = demo["oxford"]
    save(oxford, summary="First.")
    save(oxford, summary="Second.", links=[{"text": "A", "url": "https://a.example"}])
    version = council_actions.council_service_content_revert(
        council=oxford, service=bins(), actor=person("service-manager.oxford"), number=1
    )
    assert version.number == 3 and "version 1" in version.note
    view = queries.service_for_council(council=oxford, lgsl=524)
    assert view.summary == "First." and view.links == []
    national = council_actions.council_service_content_revert(
        council=oxford, service=bins(), actor=person("service-manager.oxford"), number=0
    )
    assert national.number == 4
    assert queries.service_for_council(council=oxford, lgsl=524).summary == bins().summary
    numbers = [
        v.number for v in council_queries.council_service_versions(council=oxford, service=bins())
    ]
    assert numbers == [4, 3, 2, 1]
    with pytest.raises(council_actions.ServiceContentError, match="no version 9"):
        council_actions.council_service_content_revert(
            council=oxford, service=bins(), actor=person("service-manager.oxford"), number=9
        )


@pytest.mark.parametrize(
    "who", ["case-officer.oxford", "moderator.oxford", "service-manager.manchester"]
)
def test_only_the_councils_service_managers_and_admins_edit_content(demo, who):
    with pytest.raises(PermissionDenied):
        save(demo["oxford"], actor=person(who), summary="Not allowed.")
    assert not CouncilServiceVersion.objects.exists()


def test_council_admins_hide_a_service_and_name_its_team_service_managers_cannot(demo):
    oxford = demo["oxford"]
    team = Team.objects.filter(council=oxford).first()
    with pytest.raises(PermissionDenied):
        council_actions.council_service_settings_save(
            council=oxford,
            service=bins(),
            actor=person("service-manager.oxford"),
            hidden=True,
            team=None,
        )
    version = council_actions.council_service_settings_save(
        council=oxford, service=bins(), actor=person("council-admin.oxford"), hidden=True, team=team
    )
    assert version.changed == ["hidden", "team"] and "Hidden" in version.note
    with pytest.raises(queries.ServiceNotFoundError):
        queries.service_for_council(council=oxford, lgsl=524)
    manchester_team = Team.objects.filter(council=demo["manchester"]).first()
    with pytest.raises(council_actions.ServiceContentError, match="team of this council"):
        council_actions.council_service_settings_save(
            council=oxford,
            service=bins(),
            actor=person("council-admin.oxford"),
            hidden=False,
            team=manchester_team,
        )
    with pytest.raises(PermissionDenied):
        council_actions.council_service_settings_save(
            council=oxford,
            service=bins(),
            actor=person("council-admin.manchester"),
            hidden=False,
            team=None,
        )


def test_a_service_of_the_other_tier_cannot_be_edited(demo):
    county_service = Service.objects.filter(tier="county").first()
    district = next(c for c in demo.values() if c.tier == "district")
    manager = User.objects.filter(
        staff_roles__council=district, staff_roles__role="service_manager"
    ).first()
    with pytest.raises(council_actions.ServiceContentError, match="does not provide"):
        council_actions.council_service_content_save(
            council=district, service=county_service, actor=manager, content={"summary": "x"}
        )


def test_content_past_its_review_date_is_listed_for_managers(demo):
    oxford = demo["oxford"]
    save(oxford, review_by=datetime.date(2027, 6, 30))
    council_actions.council_service_content_save(
        council=oxford,
        service=Service.objects.get(lgsl=1130),
        actor=person("service-manager.oxford"),
        content={"review_by": datetime.date(2027, 9, 1)},
    )
    council_actions.council_service_content_save(
        council=demo["manchester"],
        service=bins(),
        actor=person("service-manager.manchester"),
        content={"review_by": datetime.date(2026, 1, 1)},
    )
    # Review dates are London dates: at 23:30 UTC on 30 June it is already 1 July in London.
    with time_machine.travel("2027-06-30 22:30 +0000", tick=False):
        assert council_queries.council_service_stale_list(council=oxford) == []
    with time_machine.travel("2027-06-30 23:30 +0000", tick=False):
        stale = council_queries.council_service_stale_list(council=oxford)
        assert [row.service.lgsl for row in stale] == [524]
        rows = council_queries.council_service_content_list(council=oxford)
        assert rows[0].service.lgsl == 524 and rows[0].stale
        assert not any(r.stale for r in rows[1:])
