import pytest

from pocketcouncil.accounts import levels
from pocketcouncil.accounts.levels import Facts


@pytest.mark.parametrize(
    ("facts", "level"),
    [
        (Facts(), 0),
        (Facts(email=True), 1),
        (Facts(email=True, mobile=True), 1),
        (Facts(email=True, mobile=True, address=True), 2),
        (Facts(email=True, mobile=True, address=True, identity=True), 3),
        # Levels build on each other: an identity check alone is not level 3.
        (Facts(email=True, identity=True), 1),
        (Facts(mobile=True, address=True, identity=True), 0),
    ],
)
def test_level_from(facts, level):
    assert levels.level_from(facts) == level


def test_missing_steps_are_only_the_missing_ones_in_order():
    assert levels.missing_steps(Facts(email=True), 2) == ["mobile", "address"]
    assert levels.missing_steps(Facts(email=True, address=True), 2) == ["mobile"]
    assert levels.missing_steps(Facts(), 3) == ["email", "mobile", "address", "identity"]
    assert levels.missing_steps(Facts(email=True, mobile=True, address=True), 2) == []


def test_there_is_no_level_four():
    with pytest.raises(ValueError, match="no assurance level 4"):
        levels.missing_steps(Facts(), 4)
