from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Running Pocket Council as many processes: task backends, the single scheduler, metrics,
    readiness checks and structured logs (docs/operating.md)."""

    name = "pocketcouncil.ops"
    label = "ops"
    verbose_name = _("Operations")

    def ready(self):
        from pocketcouncil.ops import metrics

        metrics.register()
