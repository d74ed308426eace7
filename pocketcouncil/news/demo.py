"""Demo rounds and news for the demo councils (clearly marked as demonstration data).

Rounds: the waste-collecting councils (Oxford, Manchester) have their wards split by name into
five groups, one per weekday. Each group has rubbish fortnightly, recycling and garden waste on
the other week, and food waste every week. Loading again changes nothing (``upsert`` with
fixed dates; area sets are only rewritten when they differ).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pocketcouncil.accounts.models import Topic
from pocketcouncil.core.demo_support import DemoReport, upsert
from pocketcouncil.councils.models import Area, AreaKind, Council
from pocketcouncil.news.models import Announcement, AnnouncementKind, BinType, Frequency, Round

LONDON = ZoneInfo("Europe/London")
# Monday of the first week of the demo pattern ("week A").
WEEK_A = date(2026, 1, 5)
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
COLLECTING = ["oxford", "manchester"]
PUBLISHED = datetime(2026, 1, 2, 9, 0, tzinfo=LONDON)

NEWS = [
    # (council, kind, topic, title, body, urgent, ward names or [])
    (
        "oxford",
        AnnouncementKind.NEWS,
        Topic.BINS,
        "Garden waste subscriptions are open (demo)",
        "Demonstration news. Garden waste collections need a yearly subscription.\n\n"
        "- Collections every other week, with your recycling\n"
        "- One brown bin per subscription",
        False,
        [],
    ),
    (
        "oxford",
        AnnouncementKind.DISRUPTION,
        Topic.ROADS,
        "Cowley Road closed for water main repairs (demo)",
        "Demonstration disruption. Cowley Road is closed between the Plain and Magdalen Road. "
        "Bin collections on the closed stretch may be a few hours late.",
        True,
        ["St Mary's", "Iffley Fields", "Cowley Marsh"],
    ),
    (
        "oxfordshire",
        AnnouncementKind.NEWS,
        Topic.LIBRARIES,
        "Longer library opening hours (demo)",
        "Demonstration news. Libraries in the county now open until 8pm on Thursdays.",
        False,
        [],
    ),
    (
        "manchester",
        AnnouncementKind.NEWS,
        Topic.COUNCIL_NEWS,
        "Have your say on the budget (demo)",
        "Demonstration news. Tell us what matters most to you before the budget is set.",
        False,
        [],
    ),
]


def _rounds(council: Council, report: DemoReport) -> None:
    wards = list(
        Area.objects.filter(council=council, kind=AreaKind.WARD).defer("geometry").order_by("name")
    )
    if not wards:
        return
    groups = [wards[i::5] for i in range(5)]
    for weekday, group in enumerate(groups):
        if not group:
            continue
        day = WEEKDAYS[weekday]
        first = WEEK_A + timedelta(days=weekday)
        for name, bins, frequency, start in (
            (f"{day} rubbish", [BinType.RUBBISH], Frequency.FORTNIGHTLY, first),
            (
                f"{day} recycling and garden waste",
                [BinType.GARDEN, BinType.RECYCLING],
                Frequency.FORTNIGHTLY,
                first + timedelta(days=7),
            ),
            (f"{day} food waste", [BinType.FOOD], Frequency.WEEKLY, first),
        ):
            round_ = upsert(
                Round,
                lookup={"council": council, "name": name},
                values={
                    "bin_types": [str(b) for b in bins],
                    "frequency": frequency,
                    "first_collection": start,
                },
                report=report,
            )
            if set(round_.areas.values_list("pk", flat=True)) != {w.pk for w in group}:
                round_.areas.set(group)


def load(report: DemoReport) -> None:
    councils = {c.slug: c for c in Council.objects.filter(is_demo=True)}
    for slug in COLLECTING:
        if slug in councils:
            _rounds(councils[slug], report)
    for slug, kind, topic, title, body, urgent, ward_names in NEWS:
        council = councils.get(slug)
        if council is None:
            continue
        item = upsert(
            Announcement,
            lookup={"council": council, "title": title},
            values={
                "kind": kind,
                "topic": topic,
                "body": body,
                "urgent": urgent,
                "starts_at": PUBLISHED,
                "ends_at": None,
                "notified_at": PUBLISHED,  # demo news sends nothing
            },
            report=report,
        )
        areas = set(
            Area.objects.filter(
                council=council, kind=AreaKind.WARD, name__in=ward_names
            ).values_list("pk", flat=True)
        )
        if set(item.areas.values_list("pk", flat=True)) != areas:
            item.areas.set(areas)
