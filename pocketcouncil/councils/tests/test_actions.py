"""Adding a council: clashes refused in plain words, Welsh names, every change audited."""

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from pocketcouncil.accounts.tests.factories import UserFactory
from pocketcouncil.councils import actions
from pocketcouncil.councils.models import (
    Council,
    CouncilAuditAction,
    CouncilAuditEntry,
    CouncilTier,
)

pytestmark = pytest.mark.django_db


def _add(**overrides):
    values = {
        "slug": "cherwell",
        "name": "Cherwell District Council",
        "gss": "E07000177",
        "tier": CouncilTier.UNITARY,
        "actor": None,
    }
    return actions.council_add(**{**values, **overrides})


def test_a_council_is_added_and_audited():
    council = _add()
    assert council.slug == "cherwell"
    assert council.gss_code == "E07000177"
    assert council.case_reference_prefix == "CHE"
    entry = CouncilAuditEntry.objects.get(council=council)
    assert entry.action == CouncilAuditAction.COUNCIL_ADDED
    assert entry.actor is None
    assert entry.actor_label == "command line"
    assert entry.before == {}
    assert entry.after["slug"] == "cherwell"
    assert entry.after["gss_code"] == "E07000177"


def test_a_district_under_a_county(demo):
    council = _add(tier=CouncilTier.DISTRICT, parent="oxfordshire")
    assert council.upper_tier == demo["oxfordshire"]


def test_the_welsh_name_shows_on_welsh_pages_and_english_elsewhere():
    council = _add(
        slug="cardiff", name="Cardiff Council", name_cy="Cyngor Caerdydd", gss="W06000015"
    )
    with translation.override("cy"):
        assert Council.objects.get(pk=council.pk).name == "Cyngor Caerdydd"
    with translation.override("en-gb"):
        assert Council.objects.get(pk=council.pk).name == "Cardiff Council"
    english_only = _add()
    with translation.override("cy"):
        assert Council.objects.get(pk=english_only.pk).name == "Cherwell District Council"


def test_a_slug_clash_is_refused_with_the_other_council_named(demo):
    with pytest.raises(actions.CouncilSlugTakenError, match="already used by Oxford City Council"):
        _add(slug="oxford")
    assert not Council.objects.filter(gss_code="E07000177").exists()


def test_a_gss_clash_is_refused(council):
    council.gss_code = "E07000177"
    council.save()
    with pytest.raises(actions.CouncilGssTakenError, match=f"already belongs to {council.name}"):
        _add()
    assert not Council.objects.filter(slug="cherwell").exists()
    assert not CouncilAuditEntry.objects.filter(after__slug="cherwell").exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "Cherwell DC"}, "can only have lower-case letters"),
        ({"slug": ""}, "can only have lower-case letters"),
        ({"gss": "123"}, "is not a GSS code"),
        ({"tier": "parish"}, "The tier must be one of"),
        ({"name": " "}, "Give the council's name"),
        ({"parent": "nowhere", "tier": CouncilTier.DISTRICT}, "no council with the short name"),
        ({"parent": "oxford", "tier": CouncilTier.DISTRICT}, "is not a county council"),
        ({"parent": "oxfordshire"}, "Only a district council sits under a county"),
        ({"name": "Oxford City Council (demo)"}, "already on the platform"),
    ],
)
def test_bad_values_are_refused_in_plain_words(demo, overrides, message):
    with pytest.raises(actions.CouncilAddError, match=message):
        _add(**overrides)


def test_only_a_platform_operator_may_add_a_council():
    with pytest.raises(PermissionDenied):
        _add(actor=UserFactory())
    operator = UserFactory(is_superuser=True)
    council = _add(actor=operator)
    entry = CouncilAuditEntry.objects.get(council=council)
    assert entry.actor == operator
    assert entry.actor_label == operator.email


def test_reference_prefixes_never_clash(demo):
    first = _add(slug="oxon-one", gss="E07000001")
    second = _add(slug="oxon-two", name="Another", gss="E07000002")
    assert first.case_reference_prefix != second.case_reference_prefix


def test_the_audit_trail_is_append_only():
    _add()
    entry = CouncilAuditEntry.objects.get(after__slug="cherwell")
    entry.note = "changed"
    with pytest.raises(TypeError):
        entry.save()
    with pytest.raises(TypeError):
        entry.delete()
    with pytest.raises(TypeError):
        CouncilAuditEntry.objects.all().update(note="x")
    with pytest.raises(TypeError):
        CouncilAuditEntry.objects.all().delete()


def test_place_search_finds_welsh_and_english_names_on_any_page(council):
    from pocketcouncil.councils import queries
    from pocketcouncil.councils.tests.factories import AreaFactory

    area = AreaFactory(council=council, name="Splott", name_cy="Sblot", kind="ward")
    for language in ("en-gb", "cy"):
        with translation.override(language):
            assert area in queries.place_search("Sblot")
            assert area in queries.place_search("Splott")
