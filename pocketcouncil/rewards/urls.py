from django.urls import path

from pocketcouncil.rewards.views import partner, resident, staff

app_name = "rewards"

urlpatterns = [
    path("rewards/till/", partner.till, name="till"),
    path("rewards/<slug:slug>/", resident.scheme_page, name="scheme"),
    path("rewards/<slug:slug>/champion/", resident.champion_choice, name="champion-choice"),
    path("rewards/<slug:slug>/leave/", resident.leave, name="leave"),
    path("rewards/<slug:slug>/offers/", resident.offer_list, name="offers"),
    path("rewards/<slug:slug>/offers/<int:pk>/", resident.offer_take, name="offer"),
    path("rewards/<slug:slug>/codes/<int:pk>/", resident.code_page, name="code"),
    path("rewards/<slug:slug>/codes/<int:pk>/cancel/", resident.code_cancel, name="code-cancel"),
    path("rewards/<slug:slug>/champions/", resident.champions, name="champions"),
    path("staff/<slug:slug>/rewards/", staff.scheme, name="staff-scheme"),
    path("staff/<slug:slug>/rewards/flags/", staff.flags, name="staff-flags"),
    path(
        "staff/<slug:slug>/rewards/flags/<int:pk>/resolve/",
        staff.flag_resolve,
        name="staff-flag-resolve",
    ),
]
