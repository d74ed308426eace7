"""The allowed status transitions of a case. Pure Python: no database, no permissions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for your reply")
    RESOLVED = "resolved", _("Fixed")
    CLOSED = "closed", _("Closed without a fix")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


class CloseReason(models.TextChoices):
    """Why a case was closed without a fix. Each says so plainly to the resident."""

    NOT_RESPONSIBLE = "not_responsible", _("This is not the council's responsibility")
    UNABLE_TO_FIX = "unable_to_fix", _("The council is unable to fix this")
    WITHDRAWN = "withdrawn", _("Withdrawn by the person who reported it")
    NO_REPLY = "no_reply", _("We did not hear back from the person who reported it")


OPEN = frozenset(
    {CaseStatus.SUBMITTED, CaseStatus.ACKNOWLEDGED, CaseStatus.IN_PROGRESS, CaseStatus.WAITING}
)
# The open statuses in a fixed order: queries and the partial indexes over open cases must
# spell the condition identically, or SQLite will not use the indexes.
OPEN_STATUSES = tuple(sorted(OPEN))
FINISHED = frozenset(
    {CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.REJECTED, CaseStatus.DUPLICATE}
)
# Statuses a resident can reopen ("it is not fixed") within the reopen period.
REOPENABLE = frozenset({CaseStatus.RESOLVED, CaseStatus.CLOSED})

# Duplicate is reached only by merging (case_merge), never by a plain status change.
_ALLOWED: dict[str, frozenset[str]] = {
    CaseStatus.SUBMITTED: frozenset(
        {
            CaseStatus.ACKNOWLEDGED,
            CaseStatus.IN_PROGRESS,
            CaseStatus.WAITING,
            CaseStatus.RESOLVED,
            CaseStatus.CLOSED,
            CaseStatus.REJECTED,
        }
    ),
    CaseStatus.ACKNOWLEDGED: frozenset(
        {
            CaseStatus.IN_PROGRESS,
            CaseStatus.WAITING,
            CaseStatus.RESOLVED,
            CaseStatus.CLOSED,
            CaseStatus.REJECTED,
        }
    ),
    CaseStatus.IN_PROGRESS: frozenset(
        {CaseStatus.WAITING, CaseStatus.RESOLVED, CaseStatus.CLOSED, CaseStatus.REJECTED}
    ),
    CaseStatus.WAITING: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.RESOLVED, CaseStatus.CLOSED}),
    CaseStatus.RESOLVED: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset({CaseStatus.IN_PROGRESS}),
    CaseStatus.REJECTED: frozenset({CaseStatus.IN_PROGRESS}),
    CaseStatus.DUPLICATE: frozenset(),
}


class CaseTransitionNotAllowedError(ValueError):
    """A status change the workflow does not allow (e.g. from Duplicate, or a forged form)."""


def allowed_from(status: str) -> frozenset[str]:
    return _ALLOWED.get(status, frozenset())


def check(current: str, to: str, *, close_reason: str = "") -> None:
    """Raise ``CaseTransitionNotAllowedError`` unless ``current`` -> ``to`` is allowed."""
    if to not in CaseStatus.values:
        raise CaseTransitionNotAllowedError(f"{to!r} is not a case status.")
    if to not in allowed_from(current):
        raise CaseTransitionNotAllowedError(
            f"A case cannot go from {CaseStatus(current).label} to {CaseStatus(to).label}."
        )
    if to == CaseStatus.CLOSED and close_reason not in CloseReason.values:
        raise CaseTransitionNotAllowedError("Say why the case is closed without a fix.")
    if to != CaseStatus.CLOSED and close_reason:
        raise CaseTransitionNotAllowedError("Only a case closed without a fix has a reason.")
