import time_machine

from pocketcouncil.core import ratelimit


def test_allows_up_to_the_limit_then_refuses_until_the_window_ends():
    with time_machine.travel("2026-11-21 10:00:05 +0000", tick=False):
        assert [ratelimit.allow("k", limit=3, seconds=60) for _ in range(4)] == [
            True,
            True,
            True,
            False,
        ]
        assert ratelimit.allow("other", limit=3, seconds=60)
    with time_machine.travel("2026-11-21 10:01:05 +0000", tick=False):
        assert ratelimit.allow("k", limit=3, seconds=60)
