from django.urls import include, path

from pocketcouncil.news import feeds, staff, views

news_patterns = [
    path("my-council/", views.place_home, name="place"),
    path("bins/<str:postcode>/calendar.ics", views.bin_calendar, name="calendar"),
    path("news/<int:pk>/", views.announcement_detail, name="detail"),
    path("councils/<slug:slug>/news/", views.council_news, name="council"),
    path("councils/<slug:slug>/news/rss/", feeds.CouncilNewsFeed(), name="feed-rss"),
    path("councils/<slug:slug>/news/atom/", feeds.CouncilNewsAtomFeed(), name="feed-atom"),
    path(
        "councils/<slug:slug>/news/areas/<int:area_id>/rss/",
        feeds.CouncilNewsFeed(),
        name="area-feed-rss",
    ),
    path(
        "councils/<slug:slug>/news/areas/<int:area_id>/atom/",
        feeds.CouncilNewsAtomFeed(),
        name="area-feed-atom",
    ),
    path("offline/", views.offline, name="offline"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    # Staff pages.
    path("staff/<slug:slug>/news/", staff.news_list, name="staff-news"),
    path("staff/<slug:slug>/news/new/", staff.news_new, name="staff-news-new"),
    path("staff/<slug:slug>/news/<int:pk>/end/", staff.news_end, name="staff-news-end"),
    path("staff/<slug:slug>/rounds/", staff.round_list, name="staff-rounds"),
    path("staff/<slug:slug>/rounds/new/", staff.round_new, name="staff-round-new"),
    path("staff/<slug:slug>/rounds/<int:pk>/", staff.round_detail, name="staff-round"),
    path("staff/<slug:slug>/rounds/<int:pk>/edit/", staff.round_edit, name="staff-round-edit"),
    path(
        "staff/<slug:slug>/rounds/<int:pk>/change/", staff.round_change, name="staff-round-change"
    ),
    path(
        "staff/<slug:slug>/rounds/<int:pk>/missed/", staff.round_missed, name="staff-round-missed"
    ),
]

urlpatterns = [path("", include((news_patterns, "news")))]
