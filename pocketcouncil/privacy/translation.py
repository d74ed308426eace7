"""Council-written privacy text in English and Welsh (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from pocketcouncil.privacy.models import ConsentWording, Recipient, SharingAgreement


@register(Recipient)
class RecipientTranslationOptions(TranslationOptions):
    fields = ("name",)


@register(SharingAgreement)
class SharingAgreementTranslationOptions(TranslationOptions):
    fields = ("purpose",)


@register(ConsentWording)
class ConsentWordingTranslationOptions(TranslationOptions):
    fields = ("text",)
