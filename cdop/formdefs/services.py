"""Publishing a new version of a form definition (writes).

A published version is never changed: publishing adds the next version of the code, and
every earlier version stays, so returns keep the labels and questions they were answered on.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from cdop.audit.services import audit_actor
from cdop.core.errors import DomainError
from cdop.formdefs.loading import CONTENT_FIELDS
from cdop.formdefs.models import FormDefinition
from cdop.formdefs.schema import SchemaError, schema_validate, suggest_when_validate

if TYPE_CHECKING:
    from cdop.accounts.models import User

_CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def _content(data: dict[str, Any]) -> dict[str, Any]:
    """The fields of a definition file, checked; DomainError listing every problem."""
    problems: list[str] = []
    code = data.get("code")
    if not isinstance(code, str) or not _CODE.match(code):
        problems.append('"code" must be lower-case letters, digits and hyphens')
    if data.get("kind") not in FormDefinition.Kind.values:
        problems.append(f'"kind" must be one of {", ".join(FormDefinition.Kind.values)}')
    title = data.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        problems.append('"title" must be text of up to 200 characters')
    if not isinstance(data.get("description", ""), str):
        problems.append('"description" must be text')
    if not isinstance(data.get("status_confirmed", False), bool):
        problems.append('"status_confirmed" must be true or false')
    for check, value in (
        (schema_validate, data.get("schema")),
        (suggest_when_validate, data.get("suggest_when", {})),
    ):
        try:
            check(value)
        except SchemaError as error:
            problems.extend(error.problems)
    if problems:
        raise DomainError("; ".join(problems), field="definition")
    return {
        "kind": data["kind"],
        "title": title.strip() if isinstance(title, str) else "",
        "description": data.get("description", ""),
        "schema": data["schema"],
        "suggest_when": data.get("suggest_when", {}),
        "status_confirmed": bool(data.get("status_confirmed", False)),
    }


def formdef_publish(*, data: dict[str, Any], by: User) -> FormDefinition:
    """Publish `data` (the shape of a file in cdop/formdefs/definitions/) as the next version
    of its code. Refused if malformed, if it changes the kind of an existing form, or if it
    is the same as the current version."""
    content = _content(data)
    code = str(data["code"])
    with audit_actor(by), transaction.atomic():
        latest = (
            FormDefinition.objects.select_for_update()
            .filter(code=code)
            .order_by("-version")
            .first()
        )
        if latest is not None:
            if latest.kind != content["kind"]:
                raise DomainError(
                    f"{code} is a {latest.get_kind_display()}; a new version cannot change "
                    "its kind. Use a new code for a different kind of form.",
                    field="definition",
                )
            if all(getattr(latest, name) == content[name] for name in CONTENT_FIELDS):
                raise DomainError(
                    f"This is the same as version {latest.version} of {code}, so there is "
                    "nothing new to publish.",
                    field="definition",
                )
        return FormDefinition.objects.create(
            code=code,
            version=(latest.version + 1) if latest else 1,
            published_at=timezone.now(),
            **content,
        )


def formdef_retire(*, code: str, by: User) -> FormDefinition:
    """Stop offering a form for new requests. Requests already made, and returns, keep it;
    publishing a new version offers the form again."""
    with audit_actor(by), transaction.atomic():
        latest = (
            FormDefinition.objects.select_for_update()
            .filter(code=code)
            .order_by("-version")
            .first()
        )
        if latest is None:
            raise DomainError("There is no such form.")
        if latest.kind == FormDefinition.Kind.CORE:
            raise DomainError(
                "The core Reporting Form cannot be retired: publish a new version instead."
            )
        if latest.retired_at is None:
            latest.retired_at = timezone.now()
            latest.save(update_fields=["retired_at"])
    return latest
