"""Every share goes through policy.share_check: refusals, each with a reason staff can read."""

import datetime

import pytest
from django.utils import timezone

from pocketcouncil.privacy import actions, policy
from pocketcouncil.privacy.models import LawfulBasis, Share, ShareStatus

pytestmark = pytest.mark.django_db


def check(agreement, resident, council=None, categories=("contact",)):
    return policy.share_check(
        resident=resident,
        agreement=agreement,
        categories=list(categories),
        council=council or agreement.council,
    )


def test_consent_purpose_is_refused_until_the_resident_agrees(agreement, person):
    amira = person("amira.khan")
    housing = agreement()
    decision = check(housing, amira)
    assert not decision.allowed
    assert "consent" in decision.reason
    actions.consent_grant(resident=amira, agreement=housing, actor=amira)
    assert check(housing, amira).allowed


def test_withdrawn_consent_is_refused_again(agreement, person):
    amira = person("amira.khan")
    housing = agreement()
    actions.consent_grant(resident=amira, agreement=housing, actor=amira)
    actions.consent_withdraw(resident=amira, agreement=housing, actor=amira)
    decision = check(housing, amira)
    assert not decision.allowed and "withdrawn" in decision.reason


def test_public_task_needs_no_consent_but_does_need_an_active_agreement(agreement, person):
    tom = person("tom.evans")
    today = timezone.localdate()
    live = agreement(basis=LawfulBasis.PUBLIC_TASK, name="council tax team")
    assert check(live, tom).allowed
    ended = agreement(
        basis=LawfulBasis.PUBLIC_TASK, name="old partner", ended_on=today - datetime.timedelta(1)
    )
    assert check(ended, tom).reason == "The data-sharing agreement has ended."
    lapsed = agreement(
        basis=LawfulBasis.PUBLIC_TASK,
        name="lapsed partner",
        starts_on=today - datetime.timedelta(400),
        review_on=today - datetime.timedelta(1),
    )
    assert "review date" in check(lapsed, tom).reason
    future = agreement(
        basis=LawfulBasis.PUBLIC_TASK, name="new partner", starts_on=today + datetime.timedelta(3)
    )
    assert "not started" in check(future, tom).reason


def test_data_outside_the_agreement_is_refused(agreement, person):
    tom = person("tom.evans")
    live = agreement(basis=LawfulBasis.LEGAL_OBLIGATION, categories=["contact"])
    decision = check(live, tom, categories=["contact", "circumstances"])
    assert not decision.allowed and "circumstances" in decision.reason
    assert not check(live, tom, categories=[]).allowed


def test_another_councils_agreement_is_refused(agreement, person, demo):
    tom = person("tom.evans")
    manchester = agreement(council="manchester", basis=LawfulBasis.PUBLIC_TASK)
    decision = check(manchester, tom, council=demo["oxford"])
    assert not decision.allowed and "another council" in decision.reason


def test_share_request_keeps_refusals_with_the_reason(agreement, person):
    amira = person("amira.khan")
    officer = person("case-officer.oxford")
    housing = agreement()
    refused = actions.share_request(
        resident=amira,
        agreement=housing,
        categories=["contact"],
        council=housing.council,
        actor=officer,
    )
    assert refused.status == ShareStatus.REFUSED and "consent" in refused.reason
    actions.consent_grant(resident=amira, agreement=housing, actor=amira)
    queued = actions.share_request(
        resident=amira,
        agreement=housing,
        categories=["contact"],
        council=housing.council,
        actor=officer,
    )
    assert queued.status == ShareStatus.QUEUED
    assert Share.objects.filter(resident=amira).count() == 2
    assert amira.access_log.get().kind == "partner_share"  # only the real share is logged
