"""Hostile input against news: staff Markdown never becomes script or raw HTML, announcements
with scripts in them are shown as text to residents, and postcode lookups on public pages
answer anything with a page, never a 500."""

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.core.testing import hostile_settings
from pocketcouncil.news import queries
from pocketcouncil.news.models import Announcement

FAST = hostile_settings(60)

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "a", "h2", "h3", "br", "blockquote"}
ALLOWED_ATTRIBUTES = {"class", "href", "rel"}
SAFE_SCHEMES = ("https:", "http:", "mailto:", "tel:")
C0_AND_SPACE = "".join(map(chr, range(0x21)))

# Pieces attackers use, mixed with Markdown syntax and any text.
HOSTILE_PIECES = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox(1))",
    '[x](https://ok.example "title" onmouseover=alert(1))',
    "![x](https://x.example/a.png)",
    "<iframe src=//x.example></iframe>",
    "<svg/onload=alert(1)>",
    "<style>body{display:none}</style>",
    '<p onclick="alert(1)">hi</p>',
    "<!-- <script>x</script> -->",
    "&lt;script&gt;",
    "<div><p>raw</p></div>",
    "`<script>`",
    "    <script>indented</script>",
    "<<script>script>alert(1)<</script>/script>",
    "[a]: javascript:alert(1)\n\n[x][a]",
    "<https://ok.example>",
    "<javascript:alert(1)>",
    "**bold** _em_ - list\n- item",
    "## Heading\n\n> quote",
    "\x00",
    "\n\n",
]
markdown_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE_PIECES), st.text(max_size=20)), max_size=8
).map("".join)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


@FAST
@given(text=markdown_text)
def test_markdown_never_gives_script_handlers_or_raw_html(text):
    html = str(queries.render_markdown(text))
    lowered = html.lower()
    assert "<script" not in lowered and "<iframe" not in lowered and "<img" not in lowered
    assert "<style" not in lowered and "<svg" not in lowered and "<div" not in lowered
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert name in ALLOWED_ATTRIBUTES, (tag, name)
            if name == "href":
                # As a browser reads it: tabs and newlines dropped, outer spaces and controls
                # trimmed; then any scheme must be a safe one.
                target = re.sub(r"[\t\n\r]", "", value or "").strip(C0_AND_SPACE).lower()
                scheme = re.match(r"[a-z][a-z0-9+.\-]*:", target)
                assert scheme is None or target.startswith(SAFE_SCHEMES), value


@pytest.mark.parametrize(
    "text",
    [
        "[x](javascript:alert(1))",
        "[x](java\tscript:alert(1))",
        '<a href="java&#9;script:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        "<javascript:alert(1)>",
    ],
)
def test_javascript_links_lose_their_target(text):
    assert "javascript:" not in str(queries.render_markdown(text)).lower()


# ---------------------------------------------------------------------------------------------
# Staff form, and what residents then see

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.mark.django_db
def test_a_script_in_an_announcement_is_text_everywhere_residents_see_it(client, staff, demo):
    staff_client = Client()
    sign_in_with_mfa(staff_client, staff("council-admin", "oxford"))
    response = staff_client.post(
        reverse("news:staff-news-new", args=["oxford"]),
        {"kind": "news", "title": EVIL[:120], "body": EVIL, "topic": "parks"},
    )
    assert response.status_code == 302
    item = Announcement.objects.get(council=demo["oxford"], body=EVIL)
    pages = [
        reverse("news:detail", args=[item.pk]),
        reverse("news:council", args=["oxford"]),
        reverse("news:feed-rss", args=["oxford"]),
        reverse("news:feed-atom", args=["oxford"]),
        reverse("news:place") + "?postcode=OX4+3BD",
    ]
    for url in pages:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
    detail = client.get(pages[0]).content.decode()
    assert "&lt;script&gt;" in detail  # the title is shown, as text


@pytest.mark.django_db
@hostile_settings(25)
@given(
    title=st.text(max_size=200),
    body=st.text(max_size=300),
    kind=st.text(max_size=10),
    topic=st.text(max_size=10),
    starts_on=st.text(max_size=12),
    areas=st.lists(st.text(max_size=12), max_size=3),
)
def test_the_news_form_refuses_junk_plainly(
    client, staff, title, body, kind, topic, starts_on, areas
):
    sign_in_with_mfa(client, staff("council-admin", "oxford"))
    before = Announcement.objects.count()
    response = client.post(
        reverse("news:staff-news-new", args=["oxford"]),
        {
            "kind": kind,
            "title": title,
            "body": body,
            "topic": topic,
            "starts_on": starts_on,
            "areas": areas,
        },
    )
    # A random kind or topic is never a real choice, so every one of these is refused.
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert Announcement.objects.count() == before


@pytest.mark.django_db
def test_another_councils_areas_cannot_be_chosen(client, staff, demo):
    from pocketcouncil.councils.models import Area

    sign_in_with_mfa(client, staff("council-admin", "oxford"))
    manchester_ward = Area.objects.filter(council=demo["manchester"]).first()
    before = Announcement.objects.count()
    response = client.post(
        reverse("news:staff-news-new", args=["oxford"]),
        {
            "kind": "news",
            "title": "Hi",
            "body": "Hi",
            "topic": "parks",
            "areas": [manchester_ward.pk],
        },
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert Announcement.objects.count() == before


@pytest.mark.django_db
def test_the_news_form_needs_a_csrf_token(staff):
    client = Client(enforce_csrf_checks=True)
    sign_in_with_mfa(client, staff("council-admin", "oxford"))
    before = Announcement.objects.count()
    response = client.post(
        reverse("news:staff-news-new", args=["oxford"]),
        {"kind": "news", "title": "Hi", "body": "Hi", "topic": "parks"},
    )
    assert response.status_code == 403
    assert Announcement.objects.count() == before


# ---------------------------------------------------------------------------------------------
# Postcodes on public pages

postcode_text = st.one_of(
    st.text(max_size=12),
    st.text(max_size=2000),
    st.sampled_from(["OX4 3BD", "ox43bd", "OX4\x003BD", "' OR 1=1 --", "M1 1AA", "ZZ99 9ZZ"]),
)


@pytest.mark.django_db
@FAST
@given(postcode=postcode_text)
def test_place_page_answers_any_postcode_with_a_page(client, postcode):
    response = client.get(reverse("news:place"), {"postcode": postcode})
    assert response.status_code == 200
    html = response.content.decode()
    if postcode.strip() and "govuk-error-summary" not in html:
        assert "Bin" in html or "bin" in html


@pytest.mark.django_db
@FAST
@given(postcode=postcode_text.filter(lambda p: p and "/" not in p))
def test_bin_calendar_answers_any_postcode_with_a_calendar_or_404(client, postcode):
    url = reverse("news:calendar", args=["PLACEHOLDER"]).replace(
        "PLACEHOLDER", quote(postcode, safe="")
    )
    response = client.get(url)
    assert response.status_code in (200, 404)
    if response.status_code == 200:
        assert response["Content-Type"].startswith("text/calendar")


@pytest.mark.django_db
@pytest.mark.parametrize("pk", ["0", "9" * 30, "-1"])
def test_guessed_announcement_ids_are_404(client, pk):
    response = client.get(f"/news/{pk}/")
    assert response.status_code == 404
