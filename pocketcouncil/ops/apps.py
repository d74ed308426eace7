from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running Pocket Council as many processes: task backends, the single scheduler, metrics,
    readiness checks and structured logs (docs/operating.md)."""

    name = "pocketcouncil.ops"
    label = "ops"
    verbose_name = "Operations"  # no models, so never shown to staff

    def ready(self):
        from pocketcouncil.ops import metrics

        metrics.register()
