"""Retention: changing an area's policy, and anonymising the cases past it.

`retention_apply` is what `manage.py apply_retention` runs every day. Each due case is
anonymised in its own transaction (`case_anonymise`): the fields listed in
cdop.retention.anonymise.TARGETS, the rows of its DELETED removed, the dates generalised,
the secure links revoked, the document files deleted and the audit log's history of those
rows redacted, then an `AnonymisedCase` row and an audit entry. A case that fails is left
as it was and tried again the next day; the others go ahead.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.audit.services import audit_actor
from cdop.cases.models import Case
from cdop.cases.workflow import CLOSED, Status
from cdop.core.errors import DomainError
from cdop.core.kept import kept_forget_area
from cdop.documents.models import Document
from cdop.documents.storage import storage_path, storage_remove
from cdop.retention import selectors
from cdop.retention.anonymise import (
    DATE_FIELDS,
    DELETED,
    TARGETS,
    Rule,
    Target,
    field_value,
    generalised_dates,
)
from cdop.retention.models import (
    MAX_YEARS,
    MIN_YEARS,
    REMOVED,
    AnonymisedCase,
    RedactionPermit,
    RetentionPolicy,
    RetentionRun,
    SubjectAccessExport,
)
from cdop.securelinks.models import SecureLink

logger = logging.getLogger(__name__)


def retention_policy_update(
    *, area: Area, by: User, years_after_finalised: int, reason: str
) -> RetentionPolicy:
    if area.pk not in selectors.admin_area_ids(by):
        raise DomainError("Only the area's administrators change how long records are kept.")
    if not MIN_YEARS <= years_after_finalised <= MAX_YEARS:
        raise DomainError(
            f"Enter a number of years from {MIN_YEARS} to {MAX_YEARS}",
            field="years_after_finalised",
        )
    reason = reason.strip()
    if not reason:
        raise DomainError(
            "Enter why the area keeps records this long, for example the policy it follows",
            field="reason",
        )
    with transaction.atomic(), audit_actor(by):
        policy = RetentionPolicy.objects.select_for_update().filter(area=area).first()
        if policy is None:
            policy = RetentionPolicy(area=area)
        policy.years_after_finalised = years_after_finalised
        policy.reason = reason
        policy.updated_by = by
        policy.updated_at = timezone.now()
        policy.save()
    return policy


# --- What is due ----------------------------------------------------------------------------


@dataclass
class DueCase:
    case_id: int
    reference: str
    area_id: int
    closed_at: datetime.datetime
    policy_years: int
    ends_on: datetime.date
    # What anonymising it would change (a dry run prints these): rows per model, files.
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    links_to_revoke: int = 0


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def closed_on(case: Case) -> datetime.datetime:
    """When the retention period of a closed case runs from: the review's finalisation,
    or for a case closed another way (merged, transferred, out of scope) its last change
    of status."""
    if case.status == Status.FINALISED and case.finalised_at is not None:
        return case.finalised_at
    return case.status_changed_at


def cases_due(*, today: datetime.date) -> list[DueCase]:
    """Closed cases whose area's retention period has ended by `today`, not yet anonymised,
    oldest first."""
    years_by_area = selectors.retention_years_by_area()
    done = AnonymisedCase.objects.values("case_id")
    due: list[DueCase] = []
    for area_id, years in sorted(years_by_area.items()):
        # A cheap upper bound first (a day's slack for time zones), the exact date below.
        latest = timezone.make_aware(
            datetime.datetime.combine(add_years(today, -years), datetime.time.max)
        ) + datetime.timedelta(days=1)
        candidates = (
            Case.objects.filter(area_id=area_id, status__in=list(CLOSED))
            .exclude(pk__in=done)
            .filter(
                models.Q(status=Status.FINALISED, finalised_at__lte=latest)
                | (~models.Q(status=Status.FINALISED) & models.Q(status_changed_at__lte=latest))
            )
            .only("pk", "reference", "area_id", "status", "finalised_at", "status_changed_at")
            .order_by("pk")
        )
        for case in candidates:
            closed = closed_on(case)
            ends_on = add_years(timezone.localdate(closed), years)
            if ends_on <= today:
                due.append(
                    DueCase(
                        case_id=case.pk,
                        reference=case.reference,
                        area_id=area_id,
                        closed_at=closed,
                        policy_years=years,
                        ends_on=ends_on,
                    )
                )
    due.sort(key=lambda item: (item.ends_on, item.case_id))
    return due


def _changes_for(target: Target, case_id: int) -> list[tuple[int, dict[str, Any]]]:
    """The rows of the case in this model and, for each, the fields that would change."""
    names = list(target.fields)
    out: list[tuple[int, dict[str, Any]]] = []
    for row in target.queryset(case_id).order_by("pk").values("pk", *names):
        changes: dict[str, Any] = {}
        for name, rule in target.fields.items():
            new = field_value(rule, row[name])
            if new != row[name]:
                changes[name] = new
        if changes:
            out.append((row["pk"], changes))
    return out


def case_plan(item: DueCase) -> DueCase:
    """Fill in what anonymising the case would change, writing nothing (the dry run)."""
    for target in TARGETS:
        count = len(_changes_for(target, item.case_id))
        if count:
            item.rows[target.key] = count
    for label, rows in DELETED.items():
        count = apps.get_model(label)._default_manager.filter(rows(item.case_id)).count()
        if count:
            item.rows[label] = count
    item.files = sum(
        1
        for name in Document.objects.filter(case_id=item.case_id).values_list(
            "storage_name", flat=True
        )
        if storage_path(name).exists()
    )
    item.links_to_revoke = _links(item.case_id).filter(revoked_at__isnull=True).count()
    return item


def _links(case_id: int) -> models.QuerySet[SecureLink]:
    return SecureLink.objects.filter(
        models.Q(form_request__case_id=case_id) | models.Q(family_voice_request__case_id=case_id)
    )


# --- Anonymising one case -------------------------------------------------------------------


@transaction.atomic
def case_anonymise(*, item: DueCase, run: RetentionRun) -> AnonymisedCase | None:
    """Anonymise one case past its retention date, in one transaction. Returns None when
    there was nothing to do (another pass got there first, or the case was reopened)."""
    from cdop.notifications.models import Notification

    case = Case.objects.select_for_update().filter(pk=item.case_id).first()
    if case is None or case.status not in CLOSED:
        return None
    if AnonymisedCase.objects.filter(case_id=case.pk).exists():
        return None
    now = timezone.now()
    rows_changed: dict[str, int] = {}
    changed_pks: dict[str, list[int]] = {}
    for target in TARGETS:
        changes = _changes_for(target, case.pk)
        manager = target.model._default_manager
        for pk, values in changes:
            # update(), not save(): no signal fires, so the audit log does not gain a new
            # entry holding the old values that are being removed.
            manager.filter(pk=pk).update(**values)
        if changes:
            rows_changed[target.key] = len(changes)
        changed_pks[target.key] = list(target.queryset(case.pk).values_list("pk", flat=True))
    for label, rows in DELETED.items():
        deleted, _by_model = apps.get_model(label)._default_manager.filter(rows(case.pk)).delete()
        if deleted:
            rows_changed[label] = deleted

    # Dates: generalised so the age at death and the month of death stay (anonymise.py).
    born, died = generalised_dates(
        date_of_birth=case.child_date_of_birth, date_of_death=case.date_of_death
    )
    Case.objects.filter(pk=case.pk).update(child_date_of_birth=born, date_of_death=died)
    kept_forget_area(case.area_id)  # update() sends no signals; the dates are counted
    notification_ids = changed_pks["notifications.Notification"]
    for notification in Notification.objects.filter(pk__in=notification_ids):
        n_born, n_died = generalised_dates(
            date_of_birth=notification.child_date_of_birth,
            date_of_death=notification.date_of_death,
        )
        Notification.objects.filter(pk=notification.pk).update(
            child_date_of_birth=n_born, date_of_death=n_died
        )

    links_revoked = _links(case.pk).filter(revoked_at__isnull=True).update(revoked_at=now)

    # One pass over each model's entries, with every field any row of the table names.
    to_redact: dict[str, tuple[set[int], set[str]]] = {}
    for target in TARGETS:
        pks, names = to_redact.setdefault(target.label, (set(), set()))
        pks.update(changed_pks[target.key])
        names.update(target.fields)
        if target.label in {"cases.Case", "notifications.Notification"}:
            names.update(DATE_FIELDS)
    redacted = 0
    for label, (pks, names) in to_redact.items():
        redacted += log_entries_redact(
            model=apps.get_model(label), pks=sorted(pks), fields=sorted(names)
        )

    record = AnonymisedCase.objects.create(
        case=case,
        area_id=case.area_id,
        run=run,
        anonymised_at=now,
        policy_years=item.policy_years,
        closed_at=item.closed_at,
        retention_ends_on=item.ends_on,
        rows_changed=rows_changed,
        links_revoked=links_revoked,
        log_entries_redacted=redacted,
    )
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Case),
        object_pk=str(case.pk),
        object_id=case.pk,
        object_repr=case.reference,
        action=LogEntry.Action.UPDATE,
        changes={"retention": ["identifiable", "anonymised"]},
        additional_data={
            "area_id": case.area_id,
            "case": case.reference,
            "retention_run": run.pk,
            "policy_years": item.policy_years,
            "retention_ends_on": item.ends_on.isoformat(),
            "rows_changed": rows_changed,
            "log_entries_redacted": redacted,
        },
    )
    # Files last, once every row is written: a failure before here rolls back and keeps the
    # files for the next pass; a failure after removes files of a case tried again tomorrow.
    files = 0
    for name in Document.objects.filter(case_id=case.pk).values_list("storage_name", flat=True):
        if storage_path(name).exists():
            storage_remove(name)
            files += 1
    if files:
        AnonymisedCase.objects.filter(pk=record.pk).update(files_deleted=files)
        record.files_deleted = files
    return record


def log_entries_redact(*, model: type[models.Model], pks: Iterable[int], fields: list[str]) -> int:
    """Rewrite the audit log's history of these rows so that it keeps no old value of the
    anonymised fields: each such field's before and after become REMOVED, the description
    of the object is written again from what it is now, and no serialised copy is kept.
    Who did what and when is untouched.

    The audit log is append-only (cdop.audit migration 0001); the trigger lets these
    columns of an entry be rewritten only while a RedactionPermit row exists, which only
    this transaction can see (it is deleted before the commit). Returns the entries
    rewritten."""
    pk_list = list(pks)
    if not pk_list:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    entries = list(
        LogEntry.objects.filter(content_type=content_type, object_id__in=pk_list).order_by("pk")
    )
    if not entries:
        return 0
    current = {obj.pk: str(obj) for obj in model._default_manager.filter(pk__in=pk_list)}
    wanted = set(fields)
    stamp = timezone.now().isoformat()
    permit = RedactionPermit.objects.create()
    count = 0
    try:
        for entry in entries:
            changes = entry.changes
            if isinstance(changes, str):
                changes = json.loads(changes or "null")
            new_changes = changes
            if isinstance(changes, dict):
                new_changes = {
                    key: ([REMOVED, REMOVED] if key in wanted else value)
                    for key, value in changes.items()
                }
            extra = entry.additional_data if isinstance(entry.additional_data, dict) else {}
            new_extra: dict[str, Any] = {
                key: (REMOVED if isinstance(value, str) and "@" in value else value)
                for key, value in extra.items()
            }
            new_extra["redacted"] = {"by": "retention", "at": stamp}
            LogEntry.objects.filter(pk=entry.pk).update(
                changes=new_changes,
                changes_text=REMOVED if entry.changes_text else "",
                object_repr=current.get(entry.object_id or 0, entry.object_repr),
                serialized_data=None,
                additional_data=new_extra,
            )
            count += 1
    finally:
        RedactionPermit.objects.filter(pk=permit.pk).delete()
    return count


# --- The daily pass -------------------------------------------------------------------------


@dataclass
class RetentionResult:
    today: datetime.date
    dry_run: bool
    due: list[DueCase]
    anonymised: list[AnonymisedCase] = field(default_factory=list)
    failed: list[tuple[DueCase, str]] = field(default_factory=list)
    run: RetentionRun | None = None


def retention_apply(*, today: datetime.date, dry_run: bool = False) -> RetentionResult:
    """Anonymise every case past its area's retention date (or, with dry_run, say what
    would be done and write nothing). Safe to run again: an anonymised case is skipped."""
    due = cases_due(today=today)
    result = RetentionResult(today=today, dry_run=dry_run, due=due)
    if dry_run:
        for item in due:
            case_plan(item)
        return result
    if not due:
        return result
    run = RetentionRun.objects.create(started_at=timezone.now(), as_of=today)
    result.run = run
    for item in due:
        case_plan(item)
        try:
            record = case_anonymise(item=item, run=run)
        except Exception as error:  # one case's failure must not stop the others
            logger.exception("Retention: case %s could not be anonymised", item.reference)
            result.failed.append((item, f"{type(error).__name__}: {error}"))
            continue
        if record is not None:
            result.anonymised.append(record)
    RetentionRun.objects.filter(pk=run.pk).update(
        finished_at=timezone.now(),
        cases_anonymised=len(result.anonymised),
        cases_failed=len(result.failed),
    )
    run.refresh_from_db()
    return result


# --- Subject access ---------------------------------------------------------------------------


def subject_access_export(
    *, by: User, query: selectors.SubjectQuery, keys: list[str]
) -> tuple[bytes, SubjectAccessExport]:
    """Build the zip of everything held about the person in the records the administrator
    confirmed, and record the export (who, when, for whom, which records).

    The keys must be among the matches the same search finds for this administrator now:
    an id typed into the form cannot reach a record outside their areas or the search."""
    from cdop.retention.subject_access import export_zip, sha256

    if not selectors.admin_area_ids(by):
        raise DomainError("Only an area's administrators export what is held about a person.")
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        raise DomainError("Select at least one record that is about this person", field="records")
    matches = {m.key: m for m in selectors.subject_search(user=by, query=query)}
    unknown = [key for key in wanted if key not in matches]
    if unknown:
        raise DomainError(
            "Some of the records selected are not among the matches for this search. "
            "Search again and select from the list",
            field="records",
        )
    chosen = [matches[key] for key in wanted]
    data, _ = export_zip(query=query, matches=chosen, made_by=by.full_name or by.email)
    with transaction.atomic(), audit_actor(by):
        record = SubjectAccessExport.objects.create(
            by=by,
            at=timezone.now(),
            subject_name=query.name[:200],
            searched_with=query.searched_with,
            area_ids=sorted({m.area_id for m in chosen}),
            records=wanted,
            sha256=sha256(data),
        )
    return data, record


__all__ = [
    "DueCase",
    "RetentionResult",
    "Rule",
    "case_anonymise",
    "cases_due",
    "log_entries_redact",
    "retention_apply",
    "retention_policy_update",
    "subject_access_export",
]
