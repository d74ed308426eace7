"""Values every page template needs."""

from django.conf import settings


def site(request):
    """The site's name, the council a page belongs to (if any) and the navigation."""
    council = getattr(request, "council", None)
    return {
        "site_name": "Pocket Council",
        "page_council": council,
        "site_url": settings.POCKETCOUNCIL_SITE_URL,
    }
