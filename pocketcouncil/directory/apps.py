from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    name = "pocketcouncil.directory"
    label = "directory"
    verbose_name = _("Community directory (Open Referral UK)")

    def ready(self):
        # Describe the Open Referral UK API in the platform's one OpenAPI document.
        from pocketcouncil.core import api
        from pocketcouncil.directory import openapi

        if openapi.contribution not in api.OPENAPI_CONTRIBUTORS:
            api.OPENAPI_CONTRIBUTORS.append(openapi.contribution)
