"""Saving the Analysis Form. One service: it checks who may write, locks the case, applies
the rules of cdop.analysis.rules and writes the analysis with its lines in one transaction
(the audit log records every row written)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import ProtectedError
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.analysis.models import (
    Analysis,
    AnalysisFormVersion,
    Factor,
    FactorDomain,
    Recommendation,
)
from cdop.analysis.rules import (
    AnalysisDraft,
    FactorDraft,
    RecommendationDraft,
    analysis_contradictions,
    analysis_missing,
)
from cdop.analysis.selectors import form_version_current
from cdop.audit.services import audit_actor
from cdop.cases.models import Case
from cdop.core.errors import DomainError

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.meetings.models import AgendaItem

LOCKED_MESSAGE = "This review is finalised. To change it, reopen it."
STALE_MESSAGE = (
    "Someone else saved this Analysis Form after you opened it, so yours was not saved (what "
    "you typed is still on this page). Open the form again in a new tab to see their changes, "
    "then make yours."
)


def analysis_seen_token(analysis: Analysis | None) -> str:
    """What the page remembers about the analysis it was opened on, to spot a later save."""
    return "new" if analysis is None else analysis.updated_at.isoformat()


def analysis_save(
    *,
    case: Case,
    by: User,
    draft: AnalysisDraft,
    complete: bool,
    seen: str | None = None,
    item: AgendaItem | None = None,
) -> Analysis:
    """Save the case's Analysis Form as a draft, or as complete (every rule must pass).

    From the case (`item` None) the writer must be one who runs cases; from a meeting's
    agenda item, one who records that meeting. A contradiction is never saved; a finalised
    review is locked. `seen` (from analysis_seen_token) refuses a save over someone else's.
    """
    with audit_actor(by), transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _authorise(by=by, case=locked, item=item)
        if permissions.case_is_locked(locked):
            raise DomainError(LOCKED_MESSAGE)
        analysis = Analysis.objects.select_for_update().filter(case=locked).first()
        if seen is not None and seen != analysis_seen_token(analysis):
            raise DomainError(STALE_MESSAGE)
        version = analysis.form_version if analysis else form_version_current()
        _check_lists(draft=draft, version=version)
        for problem in analysis_contradictions(draft):
            raise DomainError(problem.message, field=problem.field)
        if complete:
            missing = analysis_missing(draft)
            if missing:
                raise DomainError(
                    "The analysis cannot be marked complete yet: "
                    + "; ".join(p.message[0].lower() + p.message[1:] for p in missing)
                    + ". Save it as a draft, or add what is missing.",
                    field=missing[0].field,
                )
        now = timezone.now()
        if analysis is None:
            analysis = Analysis(case=locked, form_version=version, created_at=now, created_by=by)
        analysis.modifiable = draft.modifiable
        analysis.category = draft.category
        analysis.cause_of_death = draft.cause_of_death.strip()
        analysis.learning_points = draft.learning_points.strip()
        analysis.expectedness = draft.expectedness
        analysis.updated_at = now
        analysis.updated_by = by
        if complete:
            if analysis.status != Analysis.Status.COMPLETE:
                analysis.completed_at = now
                analysis.completed_by = by
            analysis.status = Analysis.Status.COMPLETE
        else:
            analysis.status = Analysis.Status.DRAFT
            analysis.completed_at = None
            analysis.completed_by = None
        analysis.save()
        _factors_write(analysis=analysis, drafts=draft.factors)
        _recommendations_write(analysis=analysis, drafts=draft.recommendations)
    return analysis


def _authorise(*, by: User, case: Case, item: AgendaItem | None) -> None:
    if item is None:
        if not permissions.can_manage_case(by, case):
            raise Http404
        return
    if item.case_id != case.pk or not permissions.can_record_meeting(by, item.meeting):
        raise Http404
    if item.meeting.status == "cancelled":
        raise DomainError(
            "This meeting was cancelled, so the analysis cannot be recorded from it. Record "
            "it from the meeting where the case is discussed."
        )


def _check_lists(*, draft: AnalysisDraft, version: AnalysisFormVersion) -> None:
    """Categories and domains must come from the version the analysis uses (a forged or
    stale page could send another)."""
    category = draft.category
    if category is not None and category.form_version_id != version.pk:
        raise DomainError("Choose a category of death from the list", field="category")
    domain_ids = set(FactorDomain.objects.filter(form_version=version).values_list("pk", flat=True))
    if any(f.domain_id not in domain_ids for f in draft.factors):
        raise DomainError("Record each factor in one of the four domains", field="factors")


def _factors_write(*, analysis: Analysis, drafts: list[FactorDraft]) -> None:
    existing = {f.pk: f for f in Factor.objects.filter(analysis=analysis)}
    if any(d.pk is not None and d.pk not in existing for d in drafts):
        raise DomainError(
            "A factor on the page is not part of this analysis. Open the form again and "
            "re-enter your changes.",
            field="factors",
        )
    kept = {d.pk for d in drafts if d.pk is not None}
    for pk, factor in existing.items():
        if pk not in kept:
            factor.delete()
    positions: dict[int, int] = {}
    for d in drafts:
        positions[d.domain_id] = positions.get(d.domain_id, 0) + 1
        values = {
            "domain_id": d.domain_id,
            "position": positions[d.domain_id],
            "description": d.description.strip(),
            "grade": d.grade,
            "modifiable": d.modifiable,
        }
        current = existing.get(d.pk) if d.pk is not None else None
        if current is None:
            Factor.objects.create(analysis=analysis, **values)
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            current.save()


def _recommendations_write(*, analysis: Analysis, drafts: list[RecommendationDraft]) -> None:
    # Rows are changed in place, never replaced: actions point at them.
    existing = {r.pk: r for r in Recommendation.objects.filter(analysis=analysis)}
    if any(d.pk is not None and d.pk not in existing for d in drafts):
        raise DomainError(
            "A recommendation on the page is not part of this analysis. Open the form again "
            "and re-enter your changes.",
            field="recommendations",
        )
    kept = {d.pk for d in drafts if d.pk is not None}
    for pk, recommendation in existing.items():
        if pk not in kept:
            try:
                recommendation.delete()
            except ProtectedError:
                raise DomainError(
                    f"Recommendation {recommendation.position} has actions, so it cannot be "
                    "removed. Change its words instead, or close its actions first.",
                    field="recommendations",
                ) from None
    for position, d in enumerate(drafts, start=1):
        row = existing.get(d.pk) if d.pk is not None else None
        if row is None:
            Recommendation.objects.create(analysis=analysis, position=position, text=d.text.strip())
        elif (row.position, row.text) != (position, d.text.strip()):
            row.position = position
            row.text = d.text.strip()
            row.save()
