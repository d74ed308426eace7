"""The interface every social network implements. The channels app knows only this; a new
network is one module and one entry in ``ADAPTERS``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class SocialItem:
    """One mention or direct message to the council's account."""

    external_id: str  # the post's id, stable across fetches
    author: str  # the author's handle, like @resident@example.social
    author_name: str
    text: str  # plain text, HTML removed
    visibility: str  # "public" or "direct" (Visibility)
    in_reply_to_id: str  # the post it replies to, or ""
    cursor: str  # where the next fetch starts
    raw: bytes  # the JSON as received


class SocialError(Exception):
    """The network refused or could not be reached; the message says which."""


class ChannelAdapter(Protocol):
    def fetch(self, account, *, since: str) -> list[SocialItem]:
        """Mentions and direct messages newer than ``since``, oldest first."""

    def reply(self, account, *, to_item_id: str, to_author: str, text: str, visibility: str) -> str:
        """Post ``text`` in the thread of ``to_item_id`` (same visibility); returns its id."""

    def publish(self, account, *, text: str) -> str:
        """Post news publicly from the council's account; returns its id."""


def adapter_for(channel: str) -> ChannelAdapter:
    from pocketcouncil.channels.social import mastodon

    adapters = {"mastodon": mastodon.MastodonAdapter}
    try:
        return adapters[channel]()
    except KeyError:
        raise SocialError(f"No adapter for {channel}") from None
