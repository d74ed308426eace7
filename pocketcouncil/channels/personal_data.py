"""What channels registers in the personal data register (see accounts/personal_data.py).

Messages linked to an account (only once the address or number was verified) are exported with
it; erasing the person deletes the messages' text and raw copy and detaches them.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _anonymise(queryset) -> None:
    queryset.update(
        user=None, sender="", sender_name="", subject="", body="", raw=b"", envelope_from=""
    )


def register() -> None:
    from pocketcouncil.accounts import personal_data
    from pocketcouncil.channels.models import InboundMessage

    why = _("Why we hold it: you wrote to the council, so staff can read and answer it.")
    personal_data.register(
        InboundMessage,
        owner="user",
        fields={
            "sender": why,
            "sender_name": why,
            "subject": why,
            "body": why,
            "raw": _(
                "Why we hold it: the message exactly as it arrived, kept for the retention "
                "period in case of a complaint or a question about what was sent."
            ),
            "envelope_from": why,
        },
        title=_("Messages you sent by email, text message or social media"),
        anonymise=_anonymise,
        technical={
            "id",
            "council",
            "account",
            "channel",
            "external_id",
            "recipient",
            "visibility",
            "thread_id",
            "in_reply_to",
            "status",
            "status_reason",
            "confidence",
            "case",
            "user",
            "risk_flag",
            "photo_count",
            "attachment_problems",
            "assigned_to",
            "due_at",
            "received_at",
            "processed_at",
        },
    )
