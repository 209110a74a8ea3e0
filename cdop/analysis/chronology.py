"""The Analysis Form on the case chronology: started, last changed, completed. One query
whatever the case holds (finalising and reopening are status changes, shown by the cases
app)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse

from cdop.analysis.models import Analysis
from cdop.chronology.registry import Entry, Kind
from cdop.core.compiled import compiled_rows

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case

KINDS = [Kind(key="analysis", label="The Analysis Form")]


def analysis_chronology(user: User, case: Case) -> Iterable[Entry]:
    found = compiled_rows(
        "chronology.analysis",
        lambda case_id: (
            Analysis.objects.select_related("created_by", "updated_by", "completed_by", "category")
            .filter(case_id=case_id)
            .order_by("pk")[:1]
        ),
        case.pk,
    )
    if not found:
        return
    analysis = found[0]
    url = reverse("analysis:detail", kwargs={"reference": case.reference})
    yield Entry(
        at=analysis.created_at,
        kind="analysis",
        title="Analysis Form started",
        by=str(analysis.created_by),
        url=url,
    )
    if analysis.completed_at is not None:
        yield Entry(
            at=analysis.completed_at,
            kind="analysis",
            title="Analysis Form completed",
            detail=(
                f"Category of death: {analysis.category.name if analysis.category else '-'}. "
                f"Modifiable factors: {analysis.get_modifiable_display()}. "
                f"Agreed {analysis.get_expectedness_display().lower()}."
            ),
            by=str(analysis.completed_by) if analysis.completed_by else "",
            url=url,
        )
    if analysis.updated_at not in (analysis.created_at, analysis.completed_at):
        yield Entry(
            at=analysis.updated_at,
            kind="analysis",
            title=(
                "Analysis Form changed"
                if analysis.status == Analysis.Status.COMPLETE
                else "Analysis Form saved as a draft"
            ),
            by=str(analysis.updated_by),
            url=url,
        )
