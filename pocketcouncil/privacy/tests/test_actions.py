"""The consent ledger: append-only, versioned wording, who recorded it, withdrawal cancels."""

import pytest
from django.core.exceptions import PermissionDenied

from pocketcouncil.privacy import actions, queries
from pocketcouncil.privacy.models import (
    AppendOnlyError,
    ConsentAction,
    ConsentChannel,
    ConsentEvent,
    LawfulBasis,
    ShareStatus,
)

pytestmark = pytest.mark.django_db


def test_grant_then_withdraw_appends_two_lines_with_the_wording_shown(agreement, person):
    amira = person("amira.khan")
    housing = agreement()
    actions.consent_grant(resident=amira, agreement=housing, actor=amira)
    actions.wording_add(agreement=housing, text="New words: phone, email and text messages.")
    actions.consent_withdraw(resident=amira, agreement=housing, actor=amira)
    granted, withdrawn = ConsentEvent.objects.filter(resident=amira).order_by("pk")
    assert (granted.action, granted.wording.version) == (ConsentAction.GRANT, 1)
    assert (withdrawn.action, withdrawn.wording.version) == (ConsentAction.WITHDRAW, 2)
    assert granted.recorded_by_name == amira.full_name and not granted.on_behalf
    assert queries.consent_cards_for(amira) == []


def test_the_ledger_cannot_be_changed_or_deleted(agreement, person):
    amira = person("amira.khan")
    event = actions.consent_grant(resident=amira, agreement=agreement(), actor=amira)
    event.channel = ConsentChannel.PAPER
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_withdrawing_cancels_queued_shares_at_once(agreement, person):
    amira = person("amira.khan")
    officer = person("case-officer.oxford")
    housing = agreement()
    actions.consent_grant(resident=amira, agreement=housing, actor=amira)
    share = actions.share_request(
        resident=amira,
        agreement=housing,
        categories=["contact"],
        council=housing.council,
        actor=officer,
    )
    actions.consent_withdraw(resident=amira, agreement=housing, actor=amira)
    share.refresh_from_db()
    assert share.status == ShareStatus.CANCELLED
    assert share.reason == "Consent withdrawn"


def test_staff_in_an_assisted_session_are_named_in_the_ledger(agreement, person):
    tom = person("tom.evans")
    adviser = person("contact-centre.oxford")
    event = actions.consent_grant(
        resident=tom,
        agreement=agreement(),
        actor=adviser,
        on_behalf=True,
        channel=ConsentChannel.PHONE,
    )
    assert event.on_behalf and event.recorded_by == adviser
    assert event.recorded_by_name == adviser.full_name
    [card] = queries.consent_cards_for(tom)
    assert card.on_behalf and card.recorded_by_name == adviser.full_name


def test_another_councils_staff_cannot_record_consent(agreement, person):
    tom = person("tom.evans")
    with pytest.raises(PermissionDenied):
        actions.consent_grant(
            resident=tom,
            agreement=agreement(),
            actor=person("contact-centre.manchester"),
            on_behalf=True,
        )
    assert not ConsentEvent.objects.exists()


def test_agreeing_twice_or_stopping_nothing_is_a_clear_error(agreement, person):
    amira = person("amira.khan")
    housing = agreement()
    with pytest.raises(actions.ConsentStateError):
        actions.consent_withdraw(resident=amira, agreement=housing, actor=amira)
    actions.consent_grant(resident=amira, agreement=housing, actor=amira)
    with pytest.raises(actions.ConsentStateError):
        actions.consent_grant(resident=amira, agreement=housing, actor=amira)
    with pytest.raises(actions.ConsentNotNeededError):
        actions.consent_grant(
            resident=amira,
            agreement=agreement(basis=LawfulBasis.PUBLIC_TASK, name="x"),
            actor=amira,
        )
