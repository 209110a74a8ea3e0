"""Storing each case's data-quality score (cdop.dataquality.models), from a live check."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial

from django.db import transaction
from django.utils import timezone

from cdop.areas.models import Area
from cdop.cases.models import Case
from cdop.dataquality import selectors
from cdop.dataquality.models import CaseQualityIssue, CaseQualityScore
from cdop.dataquality.selectors import CaseQuality

BATCH_SIZE = 500


@transaction.atomic
def quality_store(*, qualities: dict[int, tuple[int, CaseQuality]]) -> None:
    """Replace the stored score and issues of these cases (case id: (area id, quality)).
    Only cases in scope keep a score (open, or finalised in the last year), so that the
    area's counts read its own rows without looking at the cases."""
    if not qualities:
        return
    for area_id in {area_id for area_id, _quality in qualities.values()}:
        selectors.worst_first_forget(area_id)
    now = timezone.now()
    ids = list(qualities)
    CaseQualityIssue.objects.filter(case_id__in=ids).delete()
    kept = set(
        Case.objects.filter(pk__in=ids).filter(selectors.scope_q()).values_list("pk", flat=True)
    )
    CaseQualityScore.objects.filter(case_id__in=set(ids) - kept).delete()
    qualities = {pk: value for pk, value in qualities.items() if pk in kept}
    if not qualities:
        return
    CaseQualityIssue.objects.bulk_create(
        CaseQualityIssue(case_id=case_id, area_id=area_id, rule=issue.rule.id)
        for case_id, (area_id, quality) in qualities.items()
        for issue in quality.issues
    )
    CaseQualityScore.objects.bulk_create(
        [
            CaseQualityScore(
                case_id=case_id,
                area_id=area_id,
                errors=quality.error_count,
                warnings=quality.warning_count,
                contradictions=quality.contradictions,
                required_applicable=quality.required_applicable,
                required_missing=quality.required_missing,
                checked_at=now,
            )
            for case_id, (area_id, quality) in qualities.items()
        ],
        update_conflicts=True,
        unique_fields=["case"],
        update_fields=[
            "area",
            "errors",
            "warnings",
            "contradictions",
            "required_applicable",
            "required_missing",
            "checked_at",
        ],
    )


def case_quality_check(*, case: Case) -> CaseQuality:
    """Check the case now and keep its score for the area's page."""
    quality = selectors.case_quality(case)
    quality_store(qualities={case.pk: (case.area_id, quality)})
    return quality


def _batches(*, area: Area) -> Iterator[list[int]]:
    """The ids of the area's cases in scope, a batch at a time (keyset on the id)."""
    query = selectors.in_scope(area=area).order_by("pk").values_list("pk", flat=True)
    last = 0
    while True:
        batch = list(query.filter(pk__gt=last)[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        last = batch[-1]


def quality_refresh(*, area: Area | None = None) -> int:
    """Check every case in scope again (of one area, or every area): one query a batch of
    500, then its writes. Scores of cases no longer in scope (closed, or finalised over a
    year ago) are dropped. Returns how many cases were checked."""
    checked = 0
    for each in [area] if area is not None else list(Area.objects.order_by("pk")):
        for batch in _batches(area=each):
            quality_store(qualities=selectors.checked_now(case_ids=batch))
            checked += len(batch)
        with transaction.atomic():
            gone = list(
                CaseQualityScore.objects.filter(area=each)
                .exclude(case_id__in=selectors.in_scope(area=each).values("pk"))
                .values_list("case_id", flat=True)
            )
            CaseQualityIssue.objects.filter(case_id__in=gone).delete()
            CaseQualityScore.objects.filter(case_id__in=gone).delete()
            selectors.worst_first_forget(each.pk)
    return checked


def quality_refresh_request(*, area: Area) -> None:
    """Queue a recheck of the area's cases for the task worker, once this transaction
    commits."""
    transaction.on_commit(partial(_enqueue_refresh, area.pk))


def _enqueue_refresh(area_id: int) -> None:
    from cdop.dataquality.tasks import dataquality_refresh_area

    dataquality_refresh_area.enqueue(area_id=area_id)


def quality_recheck(
    *, case_ids: Sequence[int], analysis_ids: Sequence[int] = (), request_ids: Sequence[int] = ()
) -> int:
    """Check these cases again now and store their scores; the cases of these analyses and
    form requests too. Returns how many cases were checked."""
    from cdop.agencyforms.models import FormRequest
    from cdop.analysis.models import Analysis

    ids = set(case_ids)
    if analysis_ids:
        ids |= set(Analysis.objects.filter(pk__in=analysis_ids).values_list("case_id", flat=True))
    if request_ids:
        ids |= set(FormRequest.objects.filter(pk__in=request_ids).values_list("case_id", flat=True))
    checked = 0
    ordered = sorted(ids)
    for start in range(0, len(ordered), BATCH_SIZE):
        qualities = selectors.checked_now(case_ids=ordered[start : start + BATCH_SIZE])
        quality_store(qualities=qualities)
        checked += len(qualities)
    return checked
