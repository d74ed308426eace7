"""The payments core against the fake GOV.UK Pay over real HTTP: every path to "paid once"."""

import json
import logging
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from pocketcouncil.payments import actions, crypto
from pocketcouncil.payments.models import (
    PayAccount,
    Payment,
    PaymentEvent,
    PaymentEventKind,
    PaymentStatus,
    Purpose,
)
from pocketcouncil.payments.testing import deliver_webhooks

pytestmark = pytest.mark.django_db


def start(council, key="sub-1", amount=6000, **kwargs):
    return actions.payment_start(
        council=council,
        purpose=Purpose.GARDEN_WASTE,
        subject_key=key,
        amount=amount,
        description="Garden waste 2027",
        actor=None,
        income_code="GW100",
        **kwargs,
    )


def test_start_creates_a_gov_uk_pay_payment_and_gives_its_card_page(oxford, pay_oxford, recorder):
    payment = start(oxford)
    assert payment.status == PaymentStatus.CREATED
    assert payment.pay_id and payment.next_url.endswith(f"/card/{payment.pay_id}")
    sent = pay_oxford.payments[payment.pay_id]
    assert sent["amount"] == 6000 and sent["reference"] == payment.reference
    assert sent["return_url"].endswith(f"/payments/return/{payment.return_token}/")
    assert recorder.paid == []


def test_a_double_click_makes_one_payment_at_gov_uk_pay(oxford, pay_oxford, recorder):
    first = start(oxford)
    second = start(oxford)
    assert first.pk == second.pk and pay_oxford.created == 1


def test_the_back_button_after_the_card_page_cancels_the_old_attempt(oxford, pay_oxford, recorder):
    first = start(oxford)
    pay_oxford.open_card_page(first.pay_id)  # status "started": its link was used
    second = start(oxford)
    assert second.pk != first.pk
    first.refresh_from_db()
    assert first.status == PaymentStatus.CANCELLED
    assert pay_oxford.payments[first.pay_id]["state"]["status"] == "cancelled"
    # Paying the new one pays once; the cancelled one can never be paid.
    pay_oxford.pay(second.pay_id)
    assert (
        pay_oxford.pay(first.pay_id)
        and pay_oxford.payments[first.pay_id]["state"]["status"] == "cancelled"
    )
    actions.payment_returned(payment=second)
    assert recorder.paid == [second.reference]


def test_webhook_first_then_return_confirms_once(client, oxford, pay_oxford, recorder):
    payment = start(oxford)
    pay_oxford.pay(payment.pay_id)
    assert deliver_webhooks(client, pay_oxford) == [200]
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.SUCCESS
    response = client.get(f"/payments/return/{payment.return_token}/")
    assert response.status_code == 302 and response["Location"] == f"/done/{payment.reference}/"
    assert recorder.paid == [payment.reference]


def test_return_first_then_webhook_confirms_once(client, oxford, pay_oxford, recorder):
    payment = start(oxford)
    location = pay_oxford.pay(payment.pay_id)
    assert location.endswith(f"/payments/return/{payment.return_token}/")
    client.get(f"/payments/return/{payment.return_token}/")
    assert deliver_webhooks(client, pay_oxford) == [200]
    assert recorder.paid == [payment.reference]
    assert (
        PaymentEvent.objects.filter(payment=payment, kind=PaymentEventKind.FULFILLED).count() == 1
    )


def test_a_repeated_webhook_is_recorded_once(client, oxford, pay_oxford, recorder):
    pay_oxford.repeat_webhooks = 3
    payment = start(oxford)
    pay_oxford.pay(payment.pay_id)
    held = pay_oxford.take_webhooks()
    for _ in range(3):
        for url, body, signature in held:
            response = client.post(
                "/" + url.split("/", 3)[3],
                body,
                content_type="application/json",
                HTTP_PAY_SIGNATURE=signature,
            )
            assert response.status_code == 200
    assert recorder.paid == [payment.reference]
    assert PaymentEvent.objects.filter(payment=payment, kind=PaymentEventKind.WEBHOOK).count() == 1


@pytest.mark.parametrize(
    ("outcome", "status", "code"),
    [
        ("declined", PaymentStatus.FAILED, "P0010"),
        ("cancel", PaymentStatus.FAILED, "P0030"),
        ("timeout", PaymentStatus.FAILED, "P0020"),
        ("error", PaymentStatus.ERROR, "P0050"),
    ],
)
def test_failures_release_once_and_a_new_attempt_can_pay(
    client, oxford, pay_oxford, recorder, outcome, status, code
):
    payment = start(oxford)
    pay_oxford.pay(payment.pay_id, outcome)
    client.get(f"/payments/return/{payment.return_token}/")
    deliver_webhooks(client, pay_oxford)
    payment.refresh_from_db()
    assert (payment.status, payment.failure_code) == (status, code)
    assert recorder.unpaid == [payment.reference] and recorder.paid == []
    again = start(oxford)
    assert again.pk != payment.pk and again.idempotency_key.endswith("-2")
    pay_oxford.pay(again.pay_id)
    actions.payment_returned(payment=again)
    assert recorder.paid == [again.reference]


def test_a_forged_webhook_is_refused_and_changes_nothing(client, oxford, pay_oxford, recorder):
    payment = start(oxford)
    pay_oxford.pay(payment.pay_id)
    ((url, body, _signature),) = pay_oxford.take_webhooks()
    forged = "0" * 64
    response = client.post(
        f"/payments/webhook/{oxford.slug}/",
        body,
        content_type="application/json",
        HTTP_PAY_SIGNATURE=forged,
    )
    assert response.status_code == 401 and response.json()["error"] == "signature_invalid"
    response = client.post(
        f"/payments/webhook/{oxford.slug}/", body, content_type="application/json"
    )
    assert response.status_code == 401
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED and recorder.paid == []


def test_a_webhook_signed_for_another_council_is_refused(
    client, demo, oxford, pay_oxford, recorder
):
    from pocketcouncil.payments.testing import connect

    connect(demo["manchester"], pay_oxford)
    payment = start(oxford)
    pay_oxford.pay(payment.pay_id)
    ((_url, body, signature),) = pay_oxford.take_webhooks()
    response = client.post(
        "/payments/webhook/manchester/",
        body,
        content_type="application/json",
        HTTP_PAY_SIGNATURE=signature,
    )
    assert response.status_code == 401
    assert recorder.paid == []


def test_a_state_for_a_different_amount_is_not_believed(oxford, pay_oxford, recorder):
    payment = start(oxford)
    pay_oxford.payments[payment.pay_id]["amount"] = 1
    pay_oxford.pay(payment.pay_id)
    actions.payment_returned(payment=payment)
    payment.refresh_from_db()
    assert payment.status == PaymentStatus.CREATED and recorder.paid == []


def test_gov_uk_pay_down_means_nothing_charged_and_a_retry_resumes_the_same_attempt(
    oxford, pay_oxford, recorder
):
    pay_oxford.fail_next = [503]
    with pytest.raises(actions.PaymentUnavailableError):
        start(oxford)
    payment = Payment.objects.get()
    assert payment.status == PaymentStatus.NEW and pay_oxford.created == 0
    again = start(oxford)
    assert again.pk == payment.pk and again.status == PaymentStatus.CREATED


def test_a_create_lost_after_gov_uk_pay_accepted_it_is_found_by_its_idempotency_key(
    oxford, pay_oxford, recorder, monkeypatch
):
    """The web process dies after GOV.UK Pay made the payment, before we saved its id."""
    payment = start(oxford)
    Payment.objects.filter(pk=payment.pk).update(pay_id=None, status=PaymentStatus.NEW, next_url="")
    pay_oxford.pay(payment.pay_id)  # the resident paid on the page they had
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        report = actions.payments_reconcile()
    payment.refresh_from_db()
    assert pay_oxford.created == 1
    assert payment.pay_id and payment.status == PaymentStatus.SUCCESS
    assert report["settled"] == 1 and recorder.paid == [payment.reference]


def test_a_resident_who_never_comes_back_is_settled_by_reconciliation(oxford, pay_oxford, recorder):
    pay_oxford.drop_webhooks = True
    paid = start(oxford, key="a")
    abandoned = start(oxford, key="b")
    pay_oxford.pay(paid.pay_id)
    pay_oxford.open_card_page(abandoned.pay_id)
    assert actions.payments_reconcile()["checked"] == 0  # too soon: they may still be paying
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        report = actions.payments_reconcile()
    assert (report["checked"], report["settled"], report["unreachable"]) == (2, 1, 0)
    pay_oxford.expire(abandoned.pay_id)  # GOV.UK Pay gives up after 90 minutes
    with time_machine.travel(timezone.now() + timedelta(minutes=95)):
        actions.payments_reconcile()
        actions.payments_reconcile()
    assert recorder.paid == [paid.reference] and recorder.unpaid == [abandoned.reference]


def test_staff_refund_with_reason_is_audited_and_cannot_go_over(
    oxford, pay_oxford, recorder, django_user_model
):
    from pocketcouncil.accounts.models import User

    manager = User.objects.get(email="service-manager.oxford@demo.pocketcouncil.example")
    payment = start(oxford)
    pay_oxford.pay(payment.pay_id)
    payment = actions.payment_returned(payment=payment)
    with pytest.raises(actions.PaymentsInputError):
        actions.payment_refund(payment=payment, amount=1000, reason=" ", actor=manager)
    refund = actions.payment_refund(
        payment=payment, amount=2500, reason="Bin not delivered", actor=manager
    )
    assert refund.pay_refund_id in pay_oxford.payments[payment.pay_id]["_refunds"]
    payment.refresh_from_db()
    assert payment.refunded_amount == 2500 and payment.refundable_amount == 3500
    event = payment.events.get(kind=PaymentEventKind.REFUND)
    assert event.actor == manager and event.note == "Bin not delivered"
    with pytest.raises(actions.PaymentsInputError):
        actions.payment_refund(payment=payment, amount=3501, reason="Again", actor=manager)
    # Someone refunded at GOV.UK Pay directly: its refund_amount_available check refuses ours.
    pay_oxford.payments[payment.pay_id]["_refunds"]["x"] = {"amount": 100, "status": "success"}
    with pytest.raises(actions.RefundNotPossibleError):
        actions.payment_refund(payment=payment, amount=3500, reason="Again", actor=manager)
    payment.refresh_from_db()
    assert payment.refunded_amount == 2500


def test_only_staff_with_the_refund_right_in_that_council_can_refund(
    oxford, demo, pay_oxford, recorder
):
    from django.core.exceptions import PermissionDenied

    from pocketcouncil.accounts.models import User

    payment = start(oxford)
    pay_oxford.pay(payment.pay_id)
    payment = actions.payment_returned(payment=payment)
    for email in (
        "case-officer.oxford@demo.pocketcouncil.example",
        "service-manager.manchester@demo.pocketcouncil.example",
    ):
        with pytest.raises(PermissionDenied):
            actions.payment_refund(
                payment=payment, amount=100, reason="x", actor=User.objects.get(email=email)
            )


def test_keys_are_encrypted_and_never_logged(oxford, caplog):
    from pocketcouncil.accounts.models import User

    admin = User.objects.get(email="council-admin.oxford@demo.pocketcouncil.example")
    key = "api_test_abcdefghijklmnopqrstuvwxyz1234"
    with caplog.at_level(logging.DEBUG):
        account = actions.pay_account_set(
            council=oxford, actor=admin, api_key=key, webhook_secret="whsecret-0123456789"
        )
    assert key not in caplog.text and "whsecret-0123456789" not in caplog.text
    stored = PayAccount.objects.filter(pk=account.pk).values()[0]
    assert key not in json.dumps(stored, default=str)
    assert crypto.decrypt(stored["api_key_encrypted"]) == key
    assert account.api_key_hint == "…1234" and key not in repr(account) + str(account)
    assert not account.is_live
