"""Bulky waste over HTTP and through its actions, against the fake GOV.UK Pay."""

import threading
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.cases.models import EventKind
from pocketcouncil.cases.workflow import CaseStatus
from pocketcouncil.payments import actions, bulky
from pocketcouncil.payments.models import (
    BookingStatus,
    BulkyBooking,
    CollectionSlot,
)
from pocketcouncil.payments.testing import deliver_webhooks

pytestmark = pytest.mark.django_db
DEMO = "demo.pocketcouncil.example"


def post_booking(client, setup, slot=0, key="k1", sofas=1, fridges=1):
    return client.post(
        "/bulky-waste/oxford/book/",
        {
            f"item_{setup['sofa'].pk}": sofas,
            f"item_{setup['fridge'].pk}": fridges,
            "slot": setup["slots"][slot].pk,
            "address": "12 Cowley Road, OX4 1HP",
            "submission_key": key,
        },
    )


def test_book_pay_and_see_it_booked(client, pay_oxford, bulky_setup, amira):
    client.force_login(amira)
    page = client.get("/bulky-waste/oxford/book/").content.decode()
    assert "Sofa (£20.00)" in page and "2 left" in page
    response = post_booking(client, bulky_setup)
    booking = BulkyBooking.objects.get()
    payment = bulky.latest_payment(booking)
    assert response.status_code == 302 and response["Location"] == payment.next_url
    assert (booking.amount, booking.vat_amount) == (5000, 500)  # VAT inside the fridge's £30
    assert payment.amount == 5000 and payment.vat_amount == 500 and payment.income_code == "BULKY"
    back = pay_oxford.pay(payment.pay_id)
    response = client.get(back.replace("http://127.0.0.1:8000", ""))
    assert response["Location"] == f"/bulky-waste/bookings/{booking.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Collection booked" in page and booking.case.reference in page
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert booking.case.status == CaseStatus.ACKNOWLEDGED and not booking.case.is_public
    assert booking.case.events.filter(kind=EventKind.STATUS_CHANGED, note__contains="Paid £50.00")
    assert deliver_webhooks(client, pay_oxford) == [200]  # the late webhook changes nothing
    assert CollectionSlot.objects.get(pk=booking.slot_id).booked == 1


def test_a_form_sent_twice_books_once(client, pay_oxford, bulky_setup, amira):
    client.force_login(amira)
    first = post_booking(client, bulky_setup)
    second = post_booking(client, bulky_setup)
    assert first["Location"] == second["Location"]
    assert BulkyBooking.objects.count() == 1 and pay_oxford.created == 1
    assert CollectionSlot.objects.get(pk=bulky_setup["slots"][0].pk).booked == 1


def test_a_full_day_is_refused_clearly_and_other_days_offered(
    client, pay_oxford, bulky_setup, amira
):
    slot = bulky_setup["slots"][0]
    CollectionSlot.objects.filter(pk=slot.pk).update(booked=2)
    client.force_login(amira)
    response = post_booking(client, bulky_setup)
    html = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in html
    assert "has just been fully booked" in html
    assert str(bulky_setup["slots"][1].pk) in html
    assert BulkyBooking.objects.count() == 0


def test_bad_input_gets_the_error_summary(client, pay_oxford, bulky_setup, amira):
    client.force_login(amira)
    html = post_booking(client, bulky_setup, sofas=0, fridges=0).content.decode()
    assert "Choose at least one item" in html
    html = post_booking(client, bulky_setup, sofas="lots").content.decode()
    assert "Enter a whole number" in html
    html = post_booking(client, bulky_setup, sofas=5, fridges=2).content.decode()
    assert "up to 6 items" in html


def test_level_one_residents_are_asked_to_step_up(client, bulky_setup):
    client.force_login(User.objects.get(email=f"tom.evans@{DEMO}"))
    response = client.get("/bulky-waste/oxford/book/")
    assert response.status_code == 302 and "/book/" not in response["Location"]


def test_declined_keeps_the_day_held_and_trying_again_pays(client, pay_oxford, bulky_setup, amira):
    client.force_login(amira)
    post_booking(client, bulky_setup)
    booking = BulkyBooking.objects.get()
    first = bulky.latest_payment(booking)
    client.get(pay_oxford.pay(first.pay_id, "declined").replace("http://127.0.0.1:8000", ""))
    page = client.get(f"/bulky-waste/bookings/{booking.pk}/").content.decode()
    assert "Your payment did not go through" in page and "Pay £50.00" in page
    response = client.post(f"/bulky-waste/bookings/{booking.pk}/pay/")
    second = bulky.latest_payment(booking)
    assert second.pk != first.pk and response["Location"] == second.next_url
    pay_oxford.pay(second.pay_id)
    deliver_webhooks(client, pay_oxford)  # webhook first this time
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED


def test_an_unpaid_hold_is_released_by_reconciliation(client, pay_oxford, bulky_setup, amira):
    pay_oxford.drop_webhooks = True
    client.force_login(amira)
    post_booking(client, bulky_setup)
    booking = BulkyBooking.objects.get()
    payment = bulky.latest_payment(booking)
    pay_oxford.open_card_page(payment.pay_id)  # and never comes back
    with time_machine.travel(timezone.now() + timedelta(minutes=30)):
        assert actions.payments_reconcile()["released"] == 0  # still paying, maybe
    pay_oxford.expire(payment.pay_id)
    with time_machine.travel(timezone.now() + timedelta(minutes=101)):
        assert actions.payments_reconcile()["released"] == 1
        assert actions.payments_reconcile()["released"] == 0
    booking.refresh_from_db()
    assert booking.status == BookingStatus.RELEASED
    assert CollectionSlot.objects.get(pk=booking.slot_id).booked == 0
    assert booking.case.status == CaseStatus.CLOSED


def test_paid_after_release_with_the_day_gone_is_refunded(client, pay_oxford, bulky_setup, amira):
    client.force_login(amira)
    post_booking(client, bulky_setup)
    booking = BulkyBooking.objects.get()
    payment = bulky.latest_payment(booking)
    BulkyBooking.objects.filter(pk=booking.pk).update(status=BookingStatus.RELEASED)
    CollectionSlot.objects.filter(pk=booking.slot_id).update(booked=2)
    pay_oxford.pay(payment.pay_id)
    payment = actions.payment_returned(payment=payment)
    assert payment.refunded_amount == payment.amount
    assert pay_oxford.refund_available(pay_oxford.payments[payment.pay_id]) == 0


def _booked(client, pay_oxford, bulky_setup, amira, slot=0):
    client.force_login(amira)
    post_booking(client, bulky_setup, slot=slot)
    booking = BulkyBooking.objects.get()
    payment = bulky.latest_payment(booking)
    pay_oxford.pay(payment.pay_id)
    actions.payment_returned(payment=payment)
    booking.refresh_from_db()
    return booking, payment


def test_cancel_before_the_cut_off_refunds_in_full(client, pay_oxford, bulky_setup, amira):
    booking, payment = _booked(client, pay_oxford, bulky_setup, amira)
    assert (
        "We will refund £50.00"
        in client.get(f"/bulky-waste/bookings/{booking.pk}/cancel/").content.decode()
    )
    client.post(f"/bulky-waste/bookings/{booking.pk}/cancel/")
    booking.refresh_from_db()
    payment.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED and payment.refunded_amount == 5000
    assert CollectionSlot.objects.get(pk=booking.slot_id).booked == 0
    assert booking.case.status == CaseStatus.CLOSED


def test_cancel_after_the_cut_off_gives_no_refund(client, pay_oxford, bulky_setup, amira):
    booking, payment = _booked(client, pay_oxford, bulky_setup, amira)
    day_before = datetime.combine(booking.slot.date - timedelta(days=1), datetime.min.time())
    with time_machine.travel(day_before.replace(tzinfo=bulky.LONDON)):
        html = client.get(f"/bulky-waste/bookings/{booking.pk}/cancel/").content.decode()
        assert "you will not get a refund" in html
        client.post(f"/bulky-waste/bookings/{booking.pk}/cancel/")
    payment.refresh_from_db()
    assert payment.refunded_amount == 0
    assert booking.case.events.filter(note__contains="no refund").exists()


def test_reschedule_moves_the_place(client, pay_oxford, bulky_setup, amira):
    booking, _payment = _booked(client, pay_oxford, bulky_setup, amira)
    new = bulky_setup["slots"][2]
    response = client.post(f"/bulky-waste/bookings/{booking.pk}/change/", {"slot": new.pk})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.slot_id == new.pk
    counts = dict(CollectionSlot.objects.values_list("pk", "booked"))
    assert counts[bulky_setup["slots"][0].pk] == 0 and counts[new.pk] == 1
    CollectionSlot.objects.filter(pk=bulky_setup["slots"][1].pk).update(booked=2)
    html = client.post(
        f"/bulky-waste/bookings/{booking.pk}/change/", {"slot": bulky_setup["slots"][1].pk}
    ).content.decode()
    assert "govuk-error-summary" in html


def test_other_residents_and_other_councils_staff_cannot_see_a_booking(
    client, pay_oxford, bulky_setup, amira
):
    booking, _payment = _booked(client, pay_oxford, bulky_setup, amira)
    client.force_login(User.objects.get(email=f"grace.okafor@{DEMO}"))
    assert client.get(f"/bulky-waste/bookings/{booking.pk}/").status_code == 404
    assert client.post(f"/bulky-waste/bookings/{booking.pk}/cancel/").status_code == 404
    sign_in_with_mfa(client, User.objects.get(email=f"case-officer.manchester@{DEMO}"))
    assert client.get("/staff/oxford/payments/bulky/").status_code == 403
    assert client.post(f"/staff/oxford/payments/bulky/{booking.pk}/cancel/").status_code == 403
    sign_in_with_mfa(client, User.objects.get(email=f"case-officer.oxford@{DEMO}"))
    html = client.get("/staff/oxford/payments/bulky/").content.decode()
    assert booking.case.reference in html and "12 Cowley Road" in html


def _committed(fn):
    """Run ``fn`` on a connection of its own, outside the test's transaction (committed)."""
    out = {}

    def run():
        from django.db import connection as own

        try:
            out["value"] = fn()
        finally:
            own.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return out.get("value")


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite lets one writer in at a time, so bookings cannot race there; "
    "the race is tested on PostgreSQL",
)
def test_concurrent_bookings_never_oversell_a_slot(oxford, amira):
    """20 residents' threads, each on its own database connection, press Book at once for a
    slot with 5 places: exactly 5 bookings, 15 told the day has gone."""
    from django.apps import apps

    from pocketcouncil.payments.models import BulkyItem

    tracked = [
        apps.get_model(m)
        for m in ("cases.Case", "notify.Notification", "notify.Subscription", "notify.EventKey")
    ]

    def setup():
        marks = {
            m: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
            for m in tracked
        }
        item = BulkyItem.objects.create(council=oxford, name="Race sofa", price=1000)
        slot = CollectionSlot.objects.create(
            council=oxford,
            round_name="Race",
            date=timezone.localdate() + timedelta(days=9),
            capacity=5,
        )
        return marks, item, slot

    marks, item, slot = _committed(setup)
    results = []
    barrier = threading.Barrier(20)

    def attempt(n):
        from django.db import connection as own

        try:
            barrier.wait()
            bulky.bulky_booking_create(
                council=oxford,
                actor=amira,
                resident=amira,
                slot_id=slot.pk,
                quantities={item.pk: 1},
                address="1 High Street",
                submission_key=f"race-{n}",
            )
            results.append("booked")
        except bulky.SlotGoneError:
            results.append("gone")
        finally:
            own.close()

    try:
        threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        def check():
            fresh = CollectionSlot.objects.get(pk=slot.pk)
            return fresh.booked, BulkyBooking.objects.filter(slot=slot).count()

        assert sorted(results) == ["booked"] * 5 + ["gone"] * 15
        assert _committed(check) == (5, 5)
    finally:

        def cleanup():
            BulkyBooking.objects.filter(slot=slot).delete()
            for model in reversed(tracked):
                model.objects.filter(pk__gt=marks[model]).delete()
            slot.delete()
            item.delete()

        _committed(cleanup)
