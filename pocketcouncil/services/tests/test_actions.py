"""Writes: councils' overrides, the hand-written content, and front-door records."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pocketcouncil.councils.tests.factories import TeamFactory
from pocketcouncil.services import actions, content, queries
from pocketcouncil.services.models import (
    CouncilService,
    FrontDoorSearch,
    Service,
    ServiceAttribute,
    ServiceFAQ,
)
from pocketcouncil.services.tests.factories import ServiceAttributeFactory, ServiceFactory

pytestmark = pytest.mark.django_db


def test_override_rewords_without_copying(demo):
    service = Service.objects.get(lgsl=524)
    actions.service_override_set(
        council=demo["oxford"], service=service, actor=None, summary="Oxford's own words."
    )
    view = queries.service_for_council(council=demo["oxford"], lgsl=524)
    assert view.summary == "Oxford's own words."
    assert view.name == service.name  # not overridden: the national wording
    assert queries.service_for_council(council=demo["manchester"], lgsl=524).summary == (
        service.summary
    )
    # Blank means "back to the national wording".
    actions.service_override_set(council=demo["oxford"], service=service, actor=None, summary="")
    assert queries.service_for_council(council=demo["oxford"], lgsl=524).summary == service.summary


def test_override_records_who_changed_it(demo, django_user_model):
    editor = django_user_model.objects.create(email="editor@example.com")
    setting = actions.service_override_set(
        council=demo["oxford"], service=Service.objects.get(lgsl=524), actor=editor, hidden=True
    )
    assert setting.updated_by == editor


def test_override_team_must_be_the_councils_own(demo):
    service = Service.objects.get(lgsl=524)
    other = TeamFactory(council=demo["manchester"])
    with pytest.raises(ValidationError, match="Choose a team of this council"):
        actions.service_override_set(
            council=demo["oxford"], service=service, actor=None, team=other
        )
    assert not CouncilService.objects.filter(council=demo["oxford"], service=service).exists()


def test_override_named_team_wins_over_the_default(demo):
    service = Service.objects.get(lgsl=524)
    team = TeamFactory(council=demo["oxford"], name="Bin crew east")
    actions.service_override_set(council=demo["oxford"], service=service, actor=None, team=team)
    assert queries.service_for_council(council=demo["oxford"], lgsl=524).team == team


def test_override_rejects_unknown_fields(demo):
    with pytest.raises(TypeError):
        actions.service_override_set(
            council=demo["oxford"], service=Service.objects.get(lgsl=524), actor=None, tier="x"
        )


def test_every_demo_service_has_its_owning_team_at_each_council(demo):
    for entry in content.SERVICES:
        for council in demo.values():
            if council.provides(entry["tier"]):
                view = queries.service_for_council(council=council, lgsl=entry["lgsl"])
                assert view.team and view.team.name == entry["team_name"], (entry, council)


def test_content_apply_is_idempotent_and_removes_dropped_questions():
    stale = ServiceAttributeFactory(service=Service.objects.get(lgsl=524), code="stale")
    report = actions.catalogue_content_apply(entries=content.SERVICES)
    assert report.deleted["form questions"] == 1
    assert not ServiceAttribute.objects.filter(pk=stale.pk).exists()
    again = actions.catalogue_content_apply(entries=content.SERVICES)
    assert sum(again.created.values()) + sum(again.changed.values()) == 0


def test_content_for_an_unknown_code_is_refused():
    entry = dict(content.SERVICES[0], lgsl=987654)
    with pytest.raises(actions.ServiceNotInCatalogueError, match="987654"):
        actions.catalogue_content_apply(entries=[entry])


def test_list_questions_need_choices():
    attribute = ServiceAttribute(
        service=ServiceFactory(), code="kind", label="Kind", datatype="singlevaluelist"
    )
    with pytest.raises(ValidationError, match="at least one choice"):
        attribute.full_clean()


def test_database_refuses_an_unknown_tier_and_assurance():
    with transaction.atomic(), pytest.raises(IntegrityError):
        ServiceFactory(tier="parish")
    with transaction.atomic(), pytest.raises(IntegrityError):
        ServiceFactory(minimum_assurance_level=4)


def test_answer_feedback_needs_an_answer_shown():
    search = actions.front_door_search_record(query="x", council=None, shown=[], answer=None)
    with pytest.raises(ValidationError):
        actions.front_door_answer_record(search_id=search.pk, helped=True)
    faq = ServiceFAQ.objects.first()
    search = actions.front_door_search_record(query="x", council=None, shown=[1], answer=faq)
    assert actions.front_door_answer_record(search_id=search.pk, helped=True).answer_helped


def test_only_the_first_click_counts():
    search = actions.front_door_search_record(query="x", council=None, shown=[1, 2], answer=None)
    assert actions.front_door_click_record(search_id=search.pk, lgsl=2)
    assert not actions.front_door_click_record(search_id=search.pk, lgsl=1)
    assert FrontDoorSearch.objects.get(pk=search.pk).clicked_lgsl == 2
