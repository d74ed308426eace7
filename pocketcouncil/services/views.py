"""Public pages of the catalogue and the front door. Thin: parse, call a query or action, render."""

from __future__ import annotations

from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pocketcouncil.councils import queries as councils
from pocketcouncil.councils.models import Council
from pocketcouncil.services import actions, clarify, queries
from pocketcouncil.services.forms import SearchForm
from pocketcouncil.services.models import Topic

SEARCH_SALT = "pocketcouncil.services.front-door-search"
# Results on the page. The right service is in the top 3 for 98.8 % of the labelled phrasings
# (docs/benchmarks.md); with a postcode each shown result costs a routing lookup (about 1 ms).
RESULTS_PER_PAGE = 6


def _sign(search_id: int) -> str:
    return signing.dumps(search_id, salt=SEARCH_SALT, compress=True)


def _unsign(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=SEARCH_SALT, max_age=60 * 60 * 24))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def _council_or_404(request, slug: str) -> Council:
    try:
        council = councils.council_get(slug)
    except Council.DoesNotExist:
        raise Http404("No such council") from None
    request.council = council
    return council


def _council_from_query(request) -> Council | None:
    slug = request.GET.get("council", "").strip()
    return _council_or_404(request, slug) if slug else None


def index(request):
    council = _council_from_query(request)
    return render(
        request,
        "services/index.html",
        {"topics": queries.topic_list(council=council), "form": SearchForm(), "council": council},
    )


def topic(request, topic):
    if topic not in Topic.values:
        raise Http404("No such topic")
    council = _council_from_query(request)
    services = queries.service_list_for_topic(topic=topic, council=council)
    return render(
        request,
        "services/topic.html",
        {
            "topic": topic,
            "topic_label": Topic(topic).label,
            "council": council,
            "popular": [s for s in services if s.curated],
            "others": [s for s in services if not s.curated],
        },
    )


def _postcode_point(form: SearchForm):
    """The postcode's point, or None (adding a field error if it is wrong)."""
    text = form.cleaned_data.get("postcode", "").strip()
    if not text:
        return None
    try:
        return councils.postcode_get(text)
    except councils.PostcodeInvalidError:
        form.add_error("postcode", _("Enter a full postcode, like OX4 3BD"))
    except councils.PostcodeNotFoundError:
        form.add_error(
            "postcode",
            _("We could not find %(postcode)s. Check it, or leave it empty.")
            % {"postcode": councils.normalise_postcode(text)},
        )
    return None


def search(request):
    council = _council_from_query(request)
    if "q" not in request.GET:
        return render(request, "services/search.html", {"form": SearchForm(), "council": council})
    form = SearchForm(request.GET)
    if not form.is_valid():
        return render(request, "services/search.html", {"form": form, "council": council})
    text = form.cleaned_data["q"]
    point = _postcode_point(form)
    if form.errors:
        return render(request, "services/search.html", {"form": form, "council": council})
    if point is None and council is None:
        # "bins not emptied OX4 3BD": a postcode typed into the question is used as the place.
        rest, typed = queries.postcode_in_text(text)
        if typed and rest:
            try:
                point = councils.postcode_get(typed)
            except (councils.PostcodeInvalidError, councils.PostcodeNotFoundError):
                point = None
            else:
                text = rest
    outcome = queries.front_door_search(
        text=text,
        limit=RESULTS_PER_PAGE,
        council=council,
        lon=point.longitude if point else None,
        lat=point.latitude if point else None,
    )
    question = None if outcome.answers else clarify.question_for(outcome.results)
    question_error = None
    if "service" in request.GET and question:
        # The answer to the clarifying question settles the service: go straight to it.
        chosen = next(
            (o for o in question.options if str(o.lgsl) == request.GET["service"].strip()), None
        )
        if chosen is not None:
            search_id = _unsign(request.GET.get("s", ""))
            if search_id is not None:
                actions.front_door_click_record(search_id=search_id, lgsl=chosen.lgsl)
            return HttpResponseRedirect(chosen.url)
        question_error = _("Choose the one that fits best")
    record_council = council
    if record_council is None and outcome.results:
        record_council = outcome.results[0].council
    answer = queries.faq_get(outcome.answers[0].faq_id) if outcome.answers else None
    recorded = actions.front_door_search_record(
        query=outcome.query,
        council=record_council,
        shown=[r.lgsl for r in outcome.results],
        answer=answer,
    )
    served_here = councils.councils_at(lon=point.longitude, lat=point.latitude) if point else []
    if council:
        contact_councils = [council]
    elif served_here:
        contact_councils = served_here
    else:
        contact_councils = councils.council_list() if outcome.no_good_match else []
    return render(
        request,
        "services/search.html",
        {
            "form": form,
            "council": council,
            "outcome": outcome,
            "token": _sign(recorded.pk),
            "postcode": point,
            "served_here": served_here,
            "contact_councils": contact_councils,
            "question": question,
            "question_error": question_error,
        },
    )


@require_POST
def answer_feedback(request):
    search_id = _unsign(request.POST.get("search", ""))
    helped = request.POST.get("helped")
    if search_id is None or helped not in {"yes", "no"}:
        messages.error(request, _("Sorry, we could not record your answer. Please search again."))
        return HttpResponseRedirect(reverse("services:search"))
    try:
        recorded = actions.front_door_answer_record(search_id=search_id, helped=helped == "yes")
    except ValidationError:
        messages.error(request, _("Sorry, we could not record your answer. Please search again."))
        return HttpResponseRedirect(reverse("services:search"))
    council = recorded.council
    if council:
        request.council = council
    return render(
        request,
        "services/feedback.html",
        {"helped": helped == "yes", "council": council, "faq": recorded.answer_shown},
    )


def _record_click(request, lgsl: int) -> None:
    search_id = _unsign(request.GET.get("s", ""))
    if search_id is not None:
        actions.front_door_click_record(search_id=search_id, lgsl=lgsl)


def service_national(request, lgsl):
    """A service before we know where the resident lives: ask for a postcode."""
    try:
        view = queries.service_national(lgsl=lgsl)
    except queries.ServiceNotFoundError:
        raise Http404("No such service") from None
    _record_click(request, lgsl)
    error = None
    postcode_text = request.GET.get("postcode", "").strip()
    if postcode_text:
        try:
            point = councils.postcode_get(postcode_text)
            responsible = councils.council_responsible(
                lon=point.longitude, lat=point.latitude, service_tier=view.service.tier, lgsl=lgsl
            )
        except councils.PostcodeInvalidError:
            error = _("Enter a full postcode, like OX4 3BD")
        except councils.PostcodeNotFoundError:
            error = _("We could not find that postcode. Check it and try again.")
        except councils.NoCouncilHereError:
            error = _(
                "The council that provides this service at that postcode is not on Pocket "
                "Council. Use GOV.UK’s “Find your local council”."
            )
        else:
            return HttpResponseRedirect(queries.service_url(lgsl=lgsl, council=responsible.council))
    providers = [c for c in councils.council_list() if c.provides(view.service.tier)]
    return render(
        request,
        "services/service_national.html",
        {"view": view, "error": error, "postcode": postcode_text, "providers": providers},
        status=200,
    )


def service_detail(request, slug, lgsl):
    council = _council_or_404(request, slug)
    try:
        view = queries.service_for_council(council=council, lgsl=lgsl)
    except queries.ServiceNotFoundError:
        raise Http404("No such service here") from None
    except queries.ServiceNotOfferedError as error:
        return render(
            request,
            "services/not_offered.html",
            {"council": council, "service": error.service, "providers": error.providers},
            status=404,
        )
    _record_click(request, lgsl)
    # Function-level import: transparency reads cases, which reads services (no cycle at load).
    from pocketcouncil.transparency import queries as transparency_queries

    return render(
        request,
        "services/service_detail.html",
        {
            "view": view,
            "council": council,
            "questions": queries.service_attributes(service=view.service),
            "fix_time": transparency_queries.service_fix_time(council_id=council.pk, lgsl=lgsl),
        },
    )
