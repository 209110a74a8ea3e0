from __future__ import annotations

import datetime
from typing import Any

from cdop.cases.models import Case, CaseTransition
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory


def date_fields(name: str, value: datetime.date | None) -> dict[str, str]:
    """The three boxes of a GOV.UK date input, as a browser posts them."""
    if value is None:
        return {f"{name}_day": "", f"{name}_month": "", f"{name}_year": ""}
    return {
        f"{name}_day": str(value.day),
        f"{name}_month": str(value.month),
        f"{name}_year": str(value.year),
    }


def opened_case(**kwargs: Any) -> Case:
    """A case as the service opens one: with the "opened" row in its history, which the
    case page's time-in-stage section reads."""
    case = CaseFactory(**kwargs)
    CaseTransition.objects.create(
        case=case,
        name="case_open",
        from_status="",
        to_status=Status.NOTIFIED,
        by=None,
        at=case.opened_at,
    )
    if case.status != Status.NOTIFIED:
        CaseTransition.objects.create(
            case=case,
            name="test_setup",
            from_status=Status.NOTIFIED,
            to_status=case.status,
            by=None,
            at=case.opened_at,
        )
    return case
