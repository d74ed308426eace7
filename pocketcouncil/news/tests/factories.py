from datetime import date

import factory
from django.utils import timezone

from pocketcouncil.news.models import Announcement, AnnouncementKind, BinType, Frequency, Round


class AnnouncementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Announcement
        skip_postgeneration_save = True

    kind = AnnouncementKind.NEWS
    title = factory.Sequence(lambda n: f"Announcement {n}")
    body = "Some **news**."
    topic = "council_news"
    starts_at = factory.LazyFunction(timezone.now)
    notified_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if extracted:
            self.areas.set(extracted)


class RoundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Round
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Round {n}")
    bin_types = factory.LazyFunction(lambda: [BinType.RUBBISH.value])
    frequency = Frequency.WEEKLY
    first_collection = date(2026, 1, 5)  # a Monday

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if extracted:
            self.areas.set(extracted)
