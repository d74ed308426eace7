"""Template filters for service pages."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "br", "code"}
CLASSES = {
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
    "<h2>": '<h2 class="govuk-heading-m">',
    "<h3>": '<h3 class="govuk-heading-s">',
    "<a ": '<a class="govuk-link" ',
}


@register.filter
def markdown(text: str) -> str:
    """Markdown to HTML with anything unsafe removed (nh3), styled for GOV.UK."""
    html = markdown_lib.markdown(text or "", output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )
    for bare, styled in CLASSES.items():
        clean = clean.replace(bare, styled)
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 above
