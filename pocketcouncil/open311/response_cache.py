"""A shared cache of rendered ``GET requests`` answers, emptied for a council by its case writes.

Open311 clients poll: FixMyStreet and back-office connectors ask for the same newest requests
every few minutes, and most answers are the same as last time. Building one is three queries and
fifty rows turned into JSON or XML; serving it from the shared cache (the database cache table
or Redis, ``CACHE_URL``) is one small cache read: the council's generation, below, with the
answer itself usually from this process's own copy.

Each council has a *generation* in the cache, a random token. Every answer is stored with the
generation it was built under, and is served only while that is still the council's generation.
Any write of a case, a timeline event or a photo of the council sets a new one when it is made
and again when its transaction commits (signals, below), so an answer never outlives a change it
shows: a client that posts a request sees it in its next ``GET requests``.

The generation is read *before* the database is, so an answer built while a write commits is
stored under the old generation and never served. A council with no generation yet (or one the
cache lost) gets a new random one after its next answer, which no stored answer carries; only
answers built after that are stored.

Entries also expire after ``OPEN311_RESPONSE_CACHE_SECONDS`` (60 by default; 0 turns the cache
off), which bounds what no write announces: a renamed service or council, and requests leaving
the default window of the last 90 days.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpResponse

from pocketcouncil.open311 import conf, render

PLAIN_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,60}")
# A generation is kept a day after it was set; a lost one only costs a rebuilt answer.
GENERATION_SECONDS = 24 * 60 * 60
# How much of the recent answers each web process keeps a copy of.
LOCAL_ANSWER_BYTES = 8 * 1024 * 1024


def _generation_key(council_slug: str) -> str:
    return f"open311:generation:{council_slug}"


def _answer_key(council_slug: str, parts: tuple) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"open311:answer:v1:{council_slug}:{digest}"


def cached(council_slug: str, parts: tuple, build: Callable[[], HttpResponse]) -> HttpResponse:
    """The answer for ``parts`` (everything the answer depends on besides the council's cases:
    format, language, site address and the checked parameters), from the cache when the
    council's cases have not changed since it was stored, else from ``build()``.

    Only successful answers are stored; ``build`` may raise ``Open311Error`` as usual."""
    seconds = conf.response_cache_seconds()
    if seconds <= 0 or not PLAIN_SLUG.fullmatch(council_slug):
        return build()  # an unknown council's answer is an error, never stored
    generation_key = _generation_key(council_slug)
    answer_key = _answer_key(council_slug, parts)
    generation = cache.get(generation_key)
    if generation is not None:
        stored = _stored_answer(answer_key, generation)
        if stored is not None:
            return render.answer(stored[2], stored[1])
    response = build()
    if response.status_code != 200:
        return response
    if generation is None:
        # The council's first answer (or the cache lost its generation): start one now, so the
        # next answer is stored under it. This one was built before it existed, so is not.
        cache.add(generation_key, secrets.token_hex(8), timeout=GENERATION_SECONDS)
    else:
        expires = time.time() + seconds
        stored = (generation, response["Content-Type"], response.content, expires)
        cache.set(answer_key, stored, seconds)
        _local.put(answer_key, stored)
    return response


def _stored_answer(answer_key: str, generation: str) -> tuple | None:
    """The answer stored under the council's current generation: this process's copy, else the
    shared cache's (then copied here), else None."""
    local = _local.get(answer_key)
    if local is not None and local[0] == generation:
        return local
    shared = cache.get(answer_key)
    if shared is None or shared[0] != generation:
        return None
    _local.put(answer_key, shared)
    return shared


class _LocalAnswers:
    """This process's copies of recent answers, so a hit reads only the small generation from
    the shared cache, not the whole answer. A copy is used only while its generation is the
    council's current one (read from the shared cache every time) and for no longer than the
    shared entry lives, so it is never staler than the shared entry. Beyond ``max_bytes`` of
    answers, the least recently used copies are dropped."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.entries: OrderedDict[str, tuple] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> tuple | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            if found[3] < time.time():  # the shared entry has expired too
                self._drop(key)
                return None
            self.entries.move_to_end(key)
            return found

    def put(self, key: str, value: tuple) -> None:
        """``value`` is (generation, content type, body, expiry as a Unix time)."""
        with self.lock:
            if key in self.entries:
                self._drop(key)
            self.entries[key] = value
            self.bytes += len(value[2])
            while self.bytes > self.max_bytes and self.entries:
                self._drop(next(iter(self.entries)))

    def _drop(self, key: str) -> None:
        self.bytes -= len(self.entries.pop(key)[2])


_local = _LocalAnswers(max_bytes=LOCAL_ANSWER_BYTES)


def council_changed(council_id: int, slug: str | None = None) -> None:
    """Forget every stored answer of the council: now, and again once the current transaction
    commits (an answer built from the database between the two, before the change was visible,
    is stored under the first new generation and so is never served after the second)."""
    if slug is None:
        from pocketcouncil.councils.models import Council

        slug = Council.objects.filter(pk=council_id).values_list("slug", flat=True).first()
    if not slug:
        return
    key = _generation_key(slug)

    def bump():
        cache.set(key, secrets.token_hex(8), timeout=GENERATION_SECONDS)

    bump()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(bump)


def _saved(sender, instance, **kwargs) -> None:
    """A case, timeline event or photo saved or deleted: each carries its council."""
    council = instance.council if sender.council.is_cached(instance) else None
    council_changed(instance.council_id, council.slug if council else None)


def connect() -> None:
    """Listen for case, timeline and photo writes (called once, from the app's ready())."""
    from pocketcouncil.cases.models import Case, CaseEvent, CasePhoto

    for name, signal in (("save", post_save), ("delete", post_delete)):
        for model in (Case, CaseEvent, CasePhoto):
            uid = f"open311-answers-{model.__name__}-{name}"
            signal.connect(_saved, sender=model, dispatch_uid=uid)
