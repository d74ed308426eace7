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

        # Webhooks hear about case events through the cases hook list (cases imports nothing
        # of open311), inside the action's transaction: the outbox row commits with the change.
        from pocketcouncil.cases import actions as case_actions
        from pocketcouncil.open311 import outbound, webhooks

        for hook in (webhooks.on_case_event, outbound.on_case_event):
            if hook not in case_actions.EVENT_HOOKS:
                case_actions.EVENT_HOOKS.append(hook)

        # Stored GET requests answers are forgotten when a council's cases change.
        from pocketcouncil.open311 import response_cache

        response_cache.connect()
