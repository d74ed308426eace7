"""Helpers for the property-based (Hypothesis) tests of hostile input.

``make test`` runs each property test with the example count its author chose, derandomised (see
the root ``conftest.py``). ``make hostile`` sets ``HYPOTHESIS_EXAMPLES_SCALE`` to run many more
fresh random examples of every test, to find new bugs before CI does.
"""

import os

from hypothesis import HealthCheck, settings


def examples(count: int) -> int:
    """``count`` examples, multiplied when exploring."""
    return count * max(1, int(os.environ.get("HYPOTHESIS_EXAMPLES_SCALE", "1")))


def hostile_settings(count: int) -> settings:
    """Settings for a property test that posts to views: no deadline, fixtures allowed."""
    return settings(
        max_examples=examples(count),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
