import pytest

from pocketcouncil.payments import purposes
from pocketcouncil.payments.models import Purpose
from pocketcouncil.payments.testing import connect, fake_pay_running


@pytest.fixture
def fake_pay():
    with fake_pay_running() as fake:
        yield fake


@pytest.fixture
def oxford(demo):
    return demo["oxford"]


@pytest.fixture
def pay_oxford(oxford, fake_pay):
    connect(oxford, fake_pay)
    return fake_pay


class Recorder:
    """A stand-in transaction: records what the payments core tells it."""

    def __init__(self):
        self.paid: list[str] = []
        self.unpaid: list[str] = []

    def handler(self) -> purposes.Handler:
        return purposes.Handler(
            on_paid=lambda p: self.paid.append(p.reference),
            on_unpaid=lambda p: self.unpaid.append(p.reference),
            done_url=lambda p: f"/done/{p.reference}/",
        )


@pytest.fixture
def recorder(monkeypatch):
    rec = Recorder()
    monkeypatch.setitem(purposes.HANDLERS, Purpose.GARDEN_WASTE, rec.handler())
    return rec


@pytest.fixture
def bulky_setup(oxford):
    """Two items and three days for Oxford's bulky waste, a week ahead."""
    from datetime import timedelta

    from django.utils import timezone

    from pocketcouncil.payments.models import BulkyItem, CollectionSlot

    sofa = BulkyItem.objects.create(council=oxford, name="Sofa", price=2000)
    fridge = BulkyItem.objects.create(council=oxford, name="Fridge", price=3000, vat_rate=20)
    today = timezone.localdate()
    slots = [
        CollectionSlot.objects.create(
            council=oxford, round_name="East", date=today + timedelta(days=7 + n), capacity=2
        )
        for n in range(3)
    ]
    return {"sofa": sofa, "fridge": fridge, "slots": slots}


@pytest.fixture
def amira(db):
    from pocketcouncil.accounts.models import User

    return User.objects.get(email="amira.khan@demo.pocketcouncil.example")
