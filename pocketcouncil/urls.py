"""URLs. Each Pocket Council app that has a ``urls.py`` is included here automatically, in
``INSTALLED_APPS`` order (``FIRST`` apart), so apps own their paths and this file rarely
changes."""

from importlib import import_module

from django.apps import apps
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from pocketcouncil.core.views import health, pages
from pocketcouncil.councils import views as council_views

# Pages are in English unprefixed and in Welsh under /cy/ (i18n_patterns, below). What machines
# call (health checks, APIs, Open311, stylesheets) and Django admin keep one address.
untranslated_urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path(
        "councils/<slug:slug>/brand.css",
        council_views.council_brand_css,
        name="council-brand-css",
    ),
    path("admin/", admin.site.urls),
]

page_urlpatterns = [
    path("", pages.home, name="home"),
    path("find/", pages.find, name="find"),
    path("accessibility/", pages.accessibility, name="accessibility"),
    path("privacy/", pages.privacy, name="privacy"),
    path("cookies/", pages.cookies, name="cookies"),
    path("councils/<slug:slug>/", council_views.council_detail, name="council-detail"),
]

# Resolving a path tries every pattern before the one that matches, so the Open311 server, which
# integrators poll, comes first (its paths, open311/v2/... and staff/<council>/integrations/...,
# overlap no other app's).
FIRST = ("pocketcouncil.open311",)
# Apps whose every path is for machines or must not move: kept out of i18n_patterns whole (an
# app's URLconf has one namespace, so it cannot be split). Other apps put their API paths in an
# ``untranslated_urlpatterns`` list in their urls.py.
UNTRANSLATED = ("pocketcouncil.open311",)

for app in sorted(apps.get_app_configs(), key=lambda app: app.name not in FIRST):
    if app.name.startswith("pocketcouncil.") and app.name != "pocketcouncil.core":
        try:
            module = import_module(f"{app.name}.urls")
        except ModuleNotFoundError as error:
            if error.name != f"{app.name}.urls":
                raise
            continue
        if app.name in UNTRANSLATED:
            untranslated_urlpatterns.append(path("", include(module)))
        else:
            page_urlpatterns.append(path("", include(module)))
        untranslated_urlpatterns += getattr(module, "untranslated_urlpatterns", [])

urlpatterns = [
    *untranslated_urlpatterns,
    *i18n_patterns(*page_urlpatterns, prefix_default_language=False),
]

admin.site.site_header = "Pocket Council administration"
admin.site.site_title = "Pocket Council admin"
admin.site.index_title = "Configure councils, areas and services"
