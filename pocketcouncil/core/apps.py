from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Site-wide pages (home, health check, legal pages) and shared template helpers."""

    name = "pocketcouncil.core"
    label = "core"
    verbose_name = "Pocket Council"
