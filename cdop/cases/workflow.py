"""The case workflow, as a table you can read.

A case moves only along the transitions below, and only through the service of the same
name in cdop.cases.services, which checks the guard, locks the row and writes the
transition log and the audit entry in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models


class Status(models.TextChoices):
    NOTIFIED = "notified", "Notified"
    INFORMATION_GATHERING = "information_gathering", "Information gathering"
    AWAITING_CDRM = "awaiting_cdrm", "Awaiting child death review meeting"
    CDRM_HELD = "cdrm_held", "Child death review meeting held"
    AWAITING_PANEL = "awaiting_panel", "Awaiting panel"
    PANEL_REVIEWED = "panel_reviewed", "Reviewed by panel"
    FINALISED = "finalised", "Finalised"
    TRANSFERRED = "transferred", "Transferred to another area"
    OUT_OF_SCOPE = "out_of_scope", "Closed as out of scope"
    MERGED = "merged", "Merged as a duplicate"


# The main line of a review, in order; the stage a case is at is its place on this line.
REVIEW_LINE: tuple[Status, ...] = (
    Status.NOTIFIED,
    Status.INFORMATION_GATHERING,
    Status.AWAITING_CDRM,
    Status.CDRM_HELD,
    Status.AWAITING_PANEL,
    Status.PANEL_REVIEWED,
    Status.FINALISED,
)
CLOSED: frozenset[Status] = frozenset(
    {Status.FINALISED, Status.TRANSFERRED, Status.OUT_OF_SCOPE, Status.MERGED}
)
OPEN: frozenset[Status] = frozenset(Status) - CLOSED
# Closed without a review here: it goes on in another area or under another case, or there is
# none. Unlike a finalised review, nothing is followed up after it.
ENDED_WITHOUT_REVIEW: frozenset[Status] = CLOSED - {Status.FINALISED}


@dataclass(frozen=True)
class Transition:
    name: str
    label: str  # the button a person presses
    sources: frozenset[Status]
    target: Status
    reason_required: bool = False
    reason_label: str = "Note (optional)"
    # Who may take it: the name of a predicate in cdop.accounts.permissions, and what
    # anyone else is told.
    permission: str = "can_manage_case"
    refusal: str = "Your role does not allow you to move cases between stages."

    @property
    def along_review_line(self) -> bool:
        """A step forward in the review, rather than a way out of it."""
        return self.target in REVIEW_LINE


_EARLY = frozenset({Status.NOTIFIED, Status.INFORMATION_GATHERING})

TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "case_start_information_gathering",
            "Start gathering information",
            frozenset({Status.NOTIFIED}),
            Status.INFORMATION_GATHERING,
        ),
        Transition(
            "case_ready_for_cdrm",
            "Ready for the child death review meeting",
            frozenset({Status.INFORMATION_GATHERING}),
            Status.AWAITING_CDRM,
        ),
        Transition(
            "case_record_cdrm_held",
            "Record that the child death review meeting was held",
            frozenset({Status.AWAITING_CDRM}),
            Status.CDRM_HELD,
        ),
        Transition(
            "case_refer_to_panel",
            "Refer to the panel",
            frozenset({Status.CDRM_HELD}),
            Status.AWAITING_PANEL,
        ),
        Transition(
            "case_record_panel_review",
            "Record the panel's review",
            frozenset({Status.AWAITING_PANEL}),
            Status.PANEL_REVIEWED,
            # The panel's chair records it from the meeting's agenda, without reading the case.
            permission="can_record_panel_review",
        ),
        Transition(
            "case_finalise",
            "Finalise the review",
            frozenset({Status.PANEL_REVIEWED}),
            Status.FINALISED,
            # The panel's chair finalises from the meeting, without reading the case.
            permission="can_finalise_case",
        ),
        Transition(
            "case_reopen",
            "Reopen the review",
            frozenset({Status.FINALISED}),
            Status.PANEL_REVIEWED,
            reason_required=True,
            reason_label="Why the finalised review needs to change",
            permission="can_reopen_case",
            refusal="Only an administrator or a CDR manager can reopen a finalised review.",
        ),
        Transition(
            "case_transfer",
            "Transfer to another area",
            _EARLY,
            Status.TRANSFERRED,
            reason_required=True,
            reason_label="Which area, and why the child was not resident here",
        ),
        Transition(
            "case_close_out_of_scope",
            "Close as out of scope",
            _EARLY,
            Status.OUT_OF_SCOPE,
            reason_required=True,
            reason_label="Why this death is not reviewed (for example a stillbirth)",
        ),
        Transition(
            "case_merge_duplicate",
            "Merge as a duplicate",
            _EARLY,
            Status.MERGED,
            reason_required=True,
            reason_label="Why this is a duplicate",
        ),
    )
}


def transitions_from(status: str) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if status in t.sources]
