"""The unread count in the header: one query for a signed-in person, none otherwise.

The count is lazy, so a page that never shows the header never runs the query.
"""

from django.utils.functional import SimpleLazyObject


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"notify_unread_count": 0}

    def count():
        from pocketcouncil.notify.queries import inbox_unread_count

        return inbox_unread_count(user=user)

    return {"notify_unread_count": SimpleLazyObject(count)}
