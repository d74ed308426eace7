"""The home page, "find your council", and the site's legal pages."""

from django.shortcuts import render
from django.utils.translation import gettext as _

from pocketcouncil.core.forms import FindCouncilForm
from pocketcouncil.councils import queries as councils


def home(request):
    """A signed-in resident gets their own page (news app); everyone else finds their council."""
    if request.user.is_authenticated:
        from pocketcouncil.news.views import personal_home

        return personal_home(request)
    return render(
        request,
        "core/home.html",
        {"form": FindCouncilForm(), "councils": councils.council_list()},
    )


def find(request):
    """Answer "which councils serve me?" for a postcode or a place name (a GET form)."""
    form = FindCouncilForm(request.GET)
    context = {"form": form, "councils": councils.council_list()}
    if not form.is_valid():
        return render(request, "core/home.html", context)
    text = form.cleaned_data["q"].strip()

    if councils.looks_like_postcode(text):
        error = None
        try:
            postcode = councils.postcode_get(text)
        except councils.PostcodeInvalidError:
            if councils.is_outward_code(text):
                error = _(
                    "Enter your full postcode, like OX4 3BD. %(text)s alone covers many streets "
                    "and can be served by more than one council."
                ) % {"text": text.upper()}
            else:
                error = _("Enter a real postcode, like OX4 3BD")
        except councils.PostcodeNotFoundError:
            error = _(
                "We could not find the postcode %(postcode)s. Check it is right, or enter a "
                "place name instead."
            ) % {"postcode": councils.normalise_postcode(text)}
        if error:
            form.add_error("q", error)
            return render(request, "core/home.html", context)
        served_by = councils.councils_at(lon=postcode.longitude, lat=postcode.latitude)
        if not served_by:
            form.add_error(
                "q",
                _(
                    "%(postcode)s is not in an area served by a council on Pocket Council. "
                    "Use GOV.UK's “Find your local council” to find who serves it."
                )
                % {"postcode": postcode.postcode},
            )
            context["show_govuk_finder"] = True
            return render(request, "core/home.html", context)
        wards = councils.areas_containing(
            lon=postcode.longitude, lat=postcode.latitude, kinds=["ward"]
        )
        return render(
            request,
            "core/find_postcode.html",
            {"postcode": postcode, "councils": served_by, "ward": wards[0] if wards else None},
        )

    places = councils.place_search(text)
    if not places:
        form.add_error(
            "q",
            _(
                "We could not find a place called “%(text)s”. Check the spelling, "
                "enter a postcode, or choose your council from the list below."
            )
            % {"text": text},
        )
        return render(request, "core/home.html", context)
    results = [{"area": area, "councils": councils.councils_for_area(area)} for area in places]
    return render(request, "core/find_places.html", {"query": text, "results": results})


def accessibility(request):
    return render(request, "core/accessibility.html")


def privacy(request):
    return render(request, "core/privacy.html")


def cookies(request):
    return render(request, "core/cookies.html")
