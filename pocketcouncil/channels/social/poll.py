"""Fetch new mentions and direct messages from each social media account and store them."""

from __future__ import annotations

from django.db import transaction

from pocketcouncil.channels import actions
from pocketcouncil.channels.models import ChannelAccount, Visibility
from pocketcouncil.channels.social.base import SocialError, adapter_for

SOCIAL_CHANNELS = ("mastodon",)


def account_poll(*, account: ChannelAccount) -> int:
    """Store what arrived since the last poll; returns how many new messages. Raises
    ``SocialError`` when the network cannot be reached (the cursor is then not moved)."""
    items = adapter_for(account.channel).fetch(account, since=account.last_seen_id)
    stored = 0
    for item in items:
        with transaction.atomic():
            before = account.inboundmessage_set.filter(external_id=item.external_id).exists()
            actions.message_store(
                account=account,
                external_id=item.external_id,
                sender=item.author[:320],
                sender_name=item.author_name,
                body=item.text[:10_000],
                raw=item.raw,
                visibility=Visibility.DIRECT if item.visibility == "direct" else Visibility.PUBLIC,
                thread_id=item.external_id,
                in_reply_to=item.in_reply_to_id,
            )
            stored += 0 if before else 1
            ChannelAccount.objects.filter(pk=account.pk).update(last_seen_id=item.cursor)
            account.last_seen_id = item.cursor
    return stored


def poll_all() -> dict[str, int | str]:
    """Poll every active account; one account failing does not stop the others (its entry is
    the error message instead of a count)."""
    counts: dict[str, int | str] = {}
    for account in ChannelAccount.objects.filter(
        channel__in=SOCIAL_CHANNELS, is_active=True
    ).select_related("council"):
        try:
            counts[str(account)] = account_poll(account=account)
        except SocialError as error:
            counts[str(account)] = str(error)
    return counts
