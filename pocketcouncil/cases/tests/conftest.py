import pytest

from pocketcouncil.accounts.models import User
from pocketcouncil.councils import queries as councils_queries
from pocketcouncil.services.models import Service

DEMO = "demo.pocketcouncil.example"


@pytest.fixture
def staff(db):
    """staff("case-officer", "oxford") -> the demo user with that role in that council."""

    def get(role: str, council: str) -> User:
        return User.objects.get(email=f"{role}.{council}@{DEMO}")

    return get


@pytest.fixture
def resident(db):
    """resident("amira.khan") -> a demo resident (Amira and Grace are level 2, others 1)."""

    def get(name: str) -> User:
        return User.objects.get(email=f"{name}@{DEMO}")

    return get


@pytest.fixture
def service(db):
    def get(lgsl: int) -> Service:
        return Service.objects.get(lgsl=lgsl)

    return get


@pytest.fixture
def at():
    """at("OX4 3BD") -> dict(lon=..., lat=...) for a demo postcode."""

    def get(postcode: str) -> dict:
        p = councils_queries.postcode_get(postcode)
        return {"lon": p.longitude, "lat": p.latitude}

    return get


# Manchester town hall, inside a Manchester ward.
MANCHESTER = {"lon": -2.2446, "lat": 53.4794}


@pytest.fixture
def report(service, at, resident):
    """report(lgsl=587, ...) makes a case through case_create with sensible defaults."""
    from pocketcouncil.cases import actions

    def make(lgsl: int = 587, where: dict | None = None, who="tom.evans", **kwargs):
        user = resident(who) if isinstance(who, str) else who
        kwargs.setdefault("description", "A pile of black bags and a mattress by the gate.")
        return actions.case_create(
            service=service(lgsl),
            actor=user,
            resident=user,
            **(where if where is not None else at("OX4 3BD")),
            **kwargs,
        )

    return make
