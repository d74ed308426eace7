import factory

from pocketcouncil.councils.models import ServiceTier
from pocketcouncil.services.models import (
    AttributeDatatype,
    Service,
    ServiceAttribute,
    ServiceFAQ,
    Topic,
)


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    # High numbers, far from real LGSL codes (the demo catalogue is loaded in every test).
    lgsl = factory.Sequence(lambda n: 90000 + n)
    lgsl_label = factory.Sequence(lambda n: f"Test service {n}")
    name = factory.Sequence(lambda n: f"Test service {n}")
    summary = "A service made up for a test."
    topic = Topic.OTHER
    tier = ServiceTier.DISTRICT
    curated = True


class ServiceAttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAttribute

    service = factory.SubFactory(ServiceFactory)
    code = factory.Sequence(lambda n: f"question_{n}")
    label = factory.Sequence(lambda n: f"Question {n}")
    datatype = AttributeDatatype.STRING
    order = factory.Sequence(lambda n: n)


class ServiceFAQFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceFAQ

    service = factory.SubFactory(ServiceFactory)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "An answer."
