"""A test-only URLconf: the real site plus a level-2 page and a council-scoped staff page."""

from django import forms
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.html import escape

from pocketcouncil import urls as site_urls
from pocketcouncil.accounts import assisted, permissions
from pocketcouncil.accounts.stepup import requires_level, restored_initial
from pocketcouncil.councils.models import Council


class PermitForm(forms.Form):
    registration = forms.CharField()
    zone = forms.CharField()
    days = forms.MultipleChoiceField(
        choices=[("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday")], required=False
    )


@requires_level(2, reason="to make sure permits only go to people who live in the zone")
def permit(request):
    if request.method == "POST":
        form = PermitForm(request.POST)
        if form.is_valid():
            return HttpResponse(f"Applied for {escape(form.cleaned_data['registration'])}")
    else:
        form = PermitForm(initial=restored_initial(request))
    return HttpResponse(f'<form method="post">{form.as_p()}</form>')


@permissions.staff_required
def council_cases(request, slug):
    council = get_object_or_404(Council, slug=slug)
    permissions.require(request.user, "cases.view", council)
    return HttpResponse(f"Cases of {council.name}")


def whoami(request):
    return HttpResponse(assisted.describe(assisted.actor_for(request)))


urlpatterns = [
    path("test/permit/", permit),
    path("test/councils/<slug:slug>/cases/", council_cases),
    path("test/whoami/", whoami),
    *site_urls.urlpatterns,
]
