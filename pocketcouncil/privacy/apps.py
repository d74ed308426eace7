from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "pocketcouncil.privacy"
    label = "privacy"
    verbose_name = _("Privacy and consent")

    def ready(self):
        from pocketcouncil.privacy import personal_data

        personal_data.register()
