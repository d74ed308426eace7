from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransparencyConfig(AppConfig):
    name = "pocketcouncil.transparency"
    label = "transparency"
    verbose_name = _("Transparency: spending, council tax and open data")

    def ready(self):
        from django.db.models.signals import post_migrate

        post_migrate.connect(_install_search_index, sender=self)

        # Describe the open data downloads in the platform's one OpenAPI document.
        from pocketcouncil.core import api
        from pocketcouncil.transparency import openapi

        if openapi.contribution not in api.OPENAPI_CONTRIBUTORS:
            api.OPENAPI_CONTRIBUTORS.append(openapi.contribution)


def _install_search_index(sender, using, **kwargs):
    # After every migrate, including the test databases made from the models (search_index.py).
    from django.db import connections

    from pocketcouncil.transparency import search_index

    search_index.install(connections[using])
