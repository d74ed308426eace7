import factory
from django.contrib.auth import get_user_model

from pocketcouncil.councils.tests.factories import CouncilFactory
from pocketcouncil.notify.models import Preferences, Subscription


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"resident{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Resident {n}")


class PreferencesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Preferences

    user = factory.SubFactory(UserFactory)
    sms_number = "07700900123"


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    council = factory.SubFactory(CouncilFactory)
    user = factory.SubFactory(UserFactory)
    subject_kind = "case"
    subject_key = factory.Sequence(lambda n: str(n))
