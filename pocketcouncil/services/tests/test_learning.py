"""Learning from staff corrections: training pairs, services_learn, the boost, the staff page."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from pocketcouncil.accounts.models import User
from pocketcouncil.accounts.tests.helpers import sign_in_with_mfa
from pocketcouncil.services import actions, queries
from pocketcouncil.services.models import LearnedPhrase, Service, TrainingPair
from pocketcouncil.services.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


class TestTrainingPair:
    def test_recorded_redacted_and_up_to_2000_characters(self, council):
        service = ServiceFactory()
        text = "Email me at someone@example.com about it. " + "word " * 600
        pair = actions.training_pair_record(
            council=council, service=service, previous_service=None, text=text, actor=None
        )
        assert "@" not in pair.text and "[email]" in pair.text
        assert len(pair.text) == 2000
        assert TrainingPair.objects.filter(council=council, service=service).count() == 1

    def test_nothing_to_learn_from_blank_text(self, council):
        service = ServiceFactory()
        assert (
            actions.training_pair_record(
                council=council, service=service, previous_service=None, text="  ", actor=None
            )
            is None
        )
        assert not TrainingPair.objects.exists()


def teach(council, service, texts, previous=None):
    for text in texts:
        actions.training_pair_record(
            council=council, service=service, previous_service=previous, text=text, actor=None
        )


GULLY = [
    "The grating outside number 4 is blocked and smells",
    "blocked grating on Hall Road, water everywhere",
    "Grating full of leaves again",
]


class TestLearn:
    def test_a_word_in_three_pairs_is_learned(self, demo):
        oxford = demo["oxford"]
        bins = Service.objects.get(lgsl=524)
        teach(oxford, bins, GULLY)
        result = actions.learned_phrases_learn(council=oxford)
        learned = LearnedPhrase.objects.get(council=oxford, service=bins, phrase="grating")
        assert learned.evidence == 3 and learned.active
        assert "grating" in result.added
        # Two pairs are not enough.
        assert not LearnedPhrase.objects.filter(phrase="blocked").exists()

    def test_a_word_that_leads_everywhere_is_not_learned(self, demo):
        oxford = demo["oxford"]
        bins, litter = Service.objects.get(lgsl=524), Service.objects.get(lgsl=582)
        teach(oxford, bins, [f"grating trouble {n}" for n in range(3)])
        teach(oxford, litter, [f"grating mess {n}" for n in range(3)])
        actions.learned_phrases_learn(council=oxford)
        assert not LearnedPhrase.objects.filter(phrase="grating").exists()

    def test_dry_run_writes_nothing_and_councils_are_kept_apart(self, demo):
        oxford, manchester = demo["oxford"], demo["manchester"]
        bins = Service.objects.get(lgsl=524)
        teach(oxford, bins, GULLY)
        out = StringIO()
        call_command("services_learn", "--dry-run", stdout=out)
        assert "oxford: 3 training pairs; " in out.getvalue()
        assert "Dry run" in out.getvalue()
        assert not LearnedPhrase.objects.exists()
        call_command("services_learn", "--council", "manchester", stdout=StringIO())
        assert not LearnedPhrase.objects.exists()
        call_command("services_learn", stdout=StringIO())
        assert LearnedPhrase.objects.filter(council=oxford).exists()
        assert not LearnedPhrase.objects.filter(council=manchester).exists()

    def test_switched_off_stays_off_and_discarded_pairs_drop_phrases(self, demo):
        oxford = demo["oxford"]
        bins = Service.objects.get(lgsl=524)
        teach(oxford, bins, GULLY)
        actions.learned_phrases_learn(council=oxford)
        grating = LearnedPhrase.objects.get(phrase="grating")
        actions.learned_phrase_deactivate(phrase=grating, actor=None)
        actions.learned_phrases_learn(council=oxford)
        grating.refresh_from_db()
        assert not grating.active and grating.deactivated_at
        leaves = LearnedPhrase.objects.filter(phrase__startswith="lea")
        assert not leaves.exists()  # one pair only
        pair = TrainingPair.objects.filter(text__contains="smells").get()
        actions.training_pair_discard(pair=pair, actor=None)
        teach(oxford, bins, ["blocked drain", "blocked again", "blocked up"])
        actions.learned_phrases_learn(council=oxford)
        assert LearnedPhrase.objects.get(phrase="blocked").evidence == 4
        assert LearnedPhrase.objects.filter(phrase="grating", active=False).exists()


class TestBoost:
    QUERY = "there is a grating problem by my house"

    def lgsls(self, council):
        return [r.lgsl for r in queries.front_door_search(text=self.QUERY, council=council).results]

    def test_learned_phrase_lifts_the_service_for_that_council_only(self, demo):
        oxford, manchester = demo["oxford"], demo["manchester"]
        bins = Service.objects.get(lgsl=524)
        before_oxford = self.lgsls(oxford)
        before_manchester = self.lgsls(manchester)
        assert 524 not in before_oxford[:3]
        teach(oxford, bins, GULLY)
        actions.learned_phrases_learn(council=oxford)
        assert 524 in self.lgsls(oxford)[:3]
        assert self.lgsls(manchester) == before_manchester
        actions.learned_phrase_deactivate(
            phrase=LearnedPhrase.objects.get(phrase="grating"), actor=None
        )
        assert self.lgsls(oxford) == before_oxford


def person(name):
    return User.objects.get(email=f"{name}@demo.pocketcouncil.example")


class TestStaffPage:
    def learned(self, demo):
        oxford = demo["oxford"]
        teach(oxford, Service.objects.get(lgsl=524), GULLY)
        actions.learned_phrases_learn(council=oxford)
        return LearnedPhrase.objects.get(phrase="grating")

    def test_a_service_manager_sees_and_undoes_what_was_learned(self, client, demo):
        phrase = self.learned(demo)
        manager = person("service-manager.oxford")
        sign_in_with_mfa(client, manager)
        page = client.get(reverse("services:staff-learning", args=["oxford"]))
        assert page.status_code == 200
        html = page.content.decode()
        assert "grating" in html and "Grating full of leaves again" in html
        response = client.post(reverse("services:staff-learning-off", args=["oxford", phrase.pk]))
        assert response.status_code == 302
        phrase.refresh_from_db()
        assert not phrase.active and phrase.deactivated_by == manager
        assert (
            "Switched off by"
            in client.get(reverse("services:staff-learning", args=["oxford"])).content.decode()
        )

    def test_discard_a_pair(self, client, demo):
        self.learned(demo)
        manager = person("service-manager.oxford")
        sign_in_with_mfa(client, manager)
        pair = TrainingPair.objects.filter(text__contains="smells").get()
        url = reverse("services:staff-learning-discard", args=["oxford", pair.pk])
        assert client.post(url).status_code == 302
        pair.refresh_from_db()
        assert pair.discarded_at and pair.discarded_by == manager
        html = client.get(reverse("services:staff-learning", args=["oxford"])).content.decode()
        assert "smells" not in html

    @pytest.mark.parametrize("who", ["service-manager.manchester", "case-officer.oxford"])
    def test_others_are_refused(self, client, demo, who):
        phrase = self.learned(demo)
        pair = TrainingPair.objects.first()
        sign_in_with_mfa(client, person(who))
        assert client.get(reverse("services:staff-learning", args=["oxford"])).status_code == 403
        off = reverse("services:staff-learning-off", args=["oxford", phrase.pk])
        assert client.post(off).status_code == 403
        discard = reverse("services:staff-learning-discard", args=["oxford", pair.pk])
        assert client.post(discard).status_code == 403
        phrase.refresh_from_db()
        pair.refresh_from_db()
        assert phrase.active and pair.discarded_at is None

    def test_another_councils_phrase_is_not_found_under_mine(self, client, demo):
        phrase = self.learned(demo)
        sign_in_with_mfa(client, person("service-manager.manchester"))
        off = reverse("services:staff-learning-off", args=["manchester", phrase.pk])
        assert client.post(off).status_code == 404
        phrase.refresh_from_db()
        assert phrase.active
