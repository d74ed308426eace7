"""Django's Redis cache, made so that Redis being down slows the site rather than breaking it.

Everything Pocket Council keeps in the shared cache can be lost: cached Open311 answers are
worked out again, rate-limit counts start again, the scheduler's claims on a run are
re-checked against the database rows the jobs work from. So while Redis is unreachable (a
restart, a fail-over, a network blip) this cache acts as one that holds nothing and can claim
nothing, and logs each failure, instead of raising into the page or the worker:

* reads miss (``get`` gives the default, ``get_many`` nothing, ``has_key`` False);
* writes and deletes do nothing;
* ``add`` claims nothing (False), so nothing that needs a claim (a scheduled run) happens twice,
  and ``incr`` (and ``decr``) raise ``ValueError`` as for a key that is not there.

Limits that count in the cache therefore let requests through while it is down (an outage
should not lock residents out); the log says so. Used when ``CACHE_URL`` is a ``redis://``
address (``pocketcouncil.config.cache``).
"""

from __future__ import annotations

import functools
import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

OUTAGE = (RedisConnectionError, RedisTimeoutError)


def _degrading(when_down):
    """Run the cache call; if Redis cannot be reached, log it and give ``when_down()``."""

    def wrap(method):
        @functools.wraps(method)
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except OUTAGE as error:
                logger.warning(
                    "The shared cache (Redis) is unreachable: %s %s", method.__name__, error
                )
                return when_down(*args, **kwargs)

        return call

    return wrap


def _missing_key(key, *args, **kwargs):
    raise ValueError(f"Key {key!r} not found (the shared cache is unreachable)")


def _default(key, default=None, *args, **kwargs):
    return default


class ResilientRedisCache(RedisCache):
    get = _degrading(_default)(RedisCache.get)
    get_many = _degrading(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _degrading(lambda *a, **k: False)(RedisCache.has_key)
    add = _degrading(lambda *a, **k: False)(RedisCache.add)
    set = _degrading(lambda *a, **k: None)(RedisCache.set)
    set_many = _degrading(lambda *a, **k: [])(RedisCache.set_many)
    touch = _degrading(lambda *a, **k: False)(RedisCache.touch)
    delete = _degrading(lambda *a, **k: False)(RedisCache.delete)
    delete_many = _degrading(lambda *a, **k: None)(RedisCache.delete_many)
    incr = _degrading(_missing_key)(RedisCache.incr)
    clear = _degrading(lambda *a, **k: False)(RedisCache.clear)
