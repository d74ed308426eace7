"""Demo directory: the official Open Referral UK examples, and community listings written for
the demo councils. EVERY demo listing is made up and labelled as demo (``is_demo``, "(demo)" in
its organisation's name, a warning on its page); the places are real streets so that postcode
search works, the services are not."""

from __future__ import annotations

import uuid
from pathlib import Path

from pocketcouncil.core.demo_support import DemoReport
from pocketcouncil.councils.models import Council
from pocketcouncil.directory import actions, feed, needs
from pocketcouncil.directory.models import Taxonomy, TaxonomyTerm

EXAMPLES = Path(__file__).resolve().parent / "examples"
NAMESPACE = uuid.UUID("6f1c1f5e-5b8e-4a57-9a55-2f1f3d7f0d18")


def _id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


# council slug -> [(organisation, service, need, description, (lat, lon), address, postcode,
#                   days, opens, closes, cost or None, minimum age or None, transport)]
LISTINGS = {
    "oxford": [
        (
            "Cowley Road Community Trust (demo)",
            "Cowley Community Larder",
            "food",
            "Low-cost food for anyone living in Oxford: pay £3.50 and choose ten items. "
            "No referral needed.",
            (51.7446, -1.2136),
            "44 Cowley Road",
            "OX4 1HZ",
            "MO,TU,WE,TH,FR",
            "10:00",
            "16:00",
            3.5,
            None,
            "Buses 1, 5 and 10 stop outside. Step-free entrance on the side street.",
        ),
        (
            "Oxford Food Bank Network (demo)",
            "Blackbird Leys Food Bank",
            "food",
            "Emergency food parcels for three days. Bring a food bank voucher or come and ask "
            "for one.",
            (51.7200, -1.2090),
            "Blackbird Leys Road",
            "OX4 6HN",
            "TU,TH",
            "12:00",
            "15:00",
            0,
            None,
            "Bus 1 to the Leys shops, then two minutes' walk.",
        ),
        (
            "Headington Neighbours (demo)",
            "Silver Lunch Club",
            "loneliness",
            "A hot lunch and good company every Wednesday for people over 60 who live alone.",
            (51.7600, -1.2120),
            "Old High Street",
            "OX3 9HP",
            "WE",
            "12:00",
            "14:00",
            4,
            60,
            "Buses 8 and 9 to Headington shops. Free parking behind the hall.",
        ),
        (
            "Headington Neighbours (demo)",
            "Telephone Befriending",
            "loneliness",
            "A friendly volunteer phones you for a chat once a week. Free.",
            (51.7600, -1.2120),
            "Old High Street",
            "OX3 9HP",
            "MO,TU,WE,TH,FR",
            "09:30",
            "17:00",
            0,
            18,
            "",
        ),
        (
            "Oxford Money Advice (demo)",
            "Debt Advice Drop-in",
            "debt",
            "Free, confidential help with debts, bills and budgeting. We can talk to your "
            "creditors for you.",
            (51.7520, -1.2577),
            "St Aldate's",
            "OX1 1BX",
            "MO,WE",
            "10:00",
            "13:00",
            0,
            18,
            "Five minutes' walk from Carfax. Lift to all floors.",
        ),
        (
            "Oxfordshire Carers Circle (demo)",
            "Carers' Coffee Morning",
            "carers",
            "Meet other people who look after a family member or friend, and get advice on "
            "breaks and carer's assessments.",
            (51.7560, -1.2400),
            "Iffley Road",
            "OX4 1EA",
            "FR",
            "10:00",
            "12:00",
            0,
            None,
            "Buses 3 and 3A stop nearby.",
        ),
        (
            "Talk Well Oxford (demo)",
            "Community Counselling",
            "mental-health",
            "Low-cost counselling for anxiety, low mood and difficult life events. Pay what you "
            "can.",
            (51.7490, -1.2500),
            "Magdalen Road",
            "OX4 1RW",
            "MO,TU,WE,TH",
            "09:00",
            "20:00",
            5,
            16,
            "",
        ),
        (
            "Safe at Home Oxford (demo)",
            "Domestic Abuse Support",
            "domestic-abuse",
            "Confidential support for anyone experiencing domestic abuse: safety planning, "
            "advice and refuge referrals.",
            (51.7530, -1.2550),
            "Speedwell Street",
            "OX1 1NQ",
            "MO,TU,WE,TH,FR",
            "09:00",
            "17:00",
            0,
            16,
            "",
        ),
    ],
    "manchester": [
        (
            "Ancoats Community Pantry (demo)",
            "Ancoats Pantry",
            "food",
            "A members' pantry: £4 a week for a full bag of shopping.",
            (53.4840, -2.2270),
            "Great Ancoats Street",
            "M4 5AB",
            "TU,TH,SA",
            "11:00",
            "15:00",
            4,
            None,
            "Trams to New Islington, then five minutes' walk.",
        ),
        (
            "Moss Side Friends (demo)",
            "Moss Side Tea and Chat",
            "loneliness",
            "Tea, cake and conversation every Thursday afternoon.",
            (53.4600, -2.2440),
            "Princess Road",
            "M14 4TH",
            "TH",
            "14:00",
            "16:00",
            0,
            None,
            "Buses 85 and 86 stop outside.",
        ),
        (
            "Manchester Money Matters (demo)",
            "Debt Help Manchester",
            "debt",
            "Free advice about debt, benefits and bills, by phone or in person.",
            (53.4794, -2.2446),
            "Albert Square",
            "M2 5DB",
            "MO,TU,WE,TH,FR",
            "09:00",
            "17:00",
            0,
            18,
            "",
        ),
    ],
}


def _service(slug: str, row: tuple) -> dict:
    (
        org,
        name,
        need,
        description,
        (lat, lon),
        street,
        postcode,
        days,
        opens,
        closes,
        cost,
        min_age,
        transport,
    ) = row
    service_id = _id(slug, name)
    org_id = _id(slug, "org", org)
    location_id = _id(slug, "location", name)
    domain = org.split(" (")[0].lower().replace(" ", "").replace("'", "") + ".example.org"
    city = "Oxford" if slug == "oxford" else "Manchester"
    county = "Oxfordshire" if slug == "oxford" else "Greater Manchester"
    data = {
        "id": service_id,
        "name": name,
        "description": description,
        "status": "active",
        "email": f"hello@{domain}",
        "organization": {
            "id": org_id,
            "name": org,
            "description": "A made-up community organisation for the Pocket Council demo.",
            "email": f"hello@{domain}",
            "website": f"https://{domain}/",
        },
        "service_at_locations": [
            {
                "id": _id(slug, "sal", name),
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": f"{street} community rooms",
                    "latitude": lat,
                    "longitude": lon,
                    "addresses": [
                        {
                            "id": _id(slug, "address", name),
                            "address_1": street,
                            "city": city,
                            "state_province": county,
                            "postal_code": postcode,
                            "country": "GB",
                            "address_type": "physical",
                        }
                    ],
                    "accessibility": [
                        {
                            "id": _id(slug, "access", name),
                            "description": "Step-free access and an accessible toilet.",
                        }
                    ],
                },
            }
        ],
        "schedules": [
            {
                "id": _id(slug, "schedule", name),
                "freq": "WEEKLY",
                "byday": days,
                "opens_at": f"{opens}:00",
                "closes_at": f"{closes}:00",
            }
        ],
        "languages": [{"id": _id(slug, "lang-en", name), "name": "English", "code": "en"}],
        "contacts": [
            {
                "id": _id(slug, "contact", name),
                "name": "Reception",
                "phones": [{"id": _id(slug, "phone", name), "number": "01632 960000"}],
            }
        ],
        "cost_options": []
        if cost is None
        else [{"id": _id(slug, "cost", name), "option": "Everyone", "amount": cost}],
        "attributes": [
            {
                "id": _id(slug, "need", name),
                "taxonomy_term": {
                    "id": needs.need_get(need).term_id,
                    "name": "",
                    "description": "",
                },
            }
        ],
    }
    if min_age is not None:
        data["minimum_age"] = min_age
    data["_transport"] = transport
    return data


def _load_needs_taxonomy(report: DemoReport) -> None:
    _, created = Taxonomy.objects.update_or_create(
        pk=needs.TAXONOMY_ID,
        defaults={
            "name": needs.TAXONOMY_NAME,
            "description": "What residents ask for help with, for signposting.",
        },
    )
    (report.created if created else report.unchanged)["directory.Taxonomy"] += 1
    for need in needs.NEEDS:
        _, created = TaxonomyTerm.objects.update_or_create(
            pk=need.term_id,
            defaults={
                "taxonomy_ref_id": needs.TAXONOMY_ID,
                "name": str(need.label),
                "description": str(need.label),
                "term": need.slug,
            },
        )
        (report.created if created else report.unchanged)["directory.TaxonomyTerm"] += 1


def _count(report: DemoReport, result) -> None:
    report.created["directory.Service"] += len(result.services_created)
    report.changed["directory.Service"] += len(result.services_updated)


def load(report: DemoReport) -> None:
    _load_needs_taxonomy(report)
    councils = {c.slug: c for c in Council.objects.filter(slug__in=[*LISTINGS, "oxford"])}
    if "oxford" in councils:
        # The official examples (made-up "Example Organization" data), in Oxford's directory.
        for name in ("service_full.json", "taxonomy.json"):
            result = actions.directory_import(
                council=councils["oxford"], tables=feed.read_path(EXAMPLES / name), is_demo=True
            )
            _count(report, result)
    for slug, rows in LISTINGS.items():
        council = councils.get(slug)
        if council is None:
            continue
        services = [_service(slug, row) for row in rows]
        transport = {
            s["service_at_locations"][0]["location"]["id"]: s.pop("_transport") for s in services
        }
        tables = feed.Tables()
        for service in services:
            # The needs' terms are loaded above; the attribute only points at them.
            service["attributes"][0]["taxonomy_term_id"] = service["attributes"][0].pop(
                "taxonomy_term"
            )["id"]
            feed.add_service(tables, service, where=f"demo {slug}")
        result = actions.directory_import(council=council, tables=tables, is_demo=True)
        if result.rejected:
            raise ValueError(f"Demo listings rejected: {result.rejected}")
        _count(report, result)
        for location_id, text in transport.items():
            council.directory_locations.filter(pk=location_id).exclude(transport=text).update(
                transport=text
            )
