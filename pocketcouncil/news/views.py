"""The resident's pages: the home page (personal or for a postcode), bin days, the bin
calendar, one announcement, a council's news, the offline page and the web app manifest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.vary import vary_on_cookie

from pocketcouncil.accounts import queries as accounts_queries
from pocketcouncil.accounts.models import Topic
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.councils.models import Council
from pocketcouncil.news import queries
from pocketcouncil.news.forms import PostcodeForm
from pocketcouncil.news.models import Announcement

# Service-worker contract (assets/js/sw.js): pages marked "personal" may be kept for offline
# reading and are deleted on sign-out; anything unmarked is never stored.
OFFLINE_HEADER = "X-Pocket-Council-Offline"
CALENDAR_MONTHS = 12


def _postcode(text: str):
    """(postcode, error message)."""
    try:
        return councils_queries.postcode_get(text), None
    except councils_queries.PostcodeInvalidError:
        return None, _("Enter a full postcode, like OX4 3BD")
    except councils_queries.PostcodeNotFoundError:
        return None, _("We could not find the postcode %(postcode)s. Check it is right.") % {
            "postcode": councils_queries.normalise_postcode(text)
        }


def personal_home(request):
    """The signed-in resident's own page (called by ``core``'s home view)."""
    user = request.user
    home = accounts_queries.home_for(user)
    interests = accounts_queries.interests_for(user)
    context = {
        "home": home,
        "interests": interests,
        "topic_choices": Topic.choices,
        "places": accounts_queries.places_for(user),
    }
    if home is not None:
        others = [(p.longitude, p.latitude) for p in context["places"] if p.pk != home.pk]
        context["summary"] = queries.home_summary(
            lon=home.longitude,
            lat=home.latitude,
            topics=interests,
            extra_points=others,
            user=user,
        )
        context["calendar_postcode"] = home.postcode.replace(" ", "")
    response = render(request, "news/home_personal.html", context)
    response[OFFLINE_HEADER] = "personal"
    response["Cache-Control"] = "private, no-cache"
    return response


@vary_on_cookie
def place_home(request):
    """The same information for a postcode, without an account. Nothing is stored."""
    form = PostcodeForm(request.GET or None)
    context = {"form": form}
    if form.is_valid():
        postcode, error = _postcode(form.cleaned_data["postcode"])
        if error:
            form.add_error("postcode", error)
        else:
            summary = queries.home_summary(lon=postcode.longitude, lat=postcode.latitude)
            if not summary.where.councils:
                form.add_error(
                    "postcode",
                    _("%(postcode)s is not served by a council on Pocket Council.")
                    % {"postcode": postcode.postcode},
                )
            else:
                context.update(
                    postcode=postcode,
                    summary=summary,
                    calendar_postcode=postcode.postcode.replace(" ", ""),
                )
    return render(request, "news/place_home.html", context)


def bin_calendar(request, postcode: str):
    """An iCalendar feed of a postcode's collections for the next year, with a reminder at
    6pm the evening before. Holds no personal data, so a phone can subscribe to it."""
    found, error = _postcode(postcode)
    if error:
        raise Http404(error)
    where = queries.whereabouts(lon=found.longitude, lat=found.latitude)
    start = queries.today() - timedelta(days=7)
    rounds = queries.rounds_for_areas(area_ids=[w.pk for w in where.wards])
    days = queries.collections_for_rounds(
        rounds=rounds, start=start, end=start + timedelta(days=CALENDAR_MONTHS * 31)
    )
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Pocket Council//Bin collections//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Bin collections for %(p)s") % {"p": found.postcode})
    calendar.add("x-wr-timezone", "Europe/London")
    stamp = datetime.now(UTC).replace(microsecond=0)
    for d in days:
        bins = ", ".join(d.round.bin_type_labels())
        event = icalendar.Event()
        event.add("uid", f"round-{d.round.pk}-{d.collection.usual_day.isoformat()}@pocketcouncil")
        event.add("dtstamp", stamp)
        event.add("dtstart", d.day)
        event.add("dtend", d.day + timedelta(days=1))
        event.add("summary", _("Bin day: %(bins)s") % {"bins": bins})
        event.add("transp", "TRANSPARENT")
        notes = [f"{d.round.council.name}: {d.round.name}."]
        if d.collection.note:
            notes.append(d.collection.note)
        if d.missed:
            notes.append(f"{d.missed.reason} {d.missed.catch_up}")
        event.add("description", " ".join(notes))
        if d.collection.cancelled:
            event.add("status", "CANCELLED")
        else:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", _("Bins out tonight: %(bins)s") % {"bins": bins})
            alarm.add("trigger", timedelta(hours=-6))  # 6pm the evening before
            event.add_component(alarm)
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'inline; filename="bins-{found.postcode.replace(" ", "")}.ics"'
    )
    response["Cache-Control"] = "public, max-age=3600"
    return response


def announcement_detail(request, pk: int):
    try:
        announcement = queries.announcement_get_public(pk=pk)
    except Announcement.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "news/announcement_detail.html",
        {
            "announcement": announcement,
            "body": queries.render_markdown(announcement.body),
            "page_council": announcement.council,
            "areas": list(announcement.areas.defer("geometry")),
        },
    )


def council_news(request, slug: str):
    try:
        council = councils_queries.council_get(slug)
    except Council.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "news/council_news.html",
        {
            "page_council": council,
            "council": council,
            "announcements": queries.announcement_list_for_council(council=council),
        },
    )


def offline(request):
    """Shown by the service worker when there is no connection and nothing saved."""
    # Stored by the service worker for everyone on the device: nothing about this visitor,
    # not even a waiting "saved" message (which would also be used up here).
    request.user = AnonymousUser()
    request.assisted_session = None
    response = render(request, "news/offline.html", {"messages": ()})
    response["Cache-Control"] = "public, max-age=86400"
    return response


@cache_control(public=True, max_age=86400)
def manifest(request):
    """The web app manifest: lets a phone add Pocket Council to its home screen."""
    data = {
        "name": "Pocket Council",
        "short_name": "Council",
        "description": _("Your council's services, bin days and news, in your pocket."),
        "lang": "en-GB",
        "start_url": reverse("home") + "?source=app",
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0b0c0c",
        "icons": [
            {"src": static("pocketcouncil/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("pocketcouncil/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("pocketcouncil/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("pocketcouncil/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")
