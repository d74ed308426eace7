"""Council-written names in English and Welsh (django-modeltranslation).

Each registered field gets a column per language, ``name_en_gb`` and ``name_cy``; reading
``name`` gives the current language's text, falling back to English where the Welsh is empty.
"""

from modeltranslation.translator import TranslationOptions, register

from pocketcouncil.councils.models import Area, Council


@register(Council)
class CouncilTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(Area)
class AreaTranslationOptions(TranslationOptions):
    fields = ("name",)
