from django.urls import path

from pocketcouncil.transparency import views, views_staff

urlpatterns = [
    path("councils/<slug:slug>/spending/", views.spending_overview, name="spending-overview"),
    path(
        "councils/<slug:slug>/spending/by/<str:dimension>/",
        views.spending_breakdown,
        name="spending-breakdown",
    ),
    path("councils/<slug:slug>/spending/payments/", views.payment_list, name="spending-payments"),
    path("council-tax/", views.council_tax_finder, name="council-tax"),
    path(
        "councils/<slug:slug>/council-tax/",
        views.council_tax_for_council,
        name="council-tax-council",
    ),
    path("councils/<slug:slug>/performance/", views.performance, name="performance"),
    path(
        "councils/<slug:slug>/performance/services/<int:lgsl>/",
        views.performance_service,
        name="performance-service",
    ),
    path(
        "councils/<slug:slug>/performance/statistics/",
        views.case_statistics,
        name="case-statistics",
    ),
    path("open-data/", views.open_data, name="open-data"),
    path("staff/spending/", views_staff.import_list, name="staff-spending-imports"),
    path("staff/spending/upload/", views_staff.import_upload, name="staff-spending-upload"),
    path("staff/council-tax/", views_staff.budget_import, name="staff-budgets"),
    path(
        "staff/council-tax/<int:year>.csv",
        views_staff.budget_download,
        name="staff-budgets-download",
    ),
    path(
        "staff/spending/imports/<int:pk>/",
        views_staff.import_detail,
        name="staff-spending-import",
    ),
]
