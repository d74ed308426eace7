from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "pocketcouncil.open311"
    label = "open311"
    verbose_name = _("Open311 and integrations")

    def ready(self):
        # Describe the Open311 views in the platform's one OpenAPI document (core stays free of
        # open311 imports: it only keeps the list).
        from pocketcouncil.core import api
        from pocketcouncil.open311 import openapi

        if openapi.contribution not in api.OPENAPI_CONTRIBUTORS:
            api.OPENAPI_CONTRIBUTORS.append(openapi.contribution)
