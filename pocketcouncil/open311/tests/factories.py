import factory

from pocketcouncil.open311.actions import key_digest
from pocketcouncil.open311.models import ApiClient


class ApiClientFactory(factory.django.DjangoModelFactory):
    """An API client whose key is ``raw_key`` (default ``test-key-<n>``)."""

    class Meta:
        model = ApiClient
        exclude = ["raw_key"]

    council = factory.SubFactory("pocketcouncil.councils.tests.factories.CouncilFactory")
    name = factory.Sequence(lambda n: f"Client {n}")
    raw_key = factory.Sequence(lambda n: f"test-key-{n}")
    key_prefix = factory.LazyAttribute(lambda o: o.raw_key[:8])
    key_digest = factory.LazyAttribute(lambda o: key_digest(o.raw_key))
