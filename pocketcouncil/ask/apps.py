from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AskConfig(AppConfig):
    name = "pocketcouncil.ask"
    label = "ask"
    verbose_name = _("Ask us")
