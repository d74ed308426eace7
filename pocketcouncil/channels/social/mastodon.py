"""Mastodon through Mastodon.py (the maintained client for the Mastodon API)."""

from __future__ import annotations

import json

from django.utils.html import strip_tags
from mastodon import Mastodon, MastodonError

from pocketcouncil.channels.social.base import SocialError, SocialItem

TIMEOUT_SECONDS = 20
POST_MAX_CHARS = 500


def _client(account) -> Mastodon:
    return Mastodon(
        access_token=account.access_token,
        api_base_url=account.base_url,
        request_timeout=TIMEOUT_SECONDS,
        version_check_mode="none",
        ratelimit_method="throw",
    )


def _text(html: str) -> str:
    text = strip_tags(html.replace("<br>", "\n").replace("<br />", "\n").replace("</p>", "\n\n"))
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))


class MastodonAdapter:
    def fetch(self, account, *, since: str) -> list[SocialItem]:
        try:
            found = _client(account).notifications(types=["mention"], since_id=since or None)
        except MastodonError as error:
            raise SocialError(f"Mastodon: {error}") from None
        items = []
        for notification in found:
            status = notification.get("status")
            if not status:
                continue
            author = status["account"]
            items.append(
                SocialItem(
                    external_id=str(status["id"]),
                    author="@" + str(author["acct"]),
                    author_name=str(author.get("display_name") or "")[:200],
                    text=_text(str(status.get("content") or "")),
                    visibility="direct" if status.get("visibility") == "direct" else "public",
                    in_reply_to_id=str(status.get("in_reply_to_id") or ""),
                    cursor=str(notification["id"]),
                    raw=json.dumps(_jsonable(notification)).encode(),
                )
            )
        items.sort(key=lambda item: int(item.cursor) if item.cursor.isdigit() else 0)
        return items

    def reply(self, account, *, to_item_id: str, to_author: str, text: str, visibility: str) -> str:
        # The author is named so the reply reaches them; a direct reply stays direct.
        status = f"{to_author} {text}"[:POST_MAX_CHARS]
        try:
            posted = _client(account).status_post(
                status,
                in_reply_to_id=to_item_id,
                visibility="direct" if visibility == "direct" else "public",
            )
        except MastodonError as error:
            raise SocialError(f"Mastodon: {error}") from None
        return str(posted["id"])

    def publish(self, account, *, text: str) -> str:
        try:
            posted = _client(account).status_post(text[:POST_MAX_CHARS], visibility="public")
        except MastodonError as error:
            raise SocialError(f"Mastodon: {error}") from None
        return str(posted["id"])
