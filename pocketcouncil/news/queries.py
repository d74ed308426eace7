"""Every read of news, disruptions and bin rounds that pages and other apps need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import markdown as markdown_lib
import nh3
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from pocketcouncil.accounts.models import Topic
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.councils.models import Area, AreaKind
from pocketcouncil.news import schedule
from pocketcouncil.news.models import (
    Announcement,
    AnnouncementKind,
    MissedRound,
    Round,
    RoundException,
)

LONDON = ZoneInfo("Europe/London")
# The LGSL code of "Bin collections and missed bins": the report suppressed by a missed round.
MISSED_BIN_LGSL = 524

_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "br", "blockquote"}


def render_markdown(text: str) -> SafeString:
    """Staff-written Markdown as safe HTML: only simple tags survive, links get GOV.UK classes
    and ``rel="noopener noreferrer"``."""
    html = markdown_lib.markdown(text or "", extensions=[], output_format="html")
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"https", "http", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    clean = (
        clean.replace("<p>", '<p class="govuk-body">')
        .replace("<ul>", '<ul class="govuk-list govuk-list--bullet">')
        .replace("<ol>", '<ol class="govuk-list govuk-list--number">')
        .replace("<a ", '<a class="govuk-link" ')
        .replace("<h2>", '<h2 class="govuk-heading-m">')
        .replace("<h3>", '<h3 class="govuk-heading-s">')
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def today() -> date:
    return timezone.localtime(timezone.now(), LONDON).date()


# --- where a point is --------------------------------------------------------------------


@dataclass(frozen=True)
class Whereabouts:
    """What serves a point: its councils and every area covering it."""

    lon: float
    lat: float
    councils: list
    areas: list[Area]

    @property
    def council_ids(self) -> list[int]:
        return [c.pk for c in self.councils]

    @property
    def area_ids(self) -> list[int]:
        return [a.pk for a in self.areas]

    @property
    def wards(self) -> list[Area]:
        return [a for a in self.areas if a.kind == AreaKind.WARD]


def whereabouts(*, lon: float, lat: float) -> Whereabouts:
    areas = councils_queries.areas_containing(lon=lon, lat=lat)
    councils = {a.council_id: a.council for a in areas}
    return Whereabouts(lon=lon, lat=lat, councils=list(councils.values()), areas=areas)


# --- announcements -----------------------------------------------------------------------


def _live(now: datetime):
    return Announcement.objects.filter(starts_at__lte=now).filter(
        Q(ends_at__isnull=True) | Q(ends_at__gt=now)
    )


def announcements_for(
    *,
    council_ids: list[int],
    area_ids: list[int],
    topics: list[str] | None = None,
    kind: str | None = None,
    now: datetime | None = None,
    limit: int = 10,
) -> list[Announcement]:
    """Live announcements from these councils meant for these areas (or the whole council),
    newest first. ``topics``: only these (None or empty means every topic). Urgent
    disruptions for the areas are always included, whatever the topics."""
    now = now or timezone.now()
    items = _live(now).filter(council_id__in=council_ids)
    items = items.annotate(area_count=Count("areas", distinct=True)).filter(
        Q(area_count=0) | Q(areas__in=area_ids)
    )
    if kind:
        items = items.filter(kind=kind)
    if topics:
        items = items.filter(Q(topic__in=topics) | Q(urgent=True, kind=AnnouncementKind.DISRUPTION))
    ids = list(items.values_list("id", flat=True).distinct())
    return list(
        Announcement.objects.filter(id__in=ids)
        .select_related("council")
        .order_by("-urgent", "-starts_at", "-id")[:limit]
    )


def announcement_list_for_council(
    *, council, area=None, now: datetime | None = None, limit: int = 30
) -> list[Announcement]:
    """Live announcements of one council (for its feed); with ``area``, those meant for it."""
    items = _live(now or timezone.now()).filter(council=council)
    if area is not None:
        items = items.annotate(area_count=Count("areas", distinct=True)).filter(
            Q(area_count=0) | Q(areas=area)
        )
    return list(items.select_related("council").order_by("-starts_at", "-id").distinct()[:limit])


def announcement_get(*, council, pk: int) -> Announcement:
    """One announcement of this council, live or not (raises ``DoesNotExist``)."""
    return Announcement.objects.select_related("council").get(council=council, pk=pk)


def announcement_get_public(*, pk: int, now: datetime | None = None) -> Announcement:
    return _live(now or timezone.now()).select_related("council").get(pk=pk)


def announcement_list_for_staff(*, council) -> list[Announcement]:
    return list(
        Announcement.objects.filter(council=council)
        .prefetch_related("areas")
        .order_by("-starts_at", "-id")[:200]
    )


# --- rounds ------------------------------------------------------------------------------


def round_list_for_council(*, council) -> list[Round]:
    return list(
        Round.objects.filter(council=council)
        .prefetch_related(Prefetch("areas", queryset=Area.objects.defer("geometry")))
        .order_by("name")
    )


def round_get(*, council, pk: int) -> Round:
    return Round.objects.get(council=council, pk=pk)


def rounds_for_areas(*, area_ids: list[int]) -> list[Round]:
    return list(
        Round.objects.filter(areas__in=area_ids)
        .select_related("council")
        .distinct()
        .order_by("council__name", "name")
    )


@dataclass(frozen=True)
class CollectionDay:
    """One day's collection for a place: the round, the bins, and what changed."""

    round: Round
    collection: schedule.Collection
    missed: MissedRound | None = None

    @property
    def day(self) -> date:
        return self.collection.day


def _changes(rounds: list[Round], start: date, end: date) -> dict[int, dict]:
    changes: dict[int, dict] = {r.pk: {} for r in rounds}
    for row in RoundException.objects.filter(
        round__in=rounds,
        scheduled_date__gte=start - timedelta(days=14),
        scheduled_date__lte=end + timedelta(days=14),
    ):
        changes[row.round_id][row.scheduled_date] = (row.new_date, row.reason)
    return changes


def collections_for_rounds(*, rounds: list[Round], start: date, end: date) -> list[CollectionDay]:
    """Every collection of these rounds between two dates, soonest first, with missed rounds."""
    if not rounds:
        return []
    changes = _changes(rounds, start, end)
    missed = {
        (m.round_id, m.date): m
        for m in MissedRound.objects.filter(round__in=rounds, date__gte=start, date__lte=end)
    }
    found = []
    for round_ in rounds:
        for c in schedule.collections(
            first=round_.first_collection,
            interval_days=round_.interval_days,
            start=start,
            end=end,
            changes=changes[round_.pk],
            bank_holiday_note=_("Moved because of the bank holiday"),
        ):
            found.append(
                CollectionDay(round=round_, collection=c, missed=missed.get((round_.pk, c.day)))
            )
    found.sort(key=lambda d: (d.day, d.round.name))
    return found


def next_collections_at(
    *, area_ids: list[int], start: date | None = None, days: int = 21
) -> list[CollectionDay]:
    """ "Your next collections": the collections for a place's wards in the next ``days`` days
    (today included, so a missed round today shows)."""
    start = start or today()
    rounds = rounds_for_areas(area_ids=area_ids)
    return collections_for_rounds(rounds=rounds, start=start, end=start + timedelta(days=days))


def missed_rounds_for(*, area_ids: list[int], since: date | None = None) -> list[MissedRound]:
    """Missed rounds in these areas from ``since`` (default: yesterday) on."""
    since = since or today() - timedelta(days=1)
    return list(
        MissedRound.objects.filter(round__areas__in=area_ids, date__gte=since)
        .select_related("round", "council")
        .distinct()
        .order_by("-date")
    )


def missed_round_list_for_council(*, council, limit: int = 50) -> list[MissedRound]:
    return list(
        MissedRound.objects.filter(council=council)
        .select_related("round", "recorded_by")
        .order_by("-date", "-id")[:limit]
    )


def missed_bin_report_blocked(*, lgsl: int, lon: float, lat: float) -> MissedRound | None:
    """For the report journey: the missed round that covers this point today, if the service
    is the missed-bin report (LGSL 524). One report per street is not needed then: the council
    already knows, and says what happens next."""
    if lgsl != MISSED_BIN_LGSL:
        return None
    wards = councils_queries.areas_containing(lon=lon, lat=lat, kinds=[AreaKind.WARD])
    if not wards:
        return None
    found = missed_rounds_for(area_ids=[w.pk for w in wards], since=today())
    return next((m for m in found if m.date == today()), None)


# --- consultations (the engage app, when it is there) --------------------------------------


def _consultation_topics(topics: list[str] | None) -> list[str] | None:
    """No topics chosen: every consultation. Otherwise those topics, plus consultations filed
    under "Consultations" itself (engage's default topic), which are for everyone."""
    if not topics:
        return None
    return sorted({*topics, Topic.CONSULTATIONS})


def engagements_open_for(
    *, council_ids: list[int], area_ids: list[int], topics: list[str] | None
) -> list | None:
    """Open consultations for the home page, from ``engage.queries.engagements_open_for``
    (items with ``title``, ``url``, ``council`` and ``closes_at``).

    If the engage app does not offer that query, returns None and the home page says where to
    find consultations instead of failing."""
    try:
        from pocketcouncil.engage import queries as engage_queries

        finder = engage_queries.engagements_open_for
    except (ImportError, AttributeError):
        return None
    return list(finder(council_ids=council_ids, area_ids=area_ids, topics=topics))


# --- the home page -----------------------------------------------------------------------


@dataclass
class HomeSummary:
    """Everything the home page shows for a place (and, signed in, for the resident)."""

    where: Whereabouts
    collections: list[CollectionDay]
    missed: list[MissedRound]
    urgent: list[Announcement]
    news: list[Announcement]
    consultations: list | None  # None: the consultations app does not answer yet
    open_nearby: list
    fixed_nearby: list
    requests: list[tuple] | None = None  # (case, next step) for a signed-in resident
    today: date | None = None

    @property
    def next_collection_day(self) -> date | None:
        upcoming = [d.day for d in self.collections if not d.collection.cancelled]
        return min(upcoming) if upcoming else None


# "Fixed recently" on the home page: finished within this many days.
FIXED_RECENTLY_DAYS = 30


def _fixed_recently(cases_queries, ward) -> list:
    since = timezone.now() - timedelta(days=FIXED_RECENTLY_DAYS)
    fixed = cases_queries.public_cases(ward_id=ward.pk, status="fixed", limit=50)
    recent = [c for c in fixed if c.finished_at and c.finished_at >= since]
    return sorted(recent, key=lambda c: c.finished_at, reverse=True)[:5]


def home_summary(
    *, lon: float, lat: float, topics: list[str] | None = None, extra_points=(), user=None
) -> HomeSummary:
    """What matters at a place: bins, disruptions, news and consultations from every council
    serving it, and public reports in its ward. ``extra_points`` (a resident's other places)
    widen the news and consultations; ``user`` adds their own open requests."""
    from pocketcouncil.cases import queries as cases_queries

    where = whereabouts(lon=lon, lat=lat)
    council_ids, area_ids = list(where.council_ids), list(where.area_ids)
    for plon, plat in extra_points:
        other = whereabouts(lon=plon, lat=plat)
        council_ids += [c for c in other.council_ids if c not in council_ids]
        area_ids += [a for a in other.area_ids if a not in area_ids]
    live = announcements_for(council_ids=council_ids, area_ids=area_ids, topics=topics, limit=20)
    urgent = [a for a in live if a.urgent]
    ward = where.wards[0] if where.wards else None
    requests = None
    if user is not None and user.is_authenticated:
        from pocketcouncil.cases.workflow import OPEN

        requests = [
            (case, cases_queries.case_next_step(case))
            for case in cases_queries.case_list_for_resident(user=user)
            if case.status in OPEN
        ][:5]
    return HomeSummary(
        where=where,
        collections=next_collections_at(area_ids=[w.pk for w in where.wards]),
        missed=missed_rounds_for(area_ids=[w.pk for w in where.wards]),
        urgent=urgent,
        news=[a for a in live if not a.urgent][:8],
        consultations=engagements_open_for(
            council_ids=council_ids, area_ids=area_ids, topics=_consultation_topics(topics)
        ),
        open_nearby=cases_queries.public_cases(ward_id=ward.pk, status="open", limit=5)
        if ward
        else [],
        fixed_nearby=_fixed_recently(cases_queries, ward) if ward else [],
        requests=requests,
        today=today(),
    )
