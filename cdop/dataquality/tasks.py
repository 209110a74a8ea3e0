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
