"""Opening times: RFC 5545 recurrences (ORUK schedules) in plain words, and "open now"."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from pocketcouncil.directory.models import Frequency, Schedule

LONDON = ZoneInfo("Europe/London")
DAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _day_names() -> dict[str, str]:
    return {
        "MO": _("Monday"),
        "TU": _("Tuesday"),
        "WE": _("Wednesday"),
        "TH": _("Thursday"),
        "FR": _("Friday"),
        "SA": _("Saturday"),
        "SU": _("Sunday"),
    }


def _days(byday: str) -> list[str]:
    """Day codes in week order ("TH,FR" -> ["TH", "FR"]); ordinal prefixes (1MO) dropped."""
    found = {code.strip()[-2:].upper() for code in byday.split(",") if code.strip()}
    return [code for code in DAY_CODES if code in found]


def _runs(codes: list[str]) -> list[list[str]]:
    runs: list[list[str]] = []
    for code in codes:
        if runs and DAY_CODES.index(code) == DAY_CODES.index(runs[-1][-1]) + 1:
            runs[-1].append(code)
        else:
            runs.append([code])
    return runs


def _time(value: dt.time | None) -> str:
    """GOV.UK style: 10am, 4:30pm, midday."""
    if value is None:
        return ""
    if value.hour == 12 and value.minute == 0:
        return _("midday")
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{_('am') if value.hour < 12 else _('pm')}"


def describe(schedule: Schedule) -> str:
    """ "Monday to Friday, 10 am to 4 pm" (or the publisher's own description)."""
    names = _day_names()
    parts = []
    if schedule.freq == Frequency.MONTHLY and schedule.bymonthday:
        parts.append(_("Every month on day %(days)s") % {"days": schedule.bymonthday})
    days = _days(schedule.byday)
    if days:
        pieces = []
        for run in _runs(days):
            if len(run) >= 3:
                pieces.append(
                    _("%(first)s to %(last)s") % {"first": names[run[0]], "last": names[run[-1]]}
                )
            else:
                pieces.extend(names[c] for c in run)
        parts.append(", ".join(pieces))
    if schedule.opens_at and schedule.closes_at:
        parts.append(
            _("%(opens)s to %(closes)s")
            % {"opens": _time(schedule.opens_at), "closes": _time(schedule.closes_at)}
        )
    text = ", ".join(parts)
    return text or schedule.description


def is_open(schedule: Schedule, now: dt.datetime) -> bool:
    """Whether the schedule says the service is open at ``now`` (London time)."""
    local = now.astimezone(LONDON)
    today = local.date()
    if schedule.valid_from and today < schedule.valid_from:
        return False
    if schedule.valid_to and today > schedule.valid_to:
        return False
    if not (schedule.opens_at and schedule.closes_at):
        return False
    if schedule.freq == Frequency.MONTHLY and schedule.bymonthday:
        days = {d.strip() for d in schedule.bymonthday.split(",")}
        if str(today.day) not in days:
            return False
    elif schedule.byday:
        if DAY_CODES[today.weekday()] not in _days(schedule.byday):
            return False
    else:
        return False
    return schedule.opens_at <= local.time().replace(tzinfo=None) < schedule.closes_at


def open_now(schedules, now: dt.datetime) -> bool:
    return any(is_open(s, now) for s in schedules)
