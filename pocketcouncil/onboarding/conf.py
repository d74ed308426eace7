"""Onboarding settings (docs/onboarding.md). Read when used, so tests can change them."""

from datetime import timedelta

from django.conf import settings


def invitation_lifetime() -> timedelta:
    """How long a staff invitation link works: ``ONBOARDING_INVITATION_DAYS`` (default 7)."""
    return timedelta(days=int(getattr(settings, "ONBOARDING_INVITATION_DAYS", 7)))
