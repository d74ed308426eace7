"""Staff set prices and rules, bulky waste items and collection days: each change audited,
bad input named on the page, capacity never below the places taken, other councils refused."""

from datetime import timedelta

import pytest
from django.utils import timezone

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.payments import bulky, charges
from pocketcouncil.payments.actions import PaymentsInputError
from pocketcouncil.payments.models import (
    BulkyItem,
    ChargesEvent,
    ChargesEventKind,
    CollectionSlot,
    CouncilCharges,
)

pytestmark = pytest.mark.django_db
DEMO = "demo.pocketcouncil.example"


def staff(client, role, council="oxford"):
    user = User.objects.get(email=f"{role}.{council}@{DEMO}")
    sign_in_with_mfa(client, user)
    return user


def prices_form(**changes):
    data = {
        "garden_price_per_bin": "50.00",
        "garden_refund_rule": "full_14_days",
        "garden_income_code": "GARDEN",
        "bulky_max_items": "6",
        "bulky_cancel_cutoff_hours": "48",
        "bulky_concession_percent": "50",
        "bulky_income_code": "BULKY",
        "permit_price": "80.00",
        "permit_zones": "Zone A\nZone B",
        "permit_income_code": "PERMIT",
        "pcn_income_code": "PCN",
    }
    data.update(changes)
    return data


def test_council_admin_sets_prices_and_rules_with_an_audit_row(client, oxford):
    admin = staff(client, "council-admin")
    page = client.get("/staff/oxford/payments/prices/").content.decode()
    assert 'name="garden_price_per_bin"' in page and 'value="50.00"' in page
    response = client.post(
        "/staff/oxford/payments/prices/",
        prices_form(
            garden_price_per_bin="£62.50",
            garden_refund_rule="pro_rata",
            permit_zones="Zone A\n\n  Zone C  \n",
        ),
    )
    assert response.status_code == 302
    saved = CouncilCharges.objects.get(council=oxford)
    assert saved.garden_price_per_bin == 6250
    assert saved.garden_refund_rule == "pro_rata"
    assert saved.permit_zones == "Zone A\nZone C"
    event = ChargesEvent.objects.get(council=oxford)
    assert event.kind == ChargesEventKind.CHARGES_CHANGED and event.actor == admin
    assert event.before["garden_price_per_bin"] == 5000
    assert event.after == {
        "garden_price_per_bin": 6250,
        "garden_refund_rule": "pro_rata",
        "permit_zones": "Zone A\nZone C",
    }
    page = client.get("/staff/oxford/payments/prices/").content.decode()
    assert "£50.00 to £62.50" in page
    # Saving the same values again changes nothing and writes no row.
    client.post(
        "/staff/oxford/payments/prices/",
        prices_form(
            garden_price_per_bin="62.50",
            garden_refund_rule="pro_rata",
            permit_zones="Zone A\nZone C",
        ),
    )
    assert ChargesEvent.objects.filter(council=oxford).count() == 1


def test_new_price_applies_to_new_bulky_bookings_only(oxford, bulky_setup):
    admin = User.objects.get(email=f"council-admin.oxford@{DEMO}")
    sofa = bulky_setup["sofa"]
    charges.bulky_item_update(
        item=sofa, actor=admin, name="Sofa", price=2600, vat_rate=0, order=0, active=True
    )
    assert {i.name: i.price for i in bulky.items_for(oxford)}["Sofa"] == 2600


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("garden_price_per_bin", "free", "Enter an amount in pounds, like 25.00"),
        ("permit_price", "0", "Enter an amount in pounds, like 25.00"),
        ("bulky_concession_percent", "120", "Enter 100 or less"),
        ("bulky_income_code", "=SUM(A1)", "Enter an income code of up to 40 letters"),
        ("permit_zones", "Zone A\nzone a", "Each zone must appear only once"),
        ("garden_refund_rule", "always", "Select a valid choice"),
    ],
)
def test_bad_prices_are_named_and_nothing_changes(client, oxford, field, value, message):
    staff(client, "council-admin")
    response = client.post("/staff/oxford/payments/prices/", prices_form(**{field: value}))
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page and message in page
    assert not ChargesEvent.objects.filter(council=oxford).exists()
    assert CouncilCharges.objects.get(council=oxford).garden_price_per_bin == 5000


def test_who_can_set_prices(client, oxford):
    staff(client, "case-officer")
    for url in (
        "/staff/oxford/payments/prices/",
        "/staff/oxford/payments/bulky-items/",
        "/staff/oxford/payments/collection-days/",
    ):
        assert client.get(url).status_code == 403, url
    client.logout()
    staff(client, "council-admin", "manchester")
    assert client.get("/staff/oxford/payments/prices/").status_code == 403
    response = client.post("/staff/oxford/payments/bulky-items/", {"name": "Bed", "price": "5"})
    assert response.status_code == 403
    assert not BulkyItem.objects.filter(council=oxford, name="Bed").exists()
    client.logout()
    staff(client, "service-manager")
    assert client.get("/staff/oxford/payments/collection-days/").status_code == 200


def test_bulky_items_add_change_and_hide(client, oxford, bulky_setup):
    staff(client, "service-manager")
    item = {"name": "Wardrobe", "price": "18", "vat_rate": "20", "order": "3"}
    assert client.post("/staff/oxford/payments/bulky-items/", item).status_code == 302
    wardrobe = BulkyItem.objects.get(council=oxford, name="Wardrobe")
    assert (wardrobe.price, wardrobe.vat_rate, wardrobe.active) == (1800, 20, True)
    again = client.post("/staff/oxford/payments/bulky-items/", {**item, "name": " wardrobe "})
    assert "There is already an item with that name" not in again.content.decode()  # case differs
    duplicate = client.post("/staff/oxford/payments/bulky-items/", item)
    assert duplicate.status_code == 200
    assert "There is already an item with that name" in duplicate.content.decode()
    url = f"/staff/oxford/payments/bulky-items/{wardrobe.pk}/"
    response = client.post(url, {**item, "price": "19.99"})  # "active" unticked: hidden
    assert response.status_code == 302
    wardrobe.refresh_from_db()
    assert wardrobe.price == 1999 and not wardrobe.active
    assert "Wardrobe" not in [i.name for i in bulky.items_for(oxford)]
    kinds = list(
        ChargesEvent.objects.filter(council=oxford, subject="Wardrobe")
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == [ChargesEventKind.ITEM_ADDED, ChargesEventKind.ITEM_CHANGED]
    changed = ChargesEvent.objects.filter(kind=ChargesEventKind.ITEM_CHANGED).get()
    assert changed.before["price"] == 1800 and changed.after["price"] == 1999
    assert changed.after["active"] is False


def test_another_councils_item_is_not_found(client, oxford, bulky_setup):
    staff(client, "council-admin", "manchester")
    sofa = bulky_setup["sofa"]
    assert client.get(f"/staff/manchester/payments/bulky-items/{sofa.pk}/").status_code == 404


def test_collection_days_added_weekly_and_existing_ones_kept(client, oxford, bulky_setup):
    staff(client, "council-admin")
    first = bulky_setup["slots"][0]
    day = first.date
    response = client.post(
        "/staff/oxford/payments/collection-days/",
        {"round_name": "East", "day": day.isoformat(), "capacity": "8", "repeat_weeks": "2"},
        follow=True,
    )
    page = response.content.decode()
    assert "2 collection days added." in page
    assert first.date.isoformat() in page  # the round already had it
    east = CollectionSlot.objects.filter(council=oxford, round_name="East")
    assert east.get(date=first.date).capacity == 2  # left as it was
    assert east.get(date=day + timedelta(weeks=1)).capacity == 8
    assert east.get(date=day + timedelta(weeks=2)).capacity == 8
    assert ChargesEvent.objects.filter(kind=ChargesEventKind.SLOT_ADDED).count() == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"day": "today"}, "The collection day must be after today"),
        ({"day": "2027-02-30"}, "Enter the collection day as a real date"),
        ({"capacity": "0"}, "Enter 1 or more"),
        ({"repeat_weeks": "52"}, "Enter 26 or less"),
        ({"round_name": ""}, "Enter the round&#x27;s name"),
    ],
)
def test_bad_collection_days_are_named(client, oxford, data, message):
    staff(client, "council-admin")
    form = {
        "round_name": "West",
        "day": (timezone.localdate() + timedelta(days=3)).isoformat(),
        "capacity": "5",
        "repeat_weeks": "0",
    }
    form.update(data)
    if form["day"] == "today":
        form["day"] = timezone.localdate().isoformat()
    response = client.post("/staff/oxford/payments/collection-days/", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not CollectionSlot.objects.filter(council=oxford, round_name="West").exists()


def test_capacity_never_below_places_taken(client, oxford, bulky_setup):
    staff(client, "council-admin")
    slot = bulky_setup["slots"][0]
    CollectionSlot.objects.filter(pk=slot.pk).update(booked=2, capacity=3)
    url = f"/staff/oxford/payments/collection-days/{slot.pk}/capacity/"
    response = client.post(url, {"capacity": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page and "cannot be less than 2" in page
    assert f'href="#capacity-{slot.pk}"' in page
    slot.refresh_from_db()
    assert slot.capacity == 3
    assert client.post(url, {"capacity": "lots"}).status_code == 400
    assert client.post(url, {"capacity": "2"}).status_code == 302
    slot.refresh_from_db()
    assert slot.capacity == 2
    event = ChargesEvent.objects.get(kind=ChargesEventKind.SLOT_CHANGED)
    assert (event.before, event.after) == ({"capacity": 3}, {"capacity": 2})
    # Full now: residents no longer see it.
    assert slot.pk not in [s.pk for s in bulky.slots_open(oxford)]


def test_remove_only_a_day_nobody_booked(client, oxford, bulky_setup):
    staff(client, "council-admin")
    taken, empty = bulky_setup["slots"][0], bulky_setup["slots"][1]
    CollectionSlot.objects.filter(pk=taken.pk).update(booked=1)
    response = client.post(
        f"/staff/oxford/payments/collection-days/{taken.pk}/remove/", follow=True
    )
    assert "cannot be removed" in response.content.decode()
    assert CollectionSlot.objects.filter(pk=taken.pk).exists()
    client.post(f"/staff/oxford/payments/collection-days/{empty.pk}/remove/")
    assert not CollectionSlot.objects.filter(pk=empty.pk).exists()
    event = ChargesEvent.objects.get(kind=ChargesEventKind.SLOT_REMOVED)
    assert event.before == {"capacity": 2} and event.subject.startswith("East ")


def test_actions_check_the_role_themselves(oxford, bulky_setup):
    officer = User.objects.get(email=f"case-officer.oxford@{DEMO}")
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        charges.slot_set_capacity(slot=bulky_setup["slots"][0], actor=officer, capacity=9)
    with pytest.raises(PermissionDenied):
        charges.charges_update(council=oxford, actor=officer, values={"permit_price": 1})


def test_audit_rows_are_append_only(oxford):
    admin = User.objects.get(email=f"council-admin.oxford@{DEMO}")
    charges.bulky_item_add(council=oxford, actor=admin, name="Rocking horse", price=1500)
    event = ChargesEvent.objects.get()
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        ChargesEvent.objects.all().delete()
    with pytest.raises(TypeError):
        ChargesEvent.objects.update(subject="x")


def test_action_refuses_a_bad_price_directly(oxford):
    admin = User.objects.get(email=f"council-admin.oxford@{DEMO}")
    with pytest.raises(PaymentsInputError) as error:
        charges.bulky_item_add(council=oxford, actor=admin, name="Piano", price=0)
    assert error.value.field == "price"
