from __future__ import annotations

from django.db import transaction

from cdop.accounts.models import User
from cdop.areas.models import Area, AreaPage, PageKind, Sequence
from cdop.audit.services import audit_actor


def area_page_update(*, area: Area, kind: str, title: str, body: str, by: User) -> AreaPage:
    """Save the text of one public page. The audit log keeps every earlier version."""
    with audit_actor(by), transaction.atomic():
        return _area_page_update(area=area, kind=kind, title=title, body=body, by=by)


def _area_page_update(*, area: Area, kind: str, title: str, body: str, by: User) -> AreaPage:
    page, _ = AreaPage.objects.select_for_update().get_or_create(
        area=area, kind=PageKind(kind), defaults={"title": title, "body": body, "updated_by": by}
    )
    page.title = title
    page.body = body
    page.updated_by = by
    page.save()
    return page


def sequence_next(*, area: Area, kind: str, year: int) -> int:
    """The next number in an area's series for a year. Call inside a transaction."""
    Sequence.objects.get_or_create(area=area, kind=kind, year=year)
    seq = Sequence.objects.select_for_update().get(area=area, kind=kind, year=year)
    seq.last += 1
    seq.save(update_fields=["last"])
    return seq.last
