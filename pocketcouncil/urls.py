from django.contrib import admin
from django.urls import path

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
        "councils/<slug:slug>/brand.css", council_views.council_brand_css, name="council-brand-css"
    ),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Pocket Council administration"
admin.site.site_title = "Pocket Council admin"
admin.site.index_title = "Configure councils, areas and services"
