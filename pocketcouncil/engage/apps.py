from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngageConfig(AppConfig):
    name = "pocketcouncil.engage"
    label = "engage"
    verbose_name = _("Consultations and participation")

    def ready(self):
        from pocketcouncil.engage import personal_data

        personal_data.register()
