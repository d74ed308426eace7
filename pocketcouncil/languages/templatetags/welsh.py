"""``{% untranslated_notice object "title" "body" %}``: on a Welsh page, where the council has
not written the Welsh of any of these fields (so the English shows, by modeltranslation's
fallback), say so in Welsh. Renders nothing in English or when the Welsh is there."""

from django import template
from django.conf import settings
from django.utils import translation
from django.utils.html import format_html
from modeltranslation.utils import build_localized_fieldname

register = template.Library()

WELSH = "cy"
# "This has not been translated into Welsh yet", in Welsh: shown only on Welsh pages, so it is
# written here rather than in the catalogue.
NOTICE = "Nid yw hyn wedi’i gyfieithu i’r Gymraeg eto."


def missing_in_welsh(obj, *fields: str) -> bool:
    if obj is None:
        return False
    for name in fields:
        welsh = getattr(obj, build_localized_fieldname(name, WELSH), None)
        english = getattr(obj, build_localized_fieldname(name, settings.LANGUAGE_CODE), None)
        if not welsh and english:
            return True
    return False


@register.simple_tag
def untranslated_notice(obj, *fields: str) -> str:
    if translation.get_language() != WELSH or not missing_in_welsh(obj, *fields):
        return ""
    return format_html(
        '<p class="govuk-body-s pc-untranslated" lang="cy">'
        '<strong class="govuk-tag govuk-tag--grey">{}</strong></p>',
        NOTICE,
    )
