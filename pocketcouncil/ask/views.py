"""The "Ask us" page of each council, and its staff list of questions without a good answer.
Thin: parse, call ``answer`` or an action or query, render. Works as a plain form; with
JavaScript the same POST returns only the new turn of the conversation."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pocketcouncil.accounts import permissions
from pocketcouncil.accounts.permissions import staff_required
from pocketcouncil.ask import actions, answer, queries
from pocketcouncil.ask.forms import AskForm, CouncilPickForm
from pocketcouncil.core import ratelimit
from pocketcouncil.core.signals import resident_contact
from pocketcouncil.councils import queries as councils
from pocketcouncil.councils.models import Council

PARTIAL_HEADER = "HTTP_X_ASK_PARTIAL"
# Looking a report up by reference and email: enough for a resident, too few to guess with.
LOOKUPS_PER_HOUR = 20


def _council(slug: str) -> Council:
    try:
        return councils.council_get(slug)
    except Council.DoesNotExist:
        raise Http404("No such council") from None


@require_http_methods(["GET", "POST"])
def ask(request, slug: str):
    council = _council(slug)
    request.council = council
    partial = request.META.get(PARTIAL_HEADER) == "1"
    form = AskForm(request.POST or None, initial={"question": request.GET.get("q", "")[:2000]})
    reply, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if data["email"] and not ratelimit.allow(
                f"ask:lookup:{ratelimit.client_ip(request)}", limit=LOOKUPS_PER_HOUR, seconds=3600
            ):
                form.add_error("email", _("Too many tries. Wait an hour, or sign in instead."))
                status = 429
            else:
                postcode = data["postcode"].strip()
                reply = answer.answer_question(
                    council=council,
                    text=data["question"],
                    user=request.user,
                    email=data["email"],
                    postcode=postcode,
                )
                topic = ""
                if not reply.answered:
                    topic = actions.unanswered_question_record(
                        council=council,
                        question=data["question"],
                        offered_lgsl=reply.others[0].lgsl if reply.others else None,
                    ).question
                # Every question is a contact (insight listens; ask imports nothing of it).
                resident_contact.send(
                    sender="ask",
                    council=council,
                    channel="ask",
                    answered=reply.answered,
                    topic=topic,
                )
                # The next question starts empty; the postcode is kept for "and my bin day?".
                form = AskForm(initial={"postcode": postcode})
                if reply.ask_email or reply.ask_postcode:
                    form = AskForm(initial={"question": data["question"], "postcode": postcode})
        else:
            status = 400
    context = {
        "council": council,
        "form": form,
        "reply": reply,
        "show_email": bool(reply and reply.ask_email),
    }
    template = "ask/_turn.html" if partial else "ask/ask.html"
    return render(request, template, context, status=status)


@require_http_methods(["GET"])
def ask_pick(request):
    """ "Ask us" before we know the council: find it from the postcode."""
    form = CouncilPickForm(request.GET or None)
    found = []
    if form.is_valid():
        try:
            point = councils.postcode_get(form.cleaned_data["postcode"])
        except councils.PostcodeInvalidError:
            form.add_error("postcode", _("Enter a full postcode, like OX4 3BD"))
        except councils.PostcodeNotFoundError:
            form.add_error(
                "postcode", _("We could not find that postcode. Check it and try again.")
            )
        else:
            found = councils.councils_at(lon=point.longitude, lat=point.latitude)
            if not found:
                form.add_error(
                    "postcode", _("The council for that postcode is not on Pocket Council yet.")
                )
            elif len(found) == 1:
                return redirect("ask:ask", found[0].slug)
    return render(
        request,
        "ask/pick.html",
        {"form": form, "found": found, "councils": councils.council_list()},
        status=400 if form.errors else 200,
    )


@staff_required
@require_http_methods(["GET"])
def unanswered(request, slug: str):
    council = _council(slug)
    permissions.require(request.user, "services.edit", council)
    return render(
        request,
        "ask/staff/unanswered.html",
        {
            "council": council,
            "page_council": council,
            "questions": queries.unanswered_list_for_council(council=council),
        },
    )
