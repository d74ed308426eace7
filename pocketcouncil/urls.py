"""URLs. Each Pocket Council app that has a ``urls.py`` is included here automatically, in
``INSTALLED_APPS`` order (``FIRST`` apart), so apps own their paths and this file rarely
changes."""

from importlib import import_module

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from pocketcouncil.core.views import health, pages
from pocketcouncil.councils import views as council_views

urlpatterns = [
    path("", pages.home, name="home"),
    path("find/", pages.find, name="find"),
    path("healthz", health.healthz, name="healthz"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    path("cookies/", pages.cookies, name="cookies"),
    path("councils/<slug:slug>/", council_views.council_detail, name="council-detail"),
    path(
        "councils/<slug:slug>/brand.css",
        council_views.council_brand_css,
        name="council-brand-css",
    ),
    path("admin/", admin.site.urls),
]

# Resolving a path tries every pattern before the one that matches, so the Open311 server, which
# integrators poll, comes first (its paths, open311/v2/... and staff/<council>/integrations/...,
# overlap no other app's).
FIRST = ("pocketcouncil.open311",)

for app in sorted(apps.get_app_configs(), key=lambda app: app.name not in FIRST):
    if app.name.startswith("pocketcouncil.") and app.name != "pocketcouncil.core":
        try:
            module = import_module(f"{app.name}.urls")
        except ModuleNotFoundError as error:
            if error.name != f"{app.name}.urls":
                raise
            continue
        urlpatterns.append(path("", include(module)))

admin.site.site_header = "Pocket Council administration"
admin.site.site_title = "Pocket Council admin"
admin.site.index_title = "Configure councils, areas and services"
