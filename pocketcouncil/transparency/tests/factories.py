import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

import factory
from django.conf import settings

from pocketcouncil.councils.tests.factories import CouncilFactory
from pocketcouncil.transparency.models import (
    BudgetLine,
    ImportState,
    Payment,
    Precept,
    PreceptKind,
    SpendingImport,
)

SPENDING_DIR = Path(settings.BASE_DIR) / "data" / "spending"
OXFORD_FILE = SPENDING_DIR / "oxford_city_council_2017_q4_oct_dec.csv"
MANCHESTER_FILE = SPENDING_DIR / "manchester_2019-12_clean.csv"
CALDERDALE_FILE = SPENDING_DIR / "calderdale_2019-12_clean.csv"


def write_csv(folder: Path, text: str, *, name: str = "spend.csv", encoding="utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


class SpendingImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpendingImport

    council = factory.SubFactory(CouncilFactory)
    file_name = factory.Sequence(lambda n: f"spend-{n}.csv")
    sha256 = factory.Sequence(lambda n: hashlib.sha256(str(n).encode()).hexdigest())
    state = ImportState.IMPORTED


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    spending_import = factory.SubFactory(SpendingImportFactory)
    council = factory.SelfAttribute("spending_import.council")
    line_number = factory.Sequence(lambda n: n + 2)
    paid_on = dt.date(2026, 4, 1)
    amount_pence = 100000
    supplier = "Acme Ltd"
    service_area = "Highways"
    expense_type = "Contractors"
    fingerprint = factory.Sequence(lambda n: hashlib.md5(str(n).encode()).hexdigest())  # noqa: S324


class PreceptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Precept

    council = factory.SubFactory(CouncilFactory)
    financial_year = 2026
    kind = PreceptKind.UNITARY
    name = factory.Sequence(lambda n: f"Council {n}")
    band_d = Decimal("1800.00")
    source = "Test figures"


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BudgetLine

    precept = factory.SubFactory(PreceptFactory)
    council = factory.SelfAttribute("precept.council")
    service = factory.Sequence(lambda n: f"Service {n}")
    amount = Decimal("1000000.00")
