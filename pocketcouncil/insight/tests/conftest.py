import pytest

from pocketcouncil.accounts.tests.factories import UserFactory
from pocketcouncil.cases.tests.conftest import at, resident, service, staff  # noqa: F401


@pytest.fixture
def someone(db):
    """A resident with no history, so no earlier demo case makes their report a repeat."""
    return UserFactory()


@pytest.fixture
def report(service, at, someone):  # noqa: F811
    """report(...) makes a fly-tipping case in Oxford through case_create, by ``someone``."""
    from pocketcouncil.cases import actions

    def make(lgsl: int = 587, who=None, **kwargs):
        user = who or someone
        kwargs.setdefault("description", "A pile of black bags and a mattress by the gate.")
        return actions.case_create(
            service=service(lgsl), actor=user, resident=user, **at("OX4 3BD"), **kwargs
        )

    return make
