"""Council-written news and disruptions in English and Welsh (django-modeltranslation: a column
per language; where the Welsh is empty the English shows, with a notice; docs/welsh.md)."""

from modeltranslation.translator import TranslationOptions, register

from pocketcouncil.news.models import Announcement


@register(Announcement)
class AnnouncementTranslation(TranslationOptions):
    fields = ("title", "body")
