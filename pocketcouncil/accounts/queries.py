"""Reads other apps need from ``accounts``: a resident's level, places, interests, channels.

These never create rows: a resident who has told us nothing gets empty lists and the defaults.
"""

from __future__ import annotations

from dataclasses import dataclass

from allauth.account.models import EmailAddress

from pocketcouncil.accounts import levels
from pocketcouncil.accounts.models import (
    AccountEvent,
    Channel,
    ChannelPreference,
    Interest,
    LevelRecord,
    Place,
    PlaceKind,
    Profile,
    StaffRole,
    Topic,
    User,
)

# Channels a resident gets messages through until they say otherwise.
DEFAULT_CHANNELS = {
    Channel.EMAIL: True,
    Channel.SMS: False,
    Channel.PUSH: False,
    Channel.IN_APP: True,
}


def profile_get(user: User) -> Profile:
    """The resident's profile; an unsaved empty one if they have told us nothing yet."""
    try:
        return Profile.objects.select_related("identity_verified_by").get(user=user)
    except Profile.DoesNotExist:
        return Profile(user=user)


def facts_for(user) -> levels.Facts:
    """What has been checked for this person (nothing, if they are not signed in)."""
    if user is None or not user.is_authenticated:
        return levels.Facts()
    profile = profile_get(user)
    return levels.Facts(
        email=EmailAddress.objects.filter(user=user, verified=True, primary=True).exists(),
        mobile=profile.mobile_verified_at is not None,
        address=Place.objects.filter(
            user=user, kind=PlaceKind.HOME, in_council_area_at__isnull=False
        ).exists(),
        identity=profile.identity_verified_at is not None,
    )


def level_for(user) -> int:
    """The person's assurance level now (0 if not signed in)."""
    return levels.level_from(facts_for(user))


def level_records_for(user: User) -> list[LevelRecord]:
    """How and when each level was reached (and lost), newest first."""
    return list(
        LevelRecord.objects.filter(user=user)
        .select_related("verified_by")
        .order_by("-reached_at", "-pk")
    )


def places_for(user: User) -> list[Place]:
    """The resident's places, home first."""
    if not user.is_authenticated:
        return []
    places = list(Place.objects.filter(user=user))
    return sorted(places, key=lambda p: (p.kind != PlaceKind.HOME, p.name.lower(), p.pk))


def home_for(user: User) -> Place | None:
    return Place.objects.filter(user=user, kind=PlaceKind.HOME).first()


def home_ward(user: User, council):
    """The ward of this council holding the person's checked home address, or None."""
    from pocketcouncil.councils import queries as councils

    home = home_for(user)
    if home is None or home.in_council_area_at is None:
        return None
    return next(
        (
            a
            for a in councils.areas_containing(
                lon=home.longitude, lat=home.latitude, kinds=["ward"]
            )
            if a.council_id == council.pk
        ),
        None,
    )


def interests_for(user: User) -> list[str]:
    """The topics (``Topic`` values) the resident follows."""
    if not user.is_authenticated:
        return []
    return list(Interest.objects.filter(user=user).values_list("topic", flat=True))


def topics() -> list[tuple[str, str]]:
    return list(Topic.choices)


def channel_preferences_for(user: User) -> dict[str, bool]:
    """Every channel with whether the resident wants messages through it (defaults filled in).

    SMS is only on if the resident also has a checked mobile number.
    """
    chosen = dict(DEFAULT_CHANNELS)
    if not user.is_authenticated:
        return {str(k): v for k, v in chosen.items()}
    chosen.update(ChannelPreference.objects.filter(user=user).values_list("channel", "enabled"))
    if chosen.get(Channel.SMS) and profile_get(user).mobile_verified_at is None:
        chosen[Channel.SMS] = False
    return {str(k): v for k, v in chosen.items()}


def verified_mobile_for(user: User) -> str | None:
    """The resident's checked mobile number (E.164), or None."""
    profile = profile_get(user)
    return profile.mobile if profile.mobile_verified_at else None


@dataclass(frozen=True)
class LevelAndHome:
    level: int
    # The checked home address's point (longitude, latitude), or None.
    home: tuple[float, float] | None


def levels_and_homes_for(user_ids) -> dict[int, LevelAndHome]:
    """For many people at once (counting who took part by level and area): each one's assurance
    level now and the point of their checked home address. Three queries, whatever the number."""
    ids = list(user_ids)
    emails = set(
        EmailAddress.objects.filter(user_id__in=ids, verified=True, primary=True).values_list(
            "user_id", flat=True
        )
    )
    profiles = {
        user_id: (mobile_at is not None, identity_at is not None)
        for user_id, mobile_at, identity_at in Profile.objects.filter(user_id__in=ids).values_list(
            "user_id", "mobile_verified_at", "identity_verified_at"
        )
    }
    homes = {
        user_id: (lon, lat)
        for user_id, lon, lat in Place.objects.filter(
            user_id__in=ids, kind=PlaceKind.HOME, in_council_area_at__isnull=False
        )
        .order_by("pk")
        .values_list("user_id", "longitude", "latitude")
    }
    result = {}
    for user_id in ids:
        mobile, identity = profiles.get(user_id, (False, False))
        facts = levels.Facts(
            email=user_id in emails, mobile=mobile, address=user_id in homes, identity=identity
        )
        result[user_id] = LevelAndHome(level=levels.level_from(facts), home=homes.get(user_id))
    return result


def account_events_for(user: User, limit: int = 50) -> list[AccountEvent]:
    return list(AccountEvent.objects.filter(user=user).select_related("actor", "council")[:limit])


def user_find_by_email(email: str) -> User | None:
    """For staff: the account with this email address (any of its addresses), or None."""
    email = (email or "").strip()
    if not email:
        return None
    user = User.objects.filter(email__iexact=email).first()
    if user:
        return user
    address = EmailAddress.objects.filter(email__iexact=email).select_related("user").first()
    return address.user if address else None


def staff_roles_for_council(council) -> list[StaffRole]:
    """Everyone with a role in ``council``, by name."""
    return list(
        StaffRole.objects.filter(council=council)
        .select_related("user", "team", "granted_by")
        .order_by("user__full_name", "user__email", "role")
    )


@dataclass(frozen=True)
class Actor:
    """Who did something: ``user`` (whose account it is) and, if different, ``done_by``."""

    user: User
    done_by: User | None = None

    @property
    def on_behalf(self) -> bool:
        return self.done_by is not None and self.done_by.pk != self.user.pk


def user_find_by_verified_email(email: str) -> User | None:
    """The account that has checked it owns this email address, or None (issue 21: a message
    from an address links to an account only once the address is verified)."""
    email = (email or "").strip()
    if not email:
        return None
    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True)
        .select_related("user")
        .first()
    )
    return address.user if address else None


def user_find_by_verified_mobile(number: str) -> User | None:
    """The account whose checked mobile number this is (E.164, like +447700900123), or None."""
    number = (number or "").strip()
    if not number:
        return None
    profile = (
        Profile.objects.filter(mobile=number, mobile_verified_at__isnull=False)
        .select_related("user")
        .first()
    )
    return profile.user if profile else None
