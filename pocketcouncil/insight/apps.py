from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightConfig(AppConfig):
    name = "pocketcouncil.insight"
    label = "insight"
    verbose_name = _("Demand and failure demand")

    def ready(self):
        # Insight hears about contact through the other apps' hooks and signals; none of them
        # imports insight (docs/insight.md, "Where contact comes from").
        from django.db.models.signals import post_save

        from pocketcouncil.cases import actions as case_actions
        from pocketcouncil.core.signals import resident_contact
        from pocketcouncil.insight import receivers
        from pocketcouncil.services.models import FrontDoorSearch

        if receivers.on_case_event not in case_actions.EVENT_HOOKS:
            case_actions.EVENT_HOOKS.append(receivers.on_case_event)
        post_save.connect(
            receivers.on_search_saved, sender=FrontDoorSearch, dispatch_uid="insight_search"
        )
        resident_contact.connect(receivers.on_resident_contact, dispatch_uid="insight_ask")
