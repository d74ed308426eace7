import io
import re

import pytest
import time_machine
from django.core.management import call_command

from pocketcouncil.accounts import actions, queries
from pocketcouncil.accounts.models import MobileCode
from pocketcouncil.accounts.tests.factories import UserFactory
from pocketcouncil.notify import actions as notify_actions
from pocketcouncil.notify.models import Notification
from pocketcouncil.notify.testing import deliver_pending, sms_outbox

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("447700900123", "+447700900123"),
        ("0044 (7700) 900-123", "+447700900123"),
    ],
)
def test_uk_mobile_numbers_are_stored_one_way(typed, stored):
    assert actions.mobile_normalise(typed) == stored


@pytest.mark.parametrize("typed", ["", "01865 249811", "+1 202 555 0100", "07700 90012"])
def test_other_numbers_are_refused(typed):
    with pytest.raises(actions.MobileNumberInvalidError):
        actions.mobile_normalise(typed)


def test_a_new_code_stops_the_old_one_working():
    user = UserFactory()
    actions.mobile_code_send(user=user, mobile="07700900123", actor=user)
    deliver_pending()
    first_code = re.search(r"\d{6}", sms_outbox[-1]["body"]).group(0)
    actions.mobile_code_send(user=user, mobile="07700900123", actor=user)
    deliver_pending()
    second_code = re.search(r"\d{6}", sms_outbox[-1]["body"]).group(0)
    if first_code != second_code:  # one in a million they are the same
        with pytest.raises(actions.MobileCodeWrongError):
            actions.mobile_verify(user=user, code=first_code, actor=user)
    actions.mobile_verify(user=user, code=second_code, actor=user)
    assert queries.verified_mobile_for(user) == "+447700900123"


def test_expired_codes_are_cleaned_up():
    user = UserFactory()
    with time_machine.travel("2026-03-01 09:00Z", tick=False):
        actions.mobile_code_send(user=user, mobile="07700900123", actor=user)
    with time_machine.travel("2026-03-03 09:00Z", tick=False):
        actions.mobile_code_send(user=user, mobile="07700900124", actor=user)
        out = io.StringIO()
        call_command("accounts_clean_up", stdout=out)
    assert "Deleted 1 expired" in out.getvalue()
    assert list(MobileCode.objects.values_list("mobile", flat=True)) == ["+447700900124"]


def test_the_stored_code_is_not_the_code():
    user = UserFactory()
    row = actions.mobile_code_send(user=user, mobile="07700900123", actor=user)
    assert len(row.code_hash) > 20
    assert not row.code_hash.isdigit()


def _verify_mobile(user, mobile="07700900123"):
    actions.mobile_code_send(user=user, mobile=mobile, actor=user)
    deliver_pending()
    code = re.search(r"\d{6}", sms_outbox[-1]["body"]).group(0)
    actions.mobile_verify(user=user, code=code, actor=user)


def test_text_messages_go_to_the_checked_mobile_and_stop_when_it_is_removed(council):
    user = UserFactory()
    notify_actions.subscription_create(
        actor=user,
        user=user,
        council=council,
        subject_kind="case",
        subject_key="42",
        channels={"sms": "instant"},
    )

    def case_moves(event_key):
        notify_actions.fan_out_for_subject(
            council=council,
            subject_kind="case",
            subject_key="42",
            event="status_changed",
            context={"reference": "TB-1", "title": "Pothole", "status": "fixed", "url": "/c"},
            idempotency_key=event_key,
        )
        deliver_pending()

    _verify_mobile(user)
    sms_outbox.clear()
    case_moves("case:42:event:1")
    assert [m["to"] for m in sms_outbox] == ["+447700900123"]

    actions.mobile_remove(user=user, actor=user)
    sms_outbox.clear()
    case_moves("case:42:event:2")
    assert sms_outbox == []
    assert not Notification.objects.filter(channel="sms", to="+447700900123", state="pending")


def test_the_demo_residents_at_level_two_can_be_texted(demo):
    from pocketcouncil.accounts.models import User

    amira = User.objects.get(email="amira.khan@demo.pocketcouncil.example")
    assert amira.notify_preferences.sms_number == queries.verified_mobile_for(amira)
