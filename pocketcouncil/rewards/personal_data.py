"""What rewards registers in the personal data register (see accounts/personal_data.py).

Erasing someone deletes their membership and their points (points have no value to anyone
else), and detaches their offer codes from their account: the council's spend on offers stays
counted, but nothing leads back to the person.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


def _anonymise_memberships(queryset) -> None:
    queryset.delete()


def _anonymise_ledger(queryset) -> None:
    # Append-only for every other purpose; erasure is the one exception. Reversals first, as
    # they point at the entries they reverse.
    queryset.filter(reverses__isnull=False).delete()
    queryset.delete()


def _anonymise_redemptions(queryset) -> None:
    queryset.update(user=None)


def register() -> None:
    from pocketcouncil.accounts import personal_data
    from pocketcouncil.rewards.models import LedgerEntry, Membership, Redemption

    personal_data.register(
        Membership,
        owner="user",
        fields={
            "age_band": Membership._meta.get_field("age_band").help_text,
            "show_as_champion": Membership._meta.get_field("show_as_champion").help_text,
            "ward": _(
                "Why we hold it: the ward of your home address, for the ward's champions list "
                "and to see which areas the scheme reaches."
            ),
        },
        title=_("Your thank-you scheme membership"),
        anonymise=_anonymise_memberships,
        technical={"id", "council", "user", "joined_at", "left_at"},
    )
    personal_data.register(
        LedgerEntry,
        owner="user",
        fields={
            "points": _("Why we hold it: the points you earned and spent, so you can use them."),
            "reason": _("Why we hold it: so you can see why you earned or lost points."),
        },
        title=_("Your thank-you points"),
        anonymise=_anonymise_ledger,
        technical={
            "id",
            "council",
            "user",
            "kind",
            "rule_kind",
            "source_key",
            "reverses",
            "actor",
            "created_at",
        },
    )
    personal_data.register(
        Redemption,
        owner="user",
        fields={
            "code": _("Why we hold it: the code you show to use an offer you took."),
        },
        title=_("Offers you took with points"),
        anonymise=_anonymise_redemptions,
        technical={
            "id",
            "council",
            "offer",
            "user",
            "status",
            "cost_to_council_pence",
            "issued_at",
            "used_at",
            "used_by",
        },
    )
