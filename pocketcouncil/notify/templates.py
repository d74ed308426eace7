"""What each message says: defaults in code, per-council wording in ``MessageTemplate``.

Templates use Django template syntax on plain text (``{{ reference }}``). Every message can use
``council_name``, ``reference``, ``title``, ``status``, ``note``, ``url``, ``unsubscribe_url``
and ``recipient_name`` when the caller gave them; a missing value renders as nothing.
The HTML part of an email is made from the plain text (escaped, paragraphs, links), so council
admins edit one thing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import translation
from django.utils.html import escape, urlize
from django.utils.translation import gettext_lazy as _

from pocketcouncil.notify.models import Channel, Event, MessageTemplate

# Plain English, short enough for a text message where it matters. {{ }} fill in the details.
DEFAULTS: dict[str, dict[str, str]] = {
    Event.CASE_ACKNOWLEDGED: {
        "subject": _("We have your request {{ reference }}"),
        "body": _(
            "{{ council_name }} has your request {{ reference }}: {{ title }}.\n\n"
            "We will tell you when anything changes. Track it at {{ url }}"
        ),
    },
    Event.STATUS_CHANGED: {
        "subject": _("Your request {{ reference }} is now {{ status }}"),
        "body": _(
            "{{ council_name }}: your request {{ reference }} ({{ title }}) is now {{ status }}."
            "{% if note %}\n\n{{ note }}{% endif %}\n\nSee the details at {{ url }}"
        ),
    },
    Event.UPDATE_ADDED: {
        "subject": _("Update on {{ reference }}"),
        "body": _(
            "{{ council_name }} added an update to {{ reference }} ({{ title }}):\n\n{{ note }}"
            "\n\nSee the details at {{ url }}"
        ),
    },
    Event.MORE_INFORMATION: {
        "subject": _("We need more information about {{ reference }}"),
        "body": _(
            "{{ council_name }} needs more information before we can carry on with "
            "{{ reference }} ({{ title }}):\n\n{{ note }}\n\nReply at {{ url }}"
        ),
    },
    Event.RESOLVED: {
        "subject": _("{{ reference }} is resolved: how did we do?"),
        "body": _(
            "{{ council_name }} has resolved {{ reference }} ({{ title }})."
            "{% if note %}\n\n{{ note }}{% endif %}\n\n"
            "Are you happy with how it was dealt with? Tell us at {{ url }}"
        ),
    },
    Event.AREA_ALERT: {
        "subject": _("New report near you: {{ title }}"),
        "body": _(
            "Someone reported {{ title }} in {{ area_name }}{% if reference %} "
            "({{ reference }}){% endif %}. {{ council_name }} is looking at it.\n\n"
            "See it at {{ url }}"
        ),
    },
    Event.TOPIC_NEWS: {
        "subject": _("{{ council_name }}: {{ title }}"),
        "body": _("{{ title }}\n\n{{ note }}\n\nRead more at {{ url }}"),
    },
    Event.DIGEST: {
        "subject": _("Your daily summary from {{ council_name }}"),
        "body": _(
            "Here is what happened today in what you follow with {{ council_name }}:\n\n"
            "{% for item in items %}- {{ item }}\n{% endfor %}"
        ),
    },
    Event.DIRECT: {"subject": "{{ subject }}", "body": "{{ body }}"},
}

# Sample values for the admin preview.
PREVIEW_CONTEXT = {
    "reference": "OX-2026-00042",
    "title": "Pothole on Cowley Road",
    "status": "in progress",
    "note": "A team will repair it this week.",
    "url": "https://example.gov.uk/cases/OX-2026-00042",
    "area_name": "Cowley ward",
    "items": ["OX-2026-00042 is now in progress", "New report: fly-tipping on Howard Street"],
    "recipient_name": "Sam",
}

_TEXT_ENGINE = Engine(autoescape=False, debug=False)


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    text: str
    # Set for a bilingual email laid out side by side; otherwise the HTML is made from the text.
    html_override: str = ""

    @property
    def html(self) -> str:
        """The HTML part of an email, made from the text (only email needs it)."""
        return self.html_override or _html_from_text(self.text)


# --- languages -------------------------------------------------------------------------------
# Context is stored when a message is queued, once for every recipient of a fan-out, but each
# recipient reads in their own language. So a value that depends on the language (a status
# label, a service name, a link) is stored in every language, as {"en-gb": ..., "cy": ...}, and
# chosen when the message is rendered for one recipient.


def in_every_language(build) -> dict:
    """Call ``build()`` (which returns a context dict) in each language; values that differ
    between languages are kept as {language: value}."""
    results = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            results[code] = build()
    first = results[settings.LANGUAGE_CODE]
    context = {}
    for key, value in first.items():
        values = {code: result.get(key, value) for code, result in results.items()}
        context[key] = values if len({str(v) for v in values.values()}) > 1 else value
    return context


def localise(context: dict, language: str) -> dict:
    """``context`` with every per-language value replaced by the one for ``language``."""
    codes = {code for code, _name in settings.LANGUAGES}

    def pick(value):
        if isinstance(value, dict) and value and set(value) <= codes:
            return value.get(language, value.get(settings.LANGUAGE_CODE, ""))
        if isinstance(value, list):
            return [pick(item) for item in value]
        return value

    return {key: pick(value) for key, value in context.items()}


def side_by_side_html(welsh: RenderedMessage, english: RenderedMessage) -> str:
    """A two-column email: Welsh on the left, English on the right (narrow screens stack)."""
    cell = 'style="vertical-align: top; width: 50%; padding: 0 12px" lang="{lang}"'
    return (
        '<table role="presentation" style="width: 100%; border-collapse: collapse"><tr>'
        f"<td {cell.format(lang='cy')}>{welsh.html}</td>"
        f"<td {cell.format(lang='en-GB')}>{english.html}</td>"
        "</tr></table>"
    )


@lru_cache(maxsize=512)
def _compile(source: str):
    return _TEXT_ENGINE.from_string(source)


def check(source: str) -> None:
    """Raise ``TemplateSyntaxError`` if ``source`` is not a valid message template."""
    _compile(source)


def _html_from_text(text: str) -> str:
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    html = []
    for paragraph in paragraphs:
        body = urlize(escape(paragraph)).replace("\n", "<br>\n")
        html.append(f'<p style="font-family: Arial, sans-serif; font-size: 19px">{body}</p>')
    return "\n".join(html)


def source_for(*, council_id: int | None, event: str, channel: str) -> tuple[str, str]:
    """(subject, body) template source, in the active language: the council's own wording or
    the default. A council's own wording is written in English, so in Welsh the default
    (translated) wording is used: a resident who chose Welsh never gets English."""
    in_default = (translation.get_language() or settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE
    if council_id is not None and event != Event.DIRECT and in_default:
        own = (
            MessageTemplate.objects.filter(council_id=council_id, event=event, channel=channel)
            .values_list("subject", "body")
            .first()
        )
        if own:
            default_subject = str(DEFAULTS[event]["subject"])
            return own[0] or default_subject, own[1]
    default = DEFAULTS.get(event, DEFAULTS[Event.DIRECT])
    return str(default["subject"]), str(default["body"])


def render_source(subject_source: str, body_source: str, context: dict) -> RenderedMessage:
    ctx = Context(context, autoescape=False)
    subject = " ".join(_compile(subject_source).render(ctx).split())
    text = _compile(body_source).render(ctx).strip()
    return RenderedMessage(subject=subject, text=text)


def render(*, council_id: int | None, event: str, channel: str, context: dict) -> RenderedMessage:
    subject_source, body_source = source_for(council_id=council_id, event=event, channel=channel)
    return render_sources(subject_source, body_source, context=context, event=event)


def render_sources(
    subject_source: str, body_source: str, *, context: dict, event: str = ""
) -> RenderedMessage:
    try:
        return render_source(subject_source, body_source, context)
    except TemplateSyntaxError:
        # A council template saved before validation existed must not stop messages: fall back.
        default = DEFAULTS.get(event, DEFAULTS[Event.DIRECT])
        return render_source(str(default["subject"]), str(default["body"]), context)


def preview(*, subject: str, body: str, council_name: str, channel: str) -> RenderedMessage:
    context = dict(PREVIEW_CONTEXT, council_name=council_name)
    message = render_source(subject, body, context)
    if channel == Channel.SMS:
        return RenderedMessage(subject="", text=message.text)
    return message
