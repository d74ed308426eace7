"""Recording a question the "Ask us" page could not answer: redacted, and kept up to the
field's size."""

import pytest

from pocketcouncil.ask import actions
from pocketcouncil.ask.models import UnansweredQuestion

pytestmark = pytest.mark.django_db


def test_a_long_question_is_kept_whole_and_redacted(demo):
    words = "the thing by the old mill " * 70  # 1,820 characters
    question = f"{words} email me on sam@example.com about OXF-26-000123 at OX4 3BD"
    row = actions.unanswered_question_record(
        council=demo["oxford"], question=question, offered_lgsl=None
    )
    row.refresh_from_db()
    assert len(row.question) > 1800  # not cut to the front door's 200
    assert row.question.endswith("email me on [email] about [reference] at [postcode]")
    assert "sam@example.com" not in row.question and "000123" not in row.question


def test_a_question_longer_than_the_field_is_cut_to_its_size(demo):
    size = UnansweredQuestion._meta.get_field("question").max_length
    row = actions.unanswered_question_record(
        council=demo["oxford"], question="word " * 1000 + "OX4 3BD", offered_lgsl=None
    )
    assert len(row.question) == size
