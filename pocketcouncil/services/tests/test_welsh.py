"""The front door in Welsh: a resident who writes in Welsh finds the right service."""

import pytest

from pocketcouncil.services import evaluation, queries, welsh

TUNING = welsh.EVALUATION / "tuning.csv"
HOLDOUT = welsh.EVALUATION / "holdout.csv"
# From the measurements in docs/benchmarks.md ("The front door in Welsh"): 100 % top-3 on both
# sets. A floor a little under leaves room for a changed catalogue (about 3 tuning phrasings, or
# 4 held-out ones) without letting the Welsh front door quietly fall below the 0.85 target.
TUNING_TOP3_FLOOR = 0.98
HOLDOUT_TOP3_FLOOR = 0.95


def _lgsl(text, **kwargs):
    return [r.lgsl for r in queries.front_door_search(text=text, limit=3, **kwargs).results]


@pytest.mark.parametrize(
    "text",
    [
        "mae twll yn y ffordd",
        "dydy'r bin ddim wedi cael ei gasglu",
        "treth gyngor",
        "ble mae'r llyfrgell",
        "baw cŵn ar y llwybr",
        "tipio anghyfreithlon",
    ],
)
def test_welsh_is_detected(text):
    assert welsh.detect_language(text) == "cy"


@pytest.mark.parametrize(
    "text",
    [
        "bins not emptied",
        "there is a hole in the road",
        "council tax",
        "graffiti",
        "pothole outside my house",
        "missed bin",
        "tip opening times",
        "",
    ],
)
def test_english_is_detected_and_left_alone(text):
    assert welsh.detect_language(text) == "en"
    assert welsh.search_text(text) == text


def test_mutated_words_are_found_in_their_dictionary_form():
    assert {"bin", "min"} <= welsh.radicals("fin")
    assert "casglu" in welsh.radicals("gasglu")
    assert "casgliad" in welsh.radicals("nghasgliad")
    assert "treth" in welsh.radicals("dreth")
    assert "parcio" in welsh.radicals("pharcio")
    assert "gardd" in welsh.radicals("ardd")


def test_welsh_names_and_synonyms_name_their_service():
    assert welsh.services_named("mae fy min heb ei gasglu") == [524]
    assert welsh.services_named("twll yn yr heol") == [557]
    assert welsh.services_named("mae lleithder yn y ty cyngor") == [141]
    assert welsh.services_named("dim byd perthnasol yma") == []


def test_every_service_in_the_vocabulary_is_in_the_catalogue(db):
    from pocketcouncil.services.models import Service

    codes = set(welsh.vocabulary().services)
    assert len(codes) >= 40
    assert codes <= set(Service.objects.values_list("lgsl", flat=True))


@pytest.mark.django_db
def test_the_issue_example_finds_potholes():
    assert _lgsl("mae twll yn y ffordd")[0] == 557


@pytest.mark.django_db
def test_a_welsh_query_finds_the_council_responsible(demo):
    found = queries.front_door_search(text="biniau heb eu casglu", council=demo["oxford"])
    assert found.results[0].lgsl == 524
    assert found.results[0].council == demo["oxford"]


@pytest.mark.django_db
def test_tuning_top3_accuracy_stays_above_the_floor():
    phrasings = evaluation.load_phrasings(TUNING)
    assert len(phrasings) >= 150
    result = evaluation.evaluate(_lgsl, phrasings)
    assert result.top3_rate >= TUNING_TOP3_FLOOR, result.misses


@pytest.mark.django_db
def test_held_out_top3_accuracy_stays_above_its_floor():
    phrasings = evaluation.load_phrasings(HOLDOUT)
    assert len(phrasings) >= 80
    assert len({p.lgsl for p in phrasings}) >= 40
    result = evaluation.evaluate(_lgsl, phrasings)
    assert result.top3_rate >= HOLDOUT_TOP3_FLOOR, result.misses


def test_the_sets_are_kept_apart():
    tuning = {p.query for p in evaluation.load_phrasings(TUNING)}
    holdout = {p.query for p in evaluation.load_phrasings(HOLDOUT)}
    assert not tuning & holdout


@pytest.mark.django_db
def test_the_search_api_understands_welsh(client):
    data = client.get("/api/v1/services/search", {"q": "twll yn y ffordd", "council": "oxford"})
    assert data.status_code == 200
    assert data.json()["results"][0]["lgsl"] == 557
