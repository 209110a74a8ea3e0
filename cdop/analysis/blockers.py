"""Why a reviewed case cannot be finalised yet: its Analysis Form is not complete. Refuses
the "case_finalise" transition, and says what is missing."""

from __future__ import annotations

from cdop.analysis.models import Analysis
from cdop.analysis.rules import analysis_draft_from, analysis_missing
from cdop.cases.blockers import Blocker
from cdop.cases.workflow import Status
from cdop.core.db import fetch_rows, ids_cte

KIND = "analysis_incomplete"


def analysis_blockers(case_ids: list[int]) -> dict[int, list[Blocker]]:
    """One to three queries whatever the number of cases. Only cases reviewed by the panel are
    held up: before the panel, an unfinished analysis is expected."""
    if not case_ids:
        return {}
    # Fixed SQL (cdop.core.db.fetch_rows): this runs for every list of cases shown, and
    # almost always finds none reviewed and waiting.
    cases, ids = ids_cte("cases", case_ids)
    reviewed = {
        pk
        for (pk,) in fetch_rows(
            f"{cases} SELECT id FROM cases_case WHERE id IN (SELECT id FROM cases) AND status = %s",  # noqa: S608
            [*ids, Status.PANEL_REVIEWED],
        )
    }
    if not reviewed:
        return {}
    analyses = {
        a.case_id: a
        for a in Analysis.objects.filter(case_id__in=reviewed)
        .select_related("category")
        .prefetch_related("factors")
    }
    found: dict[int, list[Blocker]] = {}
    for case_id in reviewed:
        analysis = analyses.get(case_id)
        if analysis is None:
            reason = "The panel's Analysis Form has not been started"
        else:
            missing = analysis_missing(analysis_draft_from(analysis, recommendations=False))
            if analysis.status == Analysis.Status.COMPLETE and not missing:
                continue
            todo = [p.message[0].lower() + p.message[1:] for p in missing] or [
                "mark it as complete"
            ]
            reason = "The Analysis Form is not complete. Still to do: " + "; ".join(todo)
        found[case_id] = [Blocker(kind=KIND, reason=reason, blocks=frozenset({"case_finalise"}))]
    return found
