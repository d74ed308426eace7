"""What privacy registers in the personal data register (see accounts/personal_data.py).

The consent ledger and the access log are the resident's own record of who may see and who has
seen their data: they are exported in full. On erasure the resident's link is removed by the
account's deletion (the rows cascade); nothing here is blanked earlier, so that erasure itself
cannot hide who looked.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def register() -> None:
    from pocketcouncil.accounts import personal_data
    from pocketcouncil.privacy.models import AccessLogEntry, ConsentEvent, Share

    personal_data.register(
        ConsentEvent,
        owner="resident",
        title=_("What you agreed to share"),
        fields={
            "agreement": _("Why we hold it: which sharing you agreed to or stopped."),
            "wording": _("Why we hold it: the exact words you were shown when you decided."),
            "action": _("Why we hold it: whether you agreed or stopped sharing."),
            "channel": _("Why we hold it: how you told us (online, by phone, in person)."),
            "recorded_by": _("Why we hold it: who recorded your decision (you, or staff for you)."),
            "recorded_by_name": _("Why we hold it: the name of whoever recorded your decision."),
            "on_behalf": _("Why we hold it: whether staff recorded it for you."),
            "created_at": _("Why we hold it: when you decided."),
        },
        anonymise=lambda qs: None,  # kept until the account is deleted: proof of consent
        technical={"id", "council", "resident"},
    )
    personal_data.register(
        Share,
        owner="resident",
        title=_("Data passed on about you"),
        fields={
            "agreement": _("Why we hold it: which agreement your data was passed on under."),
            "categories": _("Why we hold it: which kinds of your data were passed on."),
            "status": _("Why we hold it: whether it was sent, cancelled or refused."),
            "reason": _("Why we hold it: why a share was cancelled or refused."),
            "created_at": _("Why we hold it: when it was asked for."),
        },
        anonymise=lambda qs: qs.filter(status="queued").update(status="cancelled"),
        technical={"id", "council", "resident", "requested_by", "updated_at"},
    )
    personal_data.register(
        AccessLogEntry,
        owner="resident",
        title=_("Who has looked at your data"),
        fields={
            "viewer": _("Why we hold it: to show you who looked at your data."),
            "viewer_name": _("Why we hold it: the name of who looked at your data."),
            "viewer_role": _("Why we hold it: the job of who looked at your data."),
            "kind": _("Why we hold it: what they looked at."),
            "subject": _("Why we hold it: which request, report or share it was."),
            "reason": _("Why we hold it: the reason they gave."),
            "created_at": _("Why we hold it: when they looked."),
        },
        anonymise=lambda qs: None,  # the record of access outlives the account's contents
        technical={"id", "council", "resident"},
    )
