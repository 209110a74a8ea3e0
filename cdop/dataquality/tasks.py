"""Background job of the data-quality pages (django-tasks). Arguments are ids only."""

from __future__ import annotations

from django_tasks import task


@task()
def dataquality_refresh_area(*, area_id: int) -> int:
    """Recheck the area's cases (the area page's button queues it): how many."""
    from cdop.areas.models import Area
    from cdop.dataquality.services import quality_refresh

    area = Area.objects.filter(pk=area_id).first()
    return quality_refresh(area=area) if area is not None else 0


@task()
def dataquality_recheck(
    *, case_ids: list[int], analysis_ids: list[int], request_ids: list[int]
) -> int:
    """Recheck the cases whose records changed (cdop.dataquality.signals): how many."""
    from cdop.dataquality.services import quality_recheck

    return quality_recheck(case_ids=case_ids, analysis_ids=analysis_ids, request_ids=request_ids)
