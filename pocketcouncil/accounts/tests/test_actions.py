import io
import re

import pytest
import time_machine
from django.core.management import call_command

from pocketcouncil.accounts import actions, queries
from pocketcouncil.accounts.models import MobileCode
from pocketcouncil.accounts.tests.factories import UserFactory
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
