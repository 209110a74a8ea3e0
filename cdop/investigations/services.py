"""Recording coroner, post-mortem, inquest and Medical Examiner events on a case."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.db import models, transaction
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.audit.services import audit_actor
from cdop.cases.models import Case
from cdop.core.errors import DomainError
from cdop.investigations.kinds import EventKind, kind_of
from cdop.investigations.models import CaseEvent


def _checked(*, kind: EventKind, case: Case, by: User, values: Mapping[str, Any]) -> dict[str, Any]:
    if not permissions.can_work_on_case(by, case):
        raise Http404
    fields = set(kind.form.base_fields)
    unknown = set(values) - fields
    if unknown:  # pragma: no cover - a programming error, not a user's
        raise ValueError(f"Not fields of a {kind.noun}: {sorted(unknown)}")
    errors = kind.check(values, died=case.date_of_death, today=timezone.localdate())
    if errors:
        field, message = next(iter(errors.items()))
        raise DomainError(message, field=field)
    # A field left out takes the model's default (blank text, no date, not known).
    return {name: values[name] if name in values else _default(kind, name) for name in fields}


def _default(kind: EventKind, name: str) -> Any:
    return cast(models.Field, kind.model._meta.get_field(name)).get_default()


def event_record(*, kind: EventKind, case: Case, by: User, values: Mapping[str, Any]) -> CaseEvent:
    """Add an event of this kind to the case."""
    with audit_actor(by), transaction.atomic():
        clean = _checked(kind=kind, case=case, by=by, values=values)
        now = timezone.now()
        return kind.model._default_manager.create(
            case=case, recorded_by=by, recorded_at=now, updated_at=now, **clean
        )


def event_update(*, event: CaseEvent, by: User, values: Mapping[str, Any]) -> CaseEvent:
    """Change an event: every field of its form is set from `values`."""
    kind = kind_of(event)
    with audit_actor(by), transaction.atomic():
        locked = (
            kind.model._default_manager.select_for_update().select_related("case").get(pk=event.pk)
        )
        clean = _checked(kind=kind, case=locked.case, by=by, values=values)
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.updated_at = timezone.now()
        locked.save()
        return locked
