"""Showing a performance figure: its value, "too few" when suppressed, "no figure" when none."""

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def figure(figures, name: str, unit: str = ""):
    """``{% figure row "median_days" %}``; unit "%" for shares."""
    if name in figures.suppressed:
        return format_html('<span class="govuk-hint">{}</span>', _("Too few"))
    value = getattr(figures, name)
    if value is None:
        return format_html('<span class="govuk-hint">{}</span>', _("No figure"))
    return f"{intcomma(value)}{unit}"


@register.simple_tag
def month_figure(point: dict, name: str):
    """One month of a trend: the same rules as ``figure``."""
    if name in point["suppressed"]:
        return format_html('<span class="govuk-hint">{}</span>', _("Too few"))
    value = point[name]
    if value is None:
        return format_html('<span class="govuk-hint">{}</span>', _("No figure"))
    return intcomma(value)
