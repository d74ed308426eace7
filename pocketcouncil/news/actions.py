"""Every write in news: announcements, rounds, one-off changes, missed rounds, reminders.

Staff actions check ``news.publish`` for the council themselves, so no page can skip it.
Messages go through ``notify`` in the same transaction as the change.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts import queries as accounts_queries
from pocketcouncil.accounts.models import Interest, Place, PlaceKind, Topic
from pocketcouncil.councils.models import Area
from pocketcouncil.news import queries, schedule
from pocketcouncil.news.models import (
    Announcement,
    AnnouncementKind,
    BinType,
    Frequency,
    MissedRound,
    Round,
    RoundException,
)
from pocketcouncil.notify import actions as notify_actions
from pocketcouncil.notify.models import Event, SubjectKind
from pocketcouncil.notify.models import Topic as NotifyTopic

# Reminders go out from this hour (UK time) on the evening before a collection.
REMINDER_HOUR = 18
# accounts' channel names -> notify's.
_CHANNELS = {"email": "email", "sms": "sms", "push": "push", "in_app": "inbox"}


class NewsInputError(ValidationError):
    """Something staff entered cannot be saved; the message says what to fix."""


def _areas_of(council, area_ids) -> list[Area]:
    area_ids = [int(a) for a in area_ids or []]
    areas = list(Area.objects.filter(pk__in=area_ids, council=council).defer("geometry"))
    if len(areas) != len(set(area_ids)):
        raise NewsInputError(_("Choose areas that belong to %(c)s.") % {"c": council.name})
    return areas


# --- announcements -----------------------------------------------------------------------


def _notify_topic(announcement: Announcement) -> str:
    if announcement.kind == AnnouncementKind.DISRUPTION:
        return NotifyTopic.DISRUPTIONS
    if announcement.topic == Topic.BINS:
        return NotifyTopic.BINS
    if announcement.topic == Topic.CONSULTATIONS:
        return NotifyTopic.CONSULTATIONS
    return NotifyTopic.NEWS


def _send(announcement: Announcement) -> int:
    """Tell followers: of the wards it is for, or of its topic when it is for everyone."""
    context = notify_actions.in_every_language(
        lambda: {
            "title": announcement.title,
            "note": announcement.body[:500],
            "url": reverse("news:detail", args=[announcement.pk]),
        }
    )
    wards = [a for a in announcement.areas.all() if a.kind == "ward"]
    sent = 0
    if announcement.areas.exists():
        for ward in wards:
            sent += notify_actions.fan_out_for_subject(
                council=announcement.council,
                subject_kind=SubjectKind.AREA,
                subject_key=f"ward:{ward.pk}",
                event=Event.TOPIC_NEWS,
                context=context,
                idempotency_key=f"news:{announcement.pk}:ward:{ward.pk}",
                reason=_("You follow %(ward)s") % {"ward": ward.name},
            )
    else:
        sent += notify_actions.fan_out_for_subject(
            council=announcement.council,
            subject_kind=SubjectKind.TOPIC,
            subject_key=_notify_topic(announcement),
            event=Event.TOPIC_NEWS,
            context=context,
            idempotency_key=f"news:{announcement.pk}:topic",
        )
    announcement.notified_at = timezone.now()
    announcement.save(update_fields=["notified_at"])
    return sent


@transaction.atomic
def announcement_publish(
    *,
    actor,
    council,
    kind: str,
    title: str,
    body: str,
    topic: str,
    area_ids=(),
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    urgent: bool = False,
    title_cy: str = "",
    body_cy: str = "",
) -> Announcement:
    """Publish news or a disruption. Followers hear about it when it starts (now, or from the
    next run of ``news_send_due`` once ``starts_at`` has come).

    ``title``/``body`` are the English; ``title_cy``/``body_cy`` the Welsh, which may follow
    later (Welsh pages show the English with a notice meanwhile; docs/welsh.md)."""
    permissions.require(actor, "news.publish", council)
    if kind not in AnnouncementKind.values:
        raise NewsInputError(_("Choose news or a service disruption."))
    if topic not in Topic.values:
        raise NewsInputError(_("Choose a topic."))
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise NewsInputError(_("Enter a title."))
    if not body:
        raise NewsInputError(_("Enter the text."))
    now = timezone.now()
    starts_at = starts_at or now
    if timezone.is_naive(starts_at) or (ends_at and timezone.is_naive(ends_at)):
        raise ValueError("Announcement times must be timezone-aware.")
    if ends_at is not None and ends_at <= starts_at:
        raise NewsInputError(_("The end must be after the start."))
    areas = _areas_of(council, area_ids)
    announcement = Announcement.objects.create(
        council=council,
        kind=kind,
        # Each language's column by name: the staff member may be reading the console in Welsh,
        # and a plain title= would then be stored as the Welsh.
        title_en_gb=title[:120],
        body_en_gb=body,
        title_cy=(title_cy or "").strip()[:120] or None,
        body_cy=(body_cy or "").strip() or None,
        topic=topic,
        starts_at=starts_at,
        ends_at=ends_at,
        urgent=bool(urgent),
        created_by=actor,
    )
    announcement.areas.set(areas)
    if starts_at <= now:
        _send(announcement)
    return announcement


@transaction.atomic
def announcement_end(*, actor, announcement: Announcement) -> Announcement:
    """Stop showing an announcement now (the disruption is over, or it was a mistake)."""
    permissions.require(actor, "news.publish", announcement.council)
    now = timezone.now()
    if announcement.ends_at is None or announcement.ends_at > now:
        if announcement.starts_at >= now:  # never shown: keep the end after the start
            announcement.starts_at = now - timedelta(seconds=1)
        announcement.ends_at = now
        announcement.save(update_fields=["starts_at", "ends_at", "updated_at"])
    return announcement


@transaction.atomic
def announcements_send_due(*, now: datetime | None = None) -> int:
    """Tell followers about announcements whose start time has come. Safe to run twice."""
    now = now or timezone.now()
    due = (
        Announcement.objects.select_for_update(of=("self",))
        .filter(notified_at__isnull=True, starts_at__lte=now)
        .select_related("council")
    )
    return sum(_send(a) for a in due)


# --- rounds ------------------------------------------------------------------------------


@transaction.atomic
def round_save(
    *,
    actor,
    council,
    name: str,
    bin_types,
    frequency: str,
    first_collection: date,
    area_ids,
    round_: Round | None = None,
) -> Round:
    """Create a round, or change one (``round_``)."""
    permissions.require(actor, "news.publish", council)
    name = (name or "").strip()
    if not name:
        raise NewsInputError(_("Enter a name for the round."))
    bin_types = sorted(set(bin_types or []))
    if not bin_types or any(b not in BinType.values for b in bin_types):
        raise NewsInputError(_("Choose the bins this round collects."))
    if frequency not in Frequency.values:
        raise NewsInputError(_("Choose how often the round collects."))
    areas = _areas_of(council, area_ids)
    if not areas:
        raise NewsInputError(_("Choose the wards this round covers."))
    if round_ is not None and round_.council_id != council.pk:
        raise NewsInputError(_("That round belongs to another council."))
    if (
        Round.objects.filter(council=council, name=name)
        .exclude(pk=getattr(round_, "pk", None))
        .exists()
    ):
        raise NewsInputError(_("There is already a round called %(n)s.") % {"n": name})
    round_ = round_ or Round(council=council)
    round_.name, round_.bin_types = name, bin_types
    round_.frequency, round_.first_collection = frequency, first_collection
    round_.save()
    round_.areas.set(areas)
    return round_


@transaction.atomic
def round_exception_save(
    *, actor, round_: Round, scheduled_date: date, new_date: date | None, reason: str
) -> RoundException:
    """Move (or, with no ``new_date``, cancel) the collection due on ``scheduled_date``."""
    permissions.require(actor, "news.publish", round_.council)
    reason = (reason or "").strip()
    if not reason:
        raise NewsInputError(_("Say why the collection is changing: residents will see it."))
    planned = schedule.collections(
        first=round_.first_collection,
        interval_days=round_.interval_days,
        start=scheduled_date,
        end=scheduled_date,
    )
    if not planned:
        raise NewsInputError(
            _("%(round)s does not collect on %(day)s. Choose a day it collects.")
            % {"round": round_.name, "day": date_format(scheduled_date, "j F Y")}
        )
    if new_date is not None and new_date == scheduled_date:
        raise NewsInputError(_("Choose a different day, or leave it empty to cancel."))
    change, _created = RoundException.objects.update_or_create(
        round=round_,
        scheduled_date=scheduled_date,
        defaults={
            "council": round_.council,
            "new_date": new_date,
            "reason": reason[:200],
            "created_by": actor,
        },
    )
    return change


@transaction.atomic
def missed_round_record(
    *, actor, round_: Round, day: date, reason: str, catch_up: str
) -> MissedRound:
    """Record that a round was not collected on ``day``: it shows on residents' pages and the
    missed-bin report is not taken for that round and day."""
    permissions.require(actor, "news.publish", round_.council)
    reason, catch_up = (reason or "").strip(), (catch_up or "").strip()
    if not reason:
        raise NewsInputError(_("Say what happened: residents will see it."))
    if not catch_up:
        raise NewsInputError(_("Say what happens next, like when the crew will come back."))
    if day > queries.today():
        raise NewsInputError(_("A round can only be missed today or earlier."))
    collects = queries.collections_for_rounds(rounds=[round_], start=day, end=day)
    if not any(not d.collection.cancelled for d in collects):
        raise NewsInputError(
            _("%(round)s was not due on %(day)s.")
            % {"round": round_.name, "day": date_format(day, "j F Y")}
        )
    try:
        with transaction.atomic():
            return MissedRound.objects.create(
                council=round_.council,
                round=round_,
                date=day,
                reason=reason[:300],
                catch_up=catch_up[:300],
                recorded_by=actor,
            )
    except IntegrityError:
        raise NewsInputError(_("This round is already recorded as missed that day.")) from None


# --- reminders the evening before ----------------------------------------------------------


@transaction.atomic
def bin_reminders_send_due(*, now: datetime | None = None) -> int:
    """From ``REMINDER_HOUR`` UK time, remind residents whose collection is tomorrow.

    Who: residents with "Bins and recycling" among their interests and a home place. How:
    their chosen channels (accounts' channel preferences). Each reminder has an idempotency
    key for the person and the day, so running this again (or every 15 minutes) sends nothing
    twice. Returns how many messages were queued.
    """
    now = now or timezone.now()
    local = timezone.localtime(now, queries.LONDON)
    if local.time() < time(REMINDER_HOUR):
        return 0
    tomorrow = local.date() + timedelta(days=1)
    homes = (
        Place.objects.filter(
            kind=PlaceKind.HOME,
            user__is_active=True,
            user__in=Interest.objects.filter(topic=Topic.BINS).values("user_id"),
        )
        .select_related("user")
        .order_by("user_id")
    )
    # Residents at the same point share their collections: work them out once per point.
    by_point: dict[tuple, list] = {}
    for home in homes:
        by_point.setdefault((home.longitude, home.latitude), []).append(home.user)
    batches: dict[tuple, list] = {}
    for (lon, lat), users in by_point.items():
        where = queries.whereabouts(lon=lon, lat=lat)
        due = [
            d
            for d in queries.next_collections_at(area_ids=where.area_ids, start=tomorrow, days=0)
            if not d.collection.cancelled
        ]
        by_council: dict = {}
        for d in due:
            by_council.setdefault(d.round.council, []).extend(d.round.bin_type_labels())
        for council, bins in by_council.items():
            for user in users:
                channels = tuple(
                    _CHANNELS[c]
                    for c, on in accounts_queries.channel_preferences_for(user).items()
                    if on and c in _CHANNELS
                )
                if channels:
                    batches.setdefault((council, channels, ", ".join(bins)), []).append(user)
    queued = 0
    for (council, channels, bins), users in batches.items():
        queued += notify_actions.notification_enqueue(
            council=council,
            event=Event.TOPIC_NEWS,
            recipients=users,
            channels=list(channels),
            context=notify_actions.in_every_language(
                lambda bins=bins: {
                    "title": _("Bin day tomorrow: %(bins)s") % {"bins": bins},
                    "note": _("Put your bins out tonight or by 7am tomorrow, %(day)s.")
                    % {"day": date_format(tomorrow, "l j F")},
                    "url": reverse("home"),
                }
            ),
            idempotency_key=f"bins:{council.pk}:{tomorrow.isoformat()}",
            reason=_("You asked for bin day reminders"),
        )
    return queued
