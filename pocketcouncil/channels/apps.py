from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "pocketcouncil.channels"
    label = "channels"
    verbose_name = _("Email, text messages and social media")

    def ready(self):
        from pocketcouncil.channels import personal_data

        personal_data.register()
