from django.urls import path

from pocketcouncil.channels import sms, views

app_name = "channels"

urlpatterns = [
    path("staff/<slug:slug>/inbox/", views.staff_inbox, name="staff-inbox"),
    path("staff/<slug:slug>/inbox/<int:pk>/", views.staff_message, name="staff-message"),
]

# For machines: GOV.UK Notify posts inbound text messages here (one address, no /cy/).
untranslated_urlpatterns = [
    path(
        "channels/notify/inbound-sms/",
        sms.notify_inbound_sms,
        name="channels-notify-inbound-sms",
    ),
]
