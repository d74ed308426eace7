from django.urls import include, path

from pocketcouncil.ask import views

ask_patterns = [
    path("ask/", views.ask_pick, name="pick"),
    path("councils/<slug:slug>/ask/", views.ask, name="ask"),
    path("staff/<slug:slug>/ask/unanswered/", views.unanswered, name="staff-unanswered"),
]

urlpatterns = [path("", include((ask_patterns, "ask")))]
