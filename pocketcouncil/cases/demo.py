"""Demo cases: a few reports in each demo council at different stages, made through the same
actions residents and staff use. Each has a fixed submission key, so loading again finds the
existing case and changes nothing."""

from __future__ import annotations

from pocketcouncil.accounts.models import User
from pocketcouncil.cases import actions
from pocketcouncil.cases.models import Case
from pocketcouncil.cases.workflow import CaseStatus, CloseReason
from pocketcouncil.core.demo_support import DemoReport
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.services.models import Service

DOMAIN = "demo.pocketcouncil.example"

# (key, lgsl, where: postcode or (lon, lat), place text, description, reporter, staff steps)
CASES = [
    (
        "demo-1",
        587,
        "OX4 3BD",
        "Alley behind Cowley Road, by the garages",
        "Six black bags and a broken chair dumped by the garage doors.",
        "tom.evans",
        [("acknowledged", "")],
    ),
    (
        "demo-2",
        557,
        "OX4 3BD",
        "Outside 40 Iffley Road, northbound lane",
        "Deep pothole about a foot wide; cyclists are swerving round it.",
        "amira.khan",
        [("in_progress", "A repair crew is booked for this week.")],
    ),
    (
        "demo-3",
        564,
        "OX1 1RU",
        "Lamp post 12, St Thomas' Street",
        "Street light has been out for a week; the street is very dark.",
        "grace.okafor",
        [("resolved", "We replaced the lamp on Tuesday.")],
    ),
    (
        "demo-4",
        584,
        "OX1 1RX",
        "Wall of the footbridge on Botley Road",
        "Large graffiti tag on the footbridge wall.",
        None,
        [],
    ),
    (
        "demo-5",
        581,
        "OX4 3BD",
        "Bin outside the Tesco Express, Cowley Road",
        "Litter bin overflowing onto the pavement.",
        "jan.kowalski",
        [("closed", "This bin is emptied by the shop, not the council. We have told them.")],
    ),
    (
        "demo-6",
        587,
        (-2.2446, 53.4794),
        "Back of Lloyd Street, near the bins",
        "Fridge and mattress dumped in the back alley.",
        "margaret.hill",
        [],
    ),
    (
        "demo-7",
        557,
        (-2.2301, 53.4720),
        "Oxford Road, outside the university",
        "Pothole in the bus lane.",
        None,
        [("acknowledged", "")],
    ),
    (
        "demo-8",
        564,
        (-2.2390, 53.4835),
        "Piccadilly Gardens, lamp by the fountain",
        "Street light flickering on and off all night.",
        "tom.evans",
        [],
    ),
]


def _point(where) -> dict:
    if isinstance(where, tuple):
        return {"lon": where[0], "lat": where[1]}
    postcode = councils_queries.postcode_get(where)
    return {"lon": postcode.longitude, "lat": postcode.latitude}


def load(report: DemoReport) -> None:
    label = Case._meta.verbose_name_plural
    services = {s.lgsl: s for s in Service.objects.filter(lgsl__in={c[1] for c in CASES})}
    for key, lgsl, where, place, description, who, steps in CASES:
        if Case.objects.filter(submission_key=key).exists():
            report.unchanged[label] += 1
            continue
        resident = User.objects.get(email=f"{who}@{DOMAIN}") if who else None
        case = actions.case_create(
            service=services[lgsl],
            actor=resident,
            resident=resident,
            description=description,
            location_text=place,
            attributes={"where": place},
            submission_key=key,
            **_point(where),
        )
        officer = User.objects.get(email=f"case-officer.{case.council.slug}@{DOMAIN}")
        for status, note in steps:
            actions.case_transition(
                case=case,
                to=status,
                actor=officer,
                public_note=note,
                close_reason=CloseReason.NOT_RESPONSIBLE if status == CaseStatus.CLOSED else "",
            )
        report.created[label] += 1
