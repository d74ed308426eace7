"""Council-written offer text in English and Welsh (django-modeltranslation; docs/welsh.md)."""

from modeltranslation.translator import TranslationOptions, register

from pocketcouncil.rewards.models import Offer


@register(Offer)
class OfferTranslation(TranslationOptions):
    fields = ("title", "description")
