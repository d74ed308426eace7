"""Every status transition, allowed and refused."""

import itertools

import pytest

from pocketcouncil.cases import workflow
from pocketcouncil.cases.workflow import CaseStatus, CaseTransitionNotAllowedError, CloseReason

ALLOWED = {
    ("submitted", "acknowledged"),
    ("submitted", "in_progress"),
    ("submitted", "waiting"),
    ("submitted", "resolved"),
    ("submitted", "closed"),
    ("submitted", "rejected"),
    ("acknowledged", "in_progress"),
    ("acknowledged", "waiting"),
    ("acknowledged", "resolved"),
    ("acknowledged", "closed"),
    ("acknowledged", "rejected"),
    ("in_progress", "waiting"),
    ("in_progress", "resolved"),
    ("in_progress", "closed"),
    ("in_progress", "rejected"),
    ("waiting", "in_progress"),
    ("waiting", "resolved"),
    ("waiting", "closed"),
    ("resolved", "in_progress"),
    ("resolved", "closed"),
    ("closed", "in_progress"),
    ("rejected", "in_progress"),
}


@pytest.mark.parametrize(
    ("current", "to"), list(itertools.product(CaseStatus.values, CaseStatus.values))
)
def test_transition_matrix(current, to):
    reason = CloseReason.UNABLE_TO_FIX if to == CaseStatus.CLOSED else ""
    if (current, to) in ALLOWED:
        workflow.check(current, to, close_reason=reason)
    else:
        with pytest.raises(CaseTransitionNotAllowedError):
            workflow.check(current, to, close_reason=reason)


def test_duplicate_is_final():
    assert workflow.allowed_from(CaseStatus.DUPLICATE) == frozenset()


def test_closing_needs_a_reason_and_only_closing_has_one():
    with pytest.raises(CaseTransitionNotAllowedError, match="Say why"):
        workflow.check("in_progress", "closed")
    with pytest.raises(CaseTransitionNotAllowedError, match="Only a case closed"):
        workflow.check("in_progress", "resolved", close_reason=CloseReason.UNABLE_TO_FIX)


def test_unknown_status_is_refused():
    with pytest.raises(CaseTransitionNotAllowedError, match="not a case status"):
        workflow.check("submitted", "teleported")


def test_fixed_and_closed_without_a_fix_say_so_plainly():
    assert CaseStatus.RESOLVED.label == "Fixed"
    assert CaseStatus.CLOSED.label == "Closed without a fix"
