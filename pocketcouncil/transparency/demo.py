"""Demo transparency data: real published spending for the demo Oxford and Manchester councils,
and council tax figures for 2026/27 that are DEMO FIGURES (plausible, not the councils' real
budgets; every page showing them says so through the precept's source)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.conf import settings

from pocketcouncil.core.demo_support import DemoReport, upsert
from pocketcouncil.councils.models import Area, AreaKind, Council
from pocketcouncil.transparency import actions, queries
from pocketcouncil.transparency.models import (
    ACTIVE_STATES,
    BudgetLine,
    IndicatorSnapshot,
    Precept,
    PreceptKind,
    SpendingImport,
)

SPENDING_DIR = Path(settings.BASE_DIR) / "data" / "spending"
SPENDING_FILES = {
    "oxford": "oxford_city_council_2017_q4_oct_dec.csv",
    "manchester": "manchester_2019-12_clean.csv",
}
DEMO_SOURCE = "Demo figures for 2026/27, not the council's real budget"
YEAR = 2026

# billing council -> precepts: (kind, name, Band D £, area name or None, [(service, net £m)])
PRECEPTS = {
    "oxford": [
        (
            PreceptKind.COUNTY,
            "Oxfordshire County Council (demo)",
            "1947.20",
            None,
            [
                ("Adult social care", "245"),
                ("Children's services", "190"),
                ("Roads and transport", "70"),
                ("Schools support and education", "40"),
                ("Libraries, culture and public health", "30"),
                ("Running the council", "45"),
            ],
        ),
        (
            PreceptKind.DISTRICT,
            "Oxford City Council (demo)",
            "372.10",
            None,
            [
                ("Bins, recycling and street cleaning", "11"),
                ("Housing and homelessness", "9"),
                ("Parks, leisure and culture", "6"),
                ("Planning and regulation", "5"),
                ("Council tax and benefits service", "3"),
                ("Running the council", "4"),
            ],
        ),
        (
            PreceptKind.POLICE,
            "Thames Valley Police and Crime Commissioner (demo)",
            "310.28",
            None,
            [("Policing", "560"), ("Victim services and crime prevention", "20")],
        ),
        (PreceptKind.PARISH, "Littlemore Parish Council (demo)", "94.50", "Littlemore", []),
    ],
    "manchester": [
        (
            PreceptKind.UNITARY,
            "Manchester City Council (demo)",
            "1904.55",
            None,
            [
                ("Adult social care", "260"),
                ("Children's services", "170"),
                ("Bins, recycling and street cleaning", "50"),
                ("Roads, transport and parking", "35"),
                ("Housing and homelessness", "45"),
                ("Libraries, leisure and culture", "30"),
                ("Running the council", "60"),
            ],
        ),
        (
            PreceptKind.POLICE,
            "Greater Manchester Mayor: police and crime (demo)",
            "291.35",
            None,
            [("Policing", "800"), ("Victim services and crime prevention", "25")],
        ),
        (
            PreceptKind.FIRE,
            "Greater Manchester Mayor: fire and rescue and general (demo)",
            "125.95",
            None,
            [("Fire and rescue", "130"), ("Mayoral transport and general", "30")],
        ),
    ],
}


def load(report: DemoReport) -> None:
    for slug, entries in PRECEPTS.items():
        council = Council.objects.get(slug=slug)
        for kind, name, band_d, area_name, services in entries:
            area = None
            if area_name:
                area = Area.objects.get(council=council, kind=AreaKind.WARD, name=area_name)
            precept = upsert(
                Precept,
                lookup={"council": council, "financial_year": YEAR, "kind": kind, "name": name},
                values={"band_d": Decimal(band_d), "area": area, "source": DEMO_SOURCE},
                report=report,
            )
            for position, (service, millions) in enumerate(services):
                upsert(
                    BudgetLine,
                    lookup={"precept": precept, "service": service},
                    values={
                        "council": council,
                        "amount": Decimal(millions) * 1_000_000,
                        "position": position,
                    },
                    report=report,
                )
    # Real published spending. A file already imported (same contents) is left alone, so
    # running the loader again changes nothing.
    label = str(SpendingImport._meta.verbose_name_plural)
    for slug, file_name in SPENDING_FILES.items():
        council = Council.objects.get(slug=slug)
        path = SPENDING_DIR / file_name
        if SpendingImport.objects.filter(
            council=council, file_name=file_name, state__in=ACTIVE_STATES
        ).exists():
            report.unchanged[label] += 1
            continue
        result = actions.spending_import_file(council=council, path=path, actor=None)
        report.created[label] += 1
        if result.error:
            raise RuntimeError(f"Demo spending import failed: {result.error}")
    # Performance indicators from the demo councils' cases (the cases demo loads a year of
    # finished cases): computed once, as the hourly task would. Loading again leaves existing
    # figures alone (the loader changes nothing the second time); the task or
    # ``manage.py transparency_indicators`` brings them up to date.
    label = str(IndicatorSnapshot._meta.verbose_name_plural)
    computed = queries.councils_with_performance()
    for council in Council.objects.filter(is_demo=True).order_by("slug"):
        if council.pk in computed:
            report.unchanged[label] += 1
            continue
        result = actions.indicators_refresh(council=council)
        report.created[label] += result.snapshots
