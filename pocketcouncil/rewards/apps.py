from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RewardsConfig(AppConfig):
    name = "pocketcouncil.rewards"
    label = "rewards"
    verbose_name = _("Thank-you rewards")

    def ready(self):
        # Points come from other apps' events through their hook lists (they import nothing
        # of rewards), inside the action's transaction: points commit with what earned them.
        from pocketcouncil.accounts import actions as accounts_actions
        from pocketcouncil.cases import actions as case_actions
        from pocketcouncil.engage import actions as engage_actions
        from pocketcouncil.rewards import hooks, personal_data

        for hooks_list, hook in (
            (case_actions.EVENT_HOOKS, hooks.on_case_event),
            (engage_actions.SURVEY_SUBMITTED_HOOKS, hooks.on_survey_submitted),
            (accounts_actions.INTERESTS_HOOKS, hooks.on_interests_changed),
        ):
            if hook not in hooks_list:
                hooks_list.append(hook)
        personal_data.register()
