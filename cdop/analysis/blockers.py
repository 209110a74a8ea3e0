"""Why a reviewed case cannot be finalised yet: its Analysis Form is not complete. Refuses
the "case_finalise" transition, and says what is missing."""

from __future__ import annotations

from cdop.analysis.models import Analysis
from cdop.analysis.rules import analysis_draft_from, analysis_missing
from cdop.cases.blockers import Blocker, BlockerQuery, BlockerRow, blocker_queries_run
from cdop.cases.workflow import Status

KIND = "analysis_incomplete"


def _blockers_build(rows: list[BlockerRow]) -> dict[int, list[Blocker]]:
    """Only cases reviewed by the panel are held up: before the panel, an unfinished analysis
    is expected. The shared statement finds those (almost always none of a list); their
    analyses are read only when there are some (two queries)."""
    reviewed = {row[1] for row in rows}
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


# The cases reviewed by the panel among those asked about: a piece of the blockers' statement
# (cdop.cases.blockers.BlockerQuery).
BLOCKERS = BlockerQuery(
    sql="SELECT 'panel_reviewed', id, NULL, NULL, NULL, NULL FROM cases_case"
    " WHERE id IN (SELECT id FROM cases) AND status = %s",
    tags=frozenset({"panel_reviewed"}),
    build=_blockers_build,
    params=(Status.PANEL_REVIEWED,),
)


def analysis_blockers(case_ids: list[int]) -> dict[int, list[Blocker]]:
    """One to three queries whatever the number of cases."""
    return blocker_queries_run([BLOCKERS], case_ids)
