import datetime

import pytest
from django.utils import timezone

from pocketcouncil.accounts.models import User
from pocketcouncil.privacy import actions
from pocketcouncil.privacy.models import LawfulBasis, Recipient, RecipientKind, SharingAgreement

DEMO = "demo.pocketcouncil.example"


@pytest.fixture
def person(demo):
    def get(name: str) -> User:
        return User.objects.get(email=f"{name}@{DEMO}")

    return get


@pytest.fixture
def agreement(demo):
    """agreement(council="oxford", basis=consent, ...) -> an active agreement with wording."""

    def make(council="oxford", basis=LawfulBasis.CONSENT, name="housing team", **kwargs):
        council = demo[council]
        today = timezone.localdate()
        recipient, _ = Recipient.objects.get_or_create(
            council=council,
            name=name,
            defaults={"kind": RecipientKind.COUNCIL_SERVICE, "email": "housing@example.org"},
        )
        kwargs.setdefault("purpose", "to arrange repairs")
        kwargs.setdefault("categories", ["contact"])
        kwargs.setdefault("starts_on", today - datetime.timedelta(days=30))
        kwargs.setdefault("review_on", today + datetime.timedelta(days=300))
        made = SharingAgreement.objects.create(
            council=council,
            recipient=recipient,
            lawful_basis=basis,
            retention_days=365,
            dpia_reference="DPIA-2026-04",
            **kwargs,
        )
        actions.wording_add(
            agreement=made,
            text="The housing team can see your phone number and email to arrange repairs.",
        )
        return made

    return make
