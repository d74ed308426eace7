"""The Redis cache while Redis is down: pages and the scheduler carry on; nothing is claimed.

A real ``redis-server`` of the test's own, killed and started again (empty) in the test.
"""

import pytest
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

from pocketcouncil.core import ratelimit
from pocketcouncil.core.testing_redis import RedisServer, require_redis_server
from pocketcouncil.ops.cache import ResilientRedisCache


@pytest.fixture
def server(tmp_path):
    require_redis_server()
    redis = RedisServer(tmp_path / "redis")
    redis.start()
    yield redis
    redis.stop()


def make_cache(server, backend=ResilientRedisCache):
    return backend(server.url(3), {"OPTIONS": {"socket_connect_timeout": 0.5}})


def test_it_is_an_ordinary_redis_cache_while_redis_answers(server):
    cache = make_cache(server)
    assert cache.add("claim", "me", 60) is True
    assert cache.add("claim", "you", 60) is False
    cache.set("n", 1)
    assert cache.incr("n") == 2
    assert cache.get_many(["n", "claim"]) == {"n": 2, "claim": "me"}


def test_while_redis_is_down_reads_miss_writes_do_nothing_and_nothing_is_claimed(server, caplog):
    cache = make_cache(server)
    cache.set("kept", "before")
    server.stop()
    plain = make_cache(server, RedisCache)
    with pytest.raises(Exception, match="111|refused|connect"):
        plain.get("kept")  # Django's own backend raises into the page
    assert cache.get("kept", "default") == "default"
    assert cache.get_many(["kept"]) == {}
    assert cache.has_key("kept") is False
    assert cache.set("kept", "during") is None
    assert cache.add("claim", "me", 60) is False
    assert cache.delete("kept") is False
    with pytest.raises(ValueError, match="unreachable"):
        cache.incr("n")
    assert "The shared cache (Redis) is unreachable" in caplog.text

    server.start()  # back, and empty
    assert cache.get("kept") is None
    assert cache.add("claim", "me", 60) is True


def test_a_rate_limit_lets_requests_through_while_redis_is_down(server):
    with override_settings(
        CACHES={
            "default": {
                "BACKEND": "pocketcouncil.ops.cache.ResilientRedisCache",
                "LOCATION": server.url(4),
                "OPTIONS": {"socket_connect_timeout": 0.5},
            }
        }
    ):
        assert ratelimit.allow("t", limit=1, seconds=60)
        assert not ratelimit.allow("t", limit=1, seconds=60)
        server.stop()
        assert ratelimit.allow("t", limit=1, seconds=60)  # an outage locks no one out


def test_redis_cache_urls_use_it():
    from pocketcouncil import config

    chosen = config.cache({"CACHE_URL": "redis://127.0.0.1:6379/1"}, "production")
    assert chosen["default"]["BACKEND"] == "pocketcouncil.ops.cache.ResilientRedisCache"
