from django.urls import include, path

from pocketcouncil.insight import views

insight_patterns = [
    path("staff/<slug:slug>/insight/", views.dashboard, name="dashboard"),
    path("staff/<slug:slug>/insight/<slug:table>.csv", views.table_csv, name="csv"),
    path("staff/<slug:slug>/insight/log/", views.log_contact, name="log"),
    path("staff/<slug:slug>/insight/costs/", views.unit_costs, name="costs"),
]

urlpatterns = [path("", include((insight_patterns, "insight")))]
