"""The one place onboarding writes its audit rows (called inside each action's transaction)."""

from pocketcouncil.onboarding.models import SettingsEvent


def record(council, kind: str, *, actor, changes: dict | None = None, detail: str = ""):
    return SettingsEvent.objects.create(
        council=council,
        actor=actor if getattr(actor, "pk", None) else None,
        kind=kind,
        changes=changes or {},
        detail=detail[:300],
    )
