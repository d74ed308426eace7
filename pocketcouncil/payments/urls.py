from django.urls import path

from pocketcouncil.payments.views import (
    bulky,
    charges,
    concessions,
    garden,
    pay,
    pcn,
    permits,
    staff,
)

app_name = "payments"

urlpatterns = [
    path("payments/return/<str:token>/", pay.payment_return, name="return"),
    path("payments/webhook/<slug:slug>/", pay.webhook, name="webhook"),
    path("bulky-waste/<slug:slug>/book/", bulky.book, name="bulky-book"),
    path("bulky-waste/bookings/<int:pk>/", bulky.booking_page, name="bulky-booking"),
    path("bulky-waste/bookings/<int:pk>/pay/", bulky.booking_pay, name="bulky-pay"),
    path("bulky-waste/bookings/<int:pk>/change/", bulky.booking_change, name="bulky-change"),
    path("bulky-waste/bookings/<int:pk>/cancel/", bulky.booking_cancel, name="bulky-cancel"),
    path("garden-waste/<slug:slug>/subscribe/", garden.subscribe, name="garden-subscribe"),
    path(
        "garden-waste/subscriptions/<int:pk>/",
        garden.subscription_page,
        name="garden-subscription",
    ),
    path("garden-waste/subscriptions/<int:pk>/pay/", garden.subscription_pay, name="garden-pay"),
    path(
        "garden-waste/subscriptions/<int:pk>/renew/",
        garden.subscription_renew,
        name="garden-renew",
    ),
    path(
        "garden-waste/subscriptions/<int:pk>/cancel/",
        garden.subscription_cancel,
        name="garden-cancel",
    ),
    path("parking-permits/<slug:slug>/apply/", permits.apply, name="permit-apply"),
    path("parking-permits/<int:pk>/", permits.permit_page, name="permit"),
    path("parking-permits/<int:pk>/pay/", permits.permit_pay, name="permit-pay"),
    path("parking-permits/<int:pk>/permit/", permits.permit_print, name="permit-print"),
    path("staff/<slug:slug>/payments/permits/", permits.staff_queue, name="staff-permits"),
    path(
        "staff/<slug:slug>/payments/permits/<int:pk>/",
        permits.staff_decide,
        name="staff-permit",
    ),
    path(
        "staff/<slug:slug>/payments/permits/<int:pk>/evidence/",
        permits.staff_evidence,
        name="staff-permit-evidence",
    ),
    path("concessions/<slug:slug>/", concessions.apply, name="concession-apply"),
    path(
        "staff/<slug:slug>/payments/concessions/", concessions.staff_queue, name="staff-concessions"
    ),
    path(
        "staff/<slug:slug>/payments/concessions/<int:pk>/",
        concessions.staff_decide,
        name="staff-concession",
    ),
    path(
        "staff/<slug:slug>/payments/concessions/<int:pk>/evidence/",
        concessions.staff_evidence,
        name="staff-concession-evidence",
    ),
    path("parking-fine/<slug:slug>/pay/", pcn.find, name="pcn-find"),
    path("parking-fine/charges/<int:pk>/", pcn.charge_page, name="pcn-charge"),
    path("parking-fine/charges/<int:pk>/pay/", pcn.charge_pay, name="pcn-pay"),
    path("parking-fine/payments/<str:token>/", pcn.result, name="pcn-result"),
    path("staff/<slug:slug>/payments/penalty-charges/", pcn.staff_feed, name="staff-pcn"),
    path("staff/<slug:slug>/payments/bulky/", bulky.staff_bookings, name="staff-bulky"),
    path(
        "staff/<slug:slug>/payments/bulky/<int:pk>/cancel/",
        bulky.staff_cancel,
        name="staff-bulky-cancel",
    ),
    path("staff/<slug:slug>/payments/prices/", charges.prices, name="staff-charges"),
    path("staff/<slug:slug>/payments/bulky-items/", charges.items, name="staff-bulky-items"),
    path("staff/<slug:slug>/payments/bulky-items/<int:pk>/", charges.item, name="staff-bulky-item"),
    path("staff/<slug:slug>/payments/collection-days/", charges.slots, name="staff-slots"),
    path(
        "staff/<slug:slug>/payments/collection-days/<int:pk>/capacity/",
        charges.slot_capacity,
        name="staff-slot-capacity",
    ),
    path(
        "staff/<slug:slug>/payments/collection-days/<int:pk>/remove/",
        charges.slot_remove,
        name="staff-slot-remove",
    ),
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
