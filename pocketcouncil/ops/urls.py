"""Machine endpoints: no Welsh prefix, no HTTPS redirect needed inside the network."""

from django.urls import path

from pocketcouncil.ops import views

urlpatterns: list = []
untranslated_urlpatterns = [
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
