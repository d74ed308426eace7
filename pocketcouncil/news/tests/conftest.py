import pytest

from pocketcouncil.accounts.models import User
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.news import queries

DEMO = "demo.pocketcouncil.example"


@pytest.fixture
def staff(db):
    """staff("council-admin", "oxford") -> the demo user with that role in that council."""

    def get(role: str, council: str) -> User:
        return User.objects.get(email=f"{role}.{council}@{DEMO}")

    return get


@pytest.fixture
def place(db):
    """place("OX4 3BD") -> news.queries.Whereabouts for a demo postcode."""

    def get(postcode: str) -> queries.Whereabouts:
        p = councils_queries.postcode_get(postcode)
        return queries.whereabouts(lon=p.longitude, lat=p.latitude)

    return get


@pytest.fixture
def resident(db, django_user_model):
    """A resident with a home in OX4 3BD (Oxford and Oxfordshire)."""
    from pocketcouncil.accounts.models import Place, PlaceKind

    user = django_user_model.objects.create(email="resident@example.com", full_name="Rosa")
    p = councils_queries.postcode_get("OX4 3BD")
    Place.objects.create(
        user=user,
        kind=PlaceKind.HOME,
        address="1 Test Street",
        postcode="OX4 3BD",
        longitude=p.longitude,
        latitude=p.latitude,
    )
    return user
