from django.urls import path

from pocketcouncil.payments.views import pay, staff

app_name = "payments"

urlpatterns = [
    path("payments/return/<str:token>/", pay.payment_return, name="return"),
    path("payments/webhook/<slug:slug>/", pay.webhook, name="webhook"),
    path("staff/<slug:slug>/payments/", staff.payments, name="staff-payments"),
    path("staff/<slug:slug>/payments/account/", staff.account, name="staff-account"),
    path(
        "staff/<slug:slug>/payments/reconciliation.csv",
        staff.reconciliation_csv,
        name="staff-reconciliation",
    ),
    path("staff/<slug:slug>/payments/refunds/", staff.refunds_report, name="staff-refunds"),
    path("staff/<slug:slug>/payments/<str:reference>/", staff.payment_page, name="staff-payment"),
]
