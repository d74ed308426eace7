import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth.hashers import make_password

from pocketcouncil.accounts.models import StaffRole, StaffRoleKind, User
from pocketcouncil.councils.tests.factories import CouncilFactory

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    """A resident whose email address is checked (level 1)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"resident{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Resident {n}")
    # Like everyone who signs up with only an email address: no password, sign in by code.
    password = factory.LazyFunction(lambda: make_password(None))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(UserFactory)
    council = factory.SubFactory(CouncilFactory)
    role = StaffRoleKind.CASE_OFFICER


def add_totp(user, secret: str = TEST_TOTP_SECRET) -> Authenticator:
    return Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": secret}
    )
