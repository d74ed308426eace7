"""RSS and Atom feeds of a council's live news and disruptions, for the council or one area."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.councils.models import Area, Council
from pocketcouncil.news import queries


class CouncilNewsFeed(Feed):
    def get_object(self, request, slug: str, area_id: int | None = None):
        try:
            council = councils_queries.council_get(slug)
        except Council.DoesNotExist:
            raise Http404 from None
        area = None
        if area_id is not None:
            area = Area.objects.filter(pk=area_id, council=council).defer("geometry").first()
            if area is None:
                raise Http404
        return council, area

    def title(self, obj):
        council, area = obj
        if area:
            return _("%(council)s: news for %(area)s") % {
                "council": council.name,
                "area": area.name,
            }
        return _("%(council)s: news and service disruptions") % {"council": council.name}

    def link(self, obj):
        return reverse("news:council", args=[obj[0].slug])

    def description(self, obj):
        return _("News and service disruptions from %(council)s.") % {"council": obj[0].name}

    def items(self, obj):
        council, area = obj
        return queries.announcement_list_for_council(council=council, area=area)

    def item_title(self, item):
        prefix = _("Disruption: ") if item.kind == "disruption" else ""
        return prefix + item.title

    def item_description(self, item):
        return queries.render_markdown(item.body)

    def item_link(self, item):
        return reverse("news:detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.starts_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_topic_display()]


class CouncilNewsAtomFeed(CouncilNewsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)
