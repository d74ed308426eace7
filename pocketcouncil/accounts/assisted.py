"""Assisted digital, for other apps: who did this, and on whose behalf?

    from pocketcouncil.accounts import assisted

    who = assisted.actor_for(request)
    CaseEvent.objects.create(..., resident=who.user, actor=who.done_by or who.user)
    # template: {% if who.on_behalf %}done by {{ who.done_by }} for {{ who.user }}{% endif %}

While a member of staff acts for a resident, ``request.user`` is the resident and
``actor_for(request).done_by`` the member of staff. Otherwise ``done_by`` is None.
"""

from __future__ import annotations

from pocketcouncil.accounts.queries import Actor


def acting_staff(request):
    """The member of staff acting for the signed-in resident, or None."""
    return getattr(request, "staff_user", None)


def assisted_session(request):
    """The ``AssistedSession`` in progress (council, reason, start), or None."""
    return getattr(request, "assisted_session", None)


def actor_for(request) -> Actor:
    """Who is acting: ``user`` is whose account it is; ``done_by`` the staff member, if any."""
    return Actor(user=request.user, done_by=acting_staff(request))


def describe(actor: Actor) -> str:
    """'Tom Evans', or 'done by Case officer (Oxford) on behalf of Tom Evans'."""
    from django.utils.translation import gettext as _

    if actor.on_behalf:
        return _("done by %(staff)s on behalf of %(resident)s") % {
            "staff": actor.done_by,
            "resident": actor.user,
        }
    return str(actor.user)
