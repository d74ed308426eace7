"""Assurance levels as pure rules: which checks make which level, and what is missing.

Levels build on each other. Level 1 is a checked email address; level 2 adds a checked mobile
number and a home address inside an area a council on the platform serves; level 3 adds an
identity check (an identity provider at medium confidence, or staff in person).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

EMAIL = "email"
MOBILE = "mobile"
ADDRESS = "address"
IDENTITY = "identity"

# The steps each level adds, in the order a resident is asked to do them.
STEPS_FOR_LEVEL = {1: (EMAIL,), 2: (MOBILE, ADDRESS), 3: (IDENTITY,)}
MAX_LEVEL = 3

STEP_NAMES = {
    EMAIL: _("your email address"),
    MOBILE: _("your mobile number"),
    ADDRESS: _("your home address"),
    IDENTITY: _("your identity"),
}


@dataclass(frozen=True)
class Facts:
    """What has been checked for a person (all False for someone not signed in)."""

    email: bool = False
    mobile: bool = False
    address: bool = False
    identity: bool = False

    def has(self, step: str) -> bool:
        return getattr(self, step)


def level_from(facts: Facts) -> int:
    """The highest level whose steps, and every lower level's steps, are all done."""
    level = 0
    for candidate in range(1, MAX_LEVEL + 1):
        if all(facts.has(step) for step in STEPS_FOR_LEVEL[candidate]):
            level = candidate
        else:
            break
    return level


def missing_steps(facts: Facts, required: int) -> list[str]:
    """The steps still to do to reach ``required``, in order; empty if already there."""
    if not 0 <= required <= MAX_LEVEL:
        raise ValueError(f"There is no assurance level {required}.")
    return [
        step
        for level in range(1, required + 1)
        for step in STEPS_FOR_LEVEL[level]
        if not facts.has(step)
    ]


def level_needing(step: str) -> int:
    """The level a step belongs to (removing it drops the person below this level)."""
    for level, steps in STEPS_FOR_LEVEL.items():
        if step in steps:
            return level
    raise ValueError(f"Unknown step {step!r}.")
