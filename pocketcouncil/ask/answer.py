"""Answer one question on a council's "Ask us" page, from what the platform already knows.

In order: a case reference ("where is my report OXF-26-000123?") is answered from the case; a
bin-day question from the collection rounds at the resident's postcode; an opening-times or
contact question from the council's details; anything else from the service catalogue (an FAQ
answer and the best service). Every answer ends in at least one action (the right form or the
right contact, carrying what was typed), never a dead end.

Reads only, through the other apps' query front doors; ``views`` records unanswered questions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from pocketcouncil.councils import queries as councils
from pocketcouncil.councils.models import Council
from pocketcouncil.services import queries as services

REFERENCE = re.compile(r"\b([A-Z]{2,4}-\d{2}-\d{4,8})\b", re.IGNORECASE)
BIN_DAY = re.compile(
    r"\b(bin|bins|rubbish|recycling|refuse|waste|collection|collected|dustbin)\b.*"
    r"\b(day|days|when|collected|collection|next|which)\b"
    r"|\b(when|which day|what day)\b.*\b(bin|bins|rubbish|recycling|collection)\b",
    re.IGNORECASE,
)
MISSED = re.compile(
    r"\b(missed|not (been )?(emptied|collected)|didn.?t (come|empty|collect))\b", re.I
)
OPENING = re.compile(
    r"\b(opening (times|hours)|open(ing)?|close[sd]?|hours|phone( number)?|telephone|ring|call "
    r"you|contact (you|the council|details)|email address|address of the council)\b",
    re.IGNORECASE,
)
BIN_SERVICE = 524  # LGSL: household waste collection (the missed-bin report)


@dataclass
class Action:
    label: str
    url: str


@dataclass
class Answer:
    """What the page shows: a kind (for the template), its facts, and the actions to end on."""

    kind: str  # case, case_needs_email, case_not_found, bins, bins_needs_postcode, contact,
    #            service, nothing
    question: str
    case: object | None = None
    case_next_step: str = ""
    case_url: str = ""
    collections: list = field(default_factory=list)
    faq: services.SearchAnswer | None = None
    service: services.SearchResult | None = None
    others: list = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    ask_postcode: bool = False
    ask_email: bool = False
    answered: bool = True  # False: recorded as a question with no good answer


def _report_url(lgsl: int, council: Council, text: str) -> str | None:
    try:
        url = reverse("cases:report-start", args=[lgsl])
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({'council': council.slug, 'description': text[:2000]})}"


def contact_actions(council: Council, text: str) -> list[Action]:
    """How to reach the council, with the question carried into the email."""
    found = []
    if council.email:
        subject = quote(_("A question"))
        found.append(
            Action(
                _("Email %(council)s your question") % {"council": council.short_name},
                f"mailto:{council.email}?subject={subject}&body={quote(text[:1500])}",
            )
        )
    if council.phone:
        found.append(
            Action(
                _("Phone %(council)s on %(phone)s")
                % {"council": council.short_name, "phone": council.phone},
                "tel:" + re.sub(r"[^0-9+]", "", council.phone),
            )
        )
    if council.website:
        found.append(
            Action(
                _("Go to the %(council)s website") % {"council": council.short_name},
                council.website,
            )
        )
    search = (
        reverse("services:search") + "?" + urlencode({"q": text[:200], "council": council.slug})
    )
    found.append(
        Action(_("Search all %(council)s services") % {"council": council.short_name}, search)
    )
    return found


def _service_actions(result: services.SearchResult, council: Council, text: str) -> list[Action]:
    view = None
    try:
        view = services.service_for_council(council=result.council or council, lgsl=result.lgsl)
    except (services.ServiceNotFoundError, services.ServiceNotOfferedError):
        return [Action(result.name, result.url)]
    if view.report_url and not view.service.online_reports_stopped:
        return [
            Action(
                _("Report it on the %(council)s website") % {"council": view.council.short_name},
                view.report_url,
            ),
            Action(_("Read about %(service)s") % {"service": view.name}, view.url),
        ]
    has_form = bool(services.service_attributes(service=view.service))
    report = _report_url(view.lgsl, view.council, text) if has_form else None
    if report and not view.service.online_reports_stopped:
        return [
            Action(_("Report it or ask for it: %(service)s") % {"service": view.name}, report),
            Action(_("Read about %(service)s") % {"service": view.name}, view.url),
        ]
    return [
        Action(_("%(service)s: what to do and who to contact") % {"service": view.name}, view.url)
    ]


def _case_answer(*, council, text, reference, user, email) -> Answer:
    from pocketcouncil.cases import queries as cases  # cases depends on services, not on ask

    my_requests = Action(_("See all your requests"), reverse("cases:my-requests"))
    try:
        case = cases.case_get_by_reference(reference)
    except cases.Case.DoesNotExist:
        case = None
    if case is not None and case.council_id != council.pk:
        case = None  # another council's: answered on that council's page, never here
    view = cases.case_visible_to(case, user) if case is not None else None
    own = view in {"resident", "staff"}
    if case is not None and not own and email:
        addresses = {(case.reporter_email or "").lower()}
        if case.resident_id:
            addresses.add(case.resident.email.lower())
        own = email.strip().lower() in addresses - {""}
    if case is not None and own:
        url = reverse("cases:detail", args=[case.reference])
        return Answer(
            kind="case",
            question=text,
            case=case,
            case_next_step=cases.case_next_step(case),
            case_url=url,
            actions=[Action(_("See the report and its updates"), url)]
            if view in {"resident", "staff", "public"}
            else [*contact_actions(council, text)[:2]],
        )
    if not getattr(user, "is_authenticated", False) and not email:
        return Answer(
            kind="case_needs_email",
            question=text,
            ask_email=True,
            actions=[
                Action(
                    _("Sign in to see your requests"),
                    reverse("account_login")
                    + "?"
                    + urlencode({"next": reverse("cases:my-requests")}),
                )
            ],
        )
    return Answer(
        kind="case_not_found",
        question=text,
        ask_email=not getattr(user, "is_authenticated", False),
        actions=[my_requests, *contact_actions(council, text)[:2]],
    )


def _bins_answer(*, council, text, postcode) -> Answer | None:
    from pocketcouncil.news import queries as news  # news depends on services, not on ask

    rest, typed = services.postcode_in_text(text)
    postcode = postcode or typed
    if not postcode:
        return Answer(kind="bins_needs_postcode", question=text, ask_postcode=True)
    try:
        point = councils.postcode_get(postcode)
    except (councils.PostcodeInvalidError, councils.PostcodeNotFoundError):
        return Answer(kind="bins_needs_postcode", question=text, ask_postcode=True)
    where = news.whereabouts(lon=point.longitude, lat=point.latitude)
    collections = news.next_collections_at(area_ids=where.area_ids, days=14)
    if not collections:
        return None  # no rounds known here: answer from the catalogue instead
    actions = []
    report = _report_url(BIN_SERVICE, council, text) if MISSED.search(text) else None
    if report:
        actions.append(Action(_("Report a missed bin"), report))
    actions.append(
        Action(
            _("Your bin days and reminders"),
            reverse("news:place") + "?" + urlencode({"postcode": point.postcode}),
        )
    )
    return Answer(kind="bins", question=text, collections=collections[:6], actions=actions)


def answer_question(
    *, council: Council, text: str, user=None, email: str = "", postcode: str = ""
) -> Answer:
    text = " ".join(text.split())
    reference = REFERENCE.search(text)
    if reference:
        return _case_answer(
            council=council, text=text, reference=reference.group(1), user=user, email=email
        )
    if BIN_DAY.search(text) and not MISSED.search(text):
        answer = _bins_answer(council=council, text=text, postcode=postcode)
        if answer is not None:
            return answer
    if OPENING.search(text) and (council.opening_hours or council.phone):
        return Answer(kind="contact", question=text, actions=contact_actions(council, text))
    outcome = services.front_door_search(text=text, council=council, limit=4)
    best = outcome.results[0] if outcome.results else None
    faq = outcome.answers[0] if outcome.answers else None
    if best is None or outcome.no_good_match:
        return Answer(
            kind="nothing",
            question=text,
            actions=contact_actions(council, text),
            answered=False,
            others=outcome.results[:3],
        )
    return Answer(
        kind="service",
        question=text,
        faq=faq,
        service=best,
        others=outcome.results[1:4],
        actions=[*_service_actions(best, council, text), *contact_actions(council, text)[:1]],
    )
