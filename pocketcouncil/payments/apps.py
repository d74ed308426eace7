from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "pocketcouncil.payments"
    label = "payments"
    verbose_name = _("Payments and bookings")

    def ready(self):
        # Each transaction registers what happens when its payment is settled.
        from pocketcouncil.payments import bulky, garden, pcn, permits  # noqa: F401
