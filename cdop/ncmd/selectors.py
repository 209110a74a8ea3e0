"""Reading a case's national data set, and which cases NCMD needs again.

The documents are built for a batch of cases at a time with a fixed number of queries per
batch (one per kind of record), so one case costs the same queries as five hundred, and a
bulk export's queries grow with the number of batches only. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cdop.accounts.models import User
from cdop.agencyforms.models import FormRequest, RequestedForm
from cdop.analysis.models import Analysis, Factor, Recommendation
from cdop.areas.models import Area
from cdop.cases.models import Case, CaseTransition
from cdop.cases.workflow import Status
from cdop.core.db import db_date, db_datetime, fetch_rows
from cdop.formdefs.models import FormDefinition
from cdop.ncmd.models import NcmdBatch, NcmdExport, PeriodBasis
from cdop.ncmd.schema import SCHEMA_VERSION
from cdop.notifications.models import Notification
from cdop.notifications.reference import Ethnicity, NhsNumberStatus

BATCH_SIZE = 500


@dataclass
class CaseDocument:
    """One case's document and the versions of the forms it carries."""

    case_id: int
    reference: str
    case_status: str
    document: dict[str, Any]
    form_versions: dict[str, Any] = field(default_factory=dict)


def _iso(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value is not None else None


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _notification(n: Notification) -> dict[str, Any]:
    return {
        "reference": n.reference,
        "received_at": _iso(n.received_at),
        "channel": "api" if n.api_client_id is not None else "web",
        "child": {
            "first_name": n.child_first_name,
            "last_name": n.child_last_name,
            "other_names": n.child_other_names,
            "date_of_birth": _date(n.child_date_of_birth),
            "sex": n.child_sex,
            "nhs_number": n.child_nhs_number or None,
            "nhs_number_status": n.nhs_number_status,
            "ethnicity": n.child_ethnicity,
            "address": n.child_address,
            "postcode": n.child_postcode,
            "gp_practice": n.gp_practice,
        },
        "death": {
            "date_of_death": _date(n.date_of_death),
            "time_of_death": n.time_of_death.strftime("%H:%M:%S") if n.time_of_death else None,
            "place_of_death": n.place_of_death,
            "place_of_death_detail": n.place_of_death_detail,
            "expectedness": n.expectedness,
            "post_mortem": n.post_mortem,
            "coroner_informed": n.coroner_informed,
            "circumstances": n.circumstances,
            "ncmd_alert": n.ncmd_alert,
            "ncmd_alert_reason": n.ncmd_alert_reason,
        },
        "household": {
            "parental_responsibility": n.parental_responsibility,
            "other_children": n.other_children,
            "carer_at_time": n.carer_at_time,
        },
        "professionals_involved": n.professionals_involved,
        "residence": {
            "status": n.residence_status,
            "lower_tier_code": n.residence_lower_code,
            "upper_tier_code": n.residence_upper_code,
        },
        "notifier": {
            "name": n.notifier_name,
            "role": n.notifier_role,
            "organisation": n.notifier_organisation,
            "email": n.notifier_email,
            "phone": n.notifier_phone,
        },
    }


def _child(case: Case, notifications: Sequence[Notification]) -> dict[str, Any]:
    """The child from the case, with what only the notifications hold (the first that
    gives each detail; other names from all of them)."""

    def first(attr: str, unknown: str = "") -> str:
        return next((v for n in notifications if (v := getattr(n, attr)) and v != unknown), unknown)

    other_names: list[str] = []
    for n in notifications:
        if n.child_other_names and n.child_other_names not in other_names:
            other_names.append(n.child_other_names)
    if case.child_nhs_number:
        nhs_status = NhsNumberStatus.GIVEN.value
    else:
        nhs_status = first("nhs_number_status", NhsNumberStatus.GIVEN.value)
        if nhs_status == NhsNumberStatus.GIVEN:
            nhs_status = NhsNumberStatus.NOT_AVAILABLE.value
    return {
        "first_name": case.child_first_name,
        "last_name": case.child_last_name,
        "other_names": "; ".join(other_names),
        "date_of_birth": _date(case.child_date_of_birth),
        "sex": case.child_sex,
        "nhs_number": case.child_nhs_number or None,
        "nhs_number_status": nhs_status,
        "ethnicity": first("child_ethnicity", Ethnicity.NOT_KNOWN.value),
        "postcode": case.child_postcode,
        "address": first("child_address"),
        "gp_practice": first("gp_practice"),
        "date_of_death": _date(case.date_of_death),
        "expectedness": case.expectedness,
    }


def _analysis(analysis: Analysis | None) -> dict[str, Any] | None:
    if analysis is None:
        return None
    factors: list[Factor] = list(analysis.factors.all())
    recommendations: list[Recommendation] = list(analysis.recommendations.all())
    return {
        "status": analysis.status,
        "form_version": analysis.form_version.version,
        "category": analysis.category.code if analysis.category else None,
        "category_position": analysis.category.position if analysis.category else None,
        "modifiable": analysis.modifiable or None,
        "expectedness": analysis.expectedness or None,
        "cause_of_death": analysis.cause_of_death,
        "learning_points": analysis.learning_points,
        "factors": [
            {
                "domain": f.domain.code,
                "position": f.position,
                "description": f.description,
                "grade": f.grade,
                "modifiable": f.modifiable,
            }
            for f in sorted(factors, key=lambda f: (f.domain.position, f.position, f.pk))
        ],
        "recommendations": [
            {"position": r.position, "text": r.text}
            for r in sorted(recommendations, key=lambda r: (r.position, r.pk))
        ],
        "updated_at": _iso(analysis.updated_at),
        "completed_at": _iso(analysis.completed_at),
    }


def ncmd_documents(
    *, case_ids: Sequence[int], exported_before: set[int] | None = None
) -> list[CaseDocument]:
    """The documents of these cases, in the order given: a fixed number of queries whatever
    their number (one per kind of record).

    `exported_before` names the cases already sent (for the `resend` flag); left out, it is
    read (one more query).
    """
    ids = list(case_ids)
    if not ids:
        return []
    cases = {c.pk: c for c in Case.objects.filter(pk__in=ids).select_related("area").order_by()}
    notifications: dict[int, list[Notification]] = defaultdict(list)
    for n in Notification.objects.filter(case_id__in=ids).order_by("received_at", "pk"):
        notifications[n.case_id].append(n)  # type: ignore[index]
    transitions: dict[int, list[CaseTransition]] = defaultdict(list)
    for t in CaseTransition.objects.filter(case_id__in=ids).order_by("at", "pk"):
        transitions[t.case_id].append(t)
    requests: dict[int, list[FormRequest]] = defaultdict(list)
    returned = (
        FormRequest.objects.filter(case_id__in=ids, status=FormRequest.Status.SUBMITTED)
        .select_related("organisation")
        .order_by("submitted_at", "pk")
    )
    request_ids: list[int] = []
    for r in returned:
        requests[r.case_id].append(r)
        request_ids.append(r.pk)
    forms: dict[int, list[RequestedForm]] = defaultdict(list)
    # The definitions apart, without their question schemas: joined to every form, each
    # row would carry (and decode) its definition's whole schema again.
    for f in RequestedForm.objects.filter(request_id__in=request_ids).order_by("pk"):
        forms[f.request_id].append(f)
    definition_ids = {f.definition_id for rows in forms.values() for f in rows}
    definitions = {
        d.pk: d
        for d in FormDefinition.objects.filter(pk__in=definition_ids).only(
            "code", "version", "kind", "title"
        )
    }
    analyses = {
        a.case_id: a
        for a in Analysis.objects.filter(case_id__in=ids)
        .select_related("form_version", "category")
        .prefetch_related("factors__domain", "recommendations")
    }
    if exported_before is None:
        exported_before = set(
            NcmdExport.objects.filter(case_id__in=ids).values_list("case_id", flat=True)
        )
    now = _iso(timezone.now())
    documents: list[CaseDocument] = []
    for case_id in ids:
        case = cases.get(case_id)
        if case is None:
            continue
        case_notifications = notifications.get(case_id, [])
        analysis = analyses.get(case_id)
        form_entries: list[dict[str, Any]] = []
        form_versions: dict[str, int] = {}
        for r in requests.get(case_id, []):
            answered = []
            for f in forms.get(r.pk, []):
                d = definitions[f.definition_id]
                form_versions[d.code] = max(form_versions.get(d.code, 0), d.version)
                answered.append(
                    {
                        "code": d.code,
                        "version": d.version,
                        "kind": d.kind,
                        "title": d.title,
                        "completed_at": _iso(f.completed_at),
                        "answers": f.answers or {},
                    }
                )
            form_entries.append(
                {
                    "agency": {"name": r.organisation.name, "kind": r.organisation.kind},
                    "requested_at": _iso(r.requested_at),
                    "returned_at": _iso(r.submitted_at),
                    "forms": answered,
                }
            )
        document = {
            "schema_version": SCHEMA_VERSION,
            "exported_at": now,
            "exporter": {
                "system": settings.SERVICE_NAME,
                "area_code": case.area.code,
                "area_name": case.area.name,
            },
            "case": {
                "reference": case.reference,
                "status": case.status,
                "status_changed_at": _iso(case.status_changed_at),
                "opened_at": _iso(case.opened_at),
                "finalised_at": _iso(case.finalised_at),
                "first_notified_at": (
                    _iso(case_notifications[0].received_at) if case_notifications else None
                ),
                "resend": case_id in exported_before,
                "reopened": case.ncmd_resend_needed,
                "status_history": [
                    {
                        "from_status": t.from_status or None,
                        "to_status": t.to_status,
                        "at": _iso(t.at),
                    }
                    for t in transitions.get(case_id, [])
                ],
            },
            "child": _child(case, case_notifications),
            "notifications": [_notification(n) for n in case_notifications],
            "reporting_forms": form_entries,
            "analysis": _analysis(analysis),
        }
        documents.append(
            CaseDocument(
                case_id=case_id,
                reference=case.reference,
                case_status=case.status,
                document=document,
                form_versions={
                    "notification_form": len(case_notifications),
                    "forms": form_versions,
                    "analysis": analysis.form_version.version if analysis else None,
                },
            )
        )
    return documents


def bulk_case_ids(
    *, area: Area, basis: str, date_from: dt.date, date_to: dt.date
) -> QuerySet[Case]:
    """The finalised cases of the area in the period, by id (the bulk export's keyset)."""
    cases = Case.objects.filter(area=area, status=Status.FINALISED)
    if basis == PeriodBasis.DATE_OF_DEATH:
        cases = cases.filter(date_of_death__gte=date_from, date_of_death__lte=date_to)
    else:
        cases = cases.filter(finalised_at__date__gte=date_from, finalised_at__date__lte=date_to)
    return cases.order_by("pk")


def bulk_case_id_batches(
    *, area: Area, basis: str, date_from: dt.date, date_to: dt.date, size: int = BATCH_SIZE
) -> Iterator[list[int]]:
    """The ids in batches, by keyset (id > the last one seen): each batch is one small
    query, so memory holds one batch of ids at a time however many cases match."""
    query = bulk_case_ids(area=area, basis=basis, date_from=date_from, date_to=date_to)
    last = 0
    while True:
        batch = list(query.filter(pk__gt=last).values_list("pk", flat=True)[:size])
        if not batch:
            return
        yield batch
        last = batch[-1]


def _last_export_at() -> Subquery:
    return Subquery(NcmdExport.objects.filter(case=OuterRef("pk")).order_by("-at").values("at")[:1])


def cases_needing_resend(*, area: Area) -> QuerySet[Case]:
    """Cases of the area whose record NCMD holds is out of date: reopened after being
    finalised (Case.ncmd_resend_needed), or changed since their last export (a new stage,
    a notification merged in, a form returned, the analysis edited). Annotated with
    `last_export_at` (null if never exported from here)."""
    last = OuterRef("last_export_at")
    # Only cases exported from here or reopened can need sending again: these two small
    # sets are read off their own indexes (NcmdExport's area and case; the case's partial
    # index of ncmd_resend_needed) instead of checking every case of the area.
    reopened = Case.objects.filter(area=area, ncmd_resend_needed=True).order_by().values("pk")
    exported = NcmdExport.objects.filter(area=area).order_by().values("case_id")
    candidates = Q(pk__in=reopened.union(exported))
    changed = (
        Q(status_changed_at__gt=F("last_export_at"))
        | Exists(Analysis.objects.filter(case=OuterRef("pk"), updated_at__gt=last))
        | Exists(FormRequest.objects.filter(case=OuterRef("pk"), submitted_at__gt=last))
        | Exists(Notification.objects.filter(case=OuterRef("pk"), received_at__gt=last))
    )
    return (
        Case.objects.filter(candidates, area=area)
        .exclude(status=Status.MERGED)
        .annotate(last_export_at=_last_export_at())
        .filter(Q(ncmd_resend_needed=True) | (Q(last_export_at__isnull=False) & changed))
        .order_by("reference")
    )


@dataclass(frozen=True)
class ResendRow:
    """A case of the area page's list of cases needing to be sent again."""

    reference: str
    status: str
    ncmd_resend_needed: bool
    last_export_at: dt.datetime | None

    def get_status_display(self) -> str:
        return str(dict(Status.choices).get(self.status, self.status))


# cases_needing_resend as fixed SQL, for the area page: built and compiled by the ORM (a
# union, three EXISTS and a subquery) it took several times longer in Python than the
# database took to answer it, on every opening. Same conditions, same order; held to the
# ORM's meaning by tests (ncmd/tests/test_resend_scale.py). The inner statement names the
# last export so that the outer one can compare with it on both databases.
_RESEND_SQL = f"""
SELECT t.reference, t.status, t.ncmd_resend_needed, t.last_export_at
FROM (
    SELECT c.id, c.reference, c.status, c.ncmd_resend_needed, c.status_changed_at,
        (SELECT e.at FROM {NcmdExport._meta.db_table} e
         WHERE e.case_id = c.id ORDER BY e.at DESC LIMIT 1) AS last_export_at
    FROM {Case._meta.db_table} c
    WHERE c.area_id = %s AND NOT (c.status = %s) AND c.id IN (
        SELECT r.id FROM {Case._meta.db_table} r WHERE r.area_id = %s AND r.ncmd_resend_needed
        UNION
        SELECT x.case_id FROM {NcmdExport._meta.db_table} x WHERE x.area_id = %s
    )
) t
WHERE t.ncmd_resend_needed OR (t.last_export_at IS NOT NULL AND (
    t.status_changed_at > t.last_export_at
    OR EXISTS (SELECT 1 FROM {Analysis._meta.db_table} a
               WHERE a.case_id = t.id AND a.updated_at > t.last_export_at)
    OR EXISTS (SELECT 1 FROM {FormRequest._meta.db_table} f
               WHERE f.case_id = t.id AND f.submitted_at > t.last_export_at)
    OR EXISTS (SELECT 1 FROM {Notification._meta.db_table} n
               WHERE n.case_id = t.id AND n.received_at > t.last_export_at)
))
ORDER BY t.reference
LIMIT %s
"""  # noqa: S608 - only table names are put in the text


def resend_rows(*, area: Area, limit: int) -> list[ResendRow]:
    """The first `limit` cases of cases_needing_resend(area=area), in its order, with what
    the area page shows of them (one fixed statement)."""
    rows = fetch_rows(_RESEND_SQL, [area.pk, Status.MERGED.value, area.pk, area.pk, limit])
    return [
        ResendRow(
            reference=reference,
            status=status,
            ncmd_resend_needed=bool(reopened),
            last_export_at=db_datetime(last),
        )
        for reference, status, reopened, last in rows
    ]


def case_needs_resend(*, case: Case) -> bool:
    return cases_needing_resend(area=case.area).filter(pk=case.pk).exists()


def case_exports(*, case: Case) -> list[NcmdExport]:
    return list(
        NcmdExport.objects.filter(case=case).select_related("by", "batch").order_by("-at", "-pk")
    )


@dataclass(frozen=True)
class BatchRow:
    """A bulk export as the area page lists it."""

    requested_at: dt.datetime
    requested_by_name: str  # "" when asked for on the command line
    basis: str
    date_from: dt.date
    date_to: dt.date
    status: str
    error: str
    case_count: int
    file_name: str
    sha256: str


@dataclass(frozen=True)
class SentRow:
    """A case sent one at a time, as the area page lists it."""

    reference: str
    at: dt.datetime
    by_name: str  # "" when sent from the command line


# The area page's two other lists as fixed SQL too (see _RESEND_SQL): each is read off its
# own index of the area (ncmdbatch_area_requested, ncmdexport_area_at).
_USER_TABLE = User._meta.db_table
_BATCHES_SQL = f"""
SELECT b.requested_at, u.full_name, b.basis, b.date_from, b.date_to, b.status, b.error,
    b.case_count, b.file_name, b.sha256
FROM {NcmdBatch._meta.db_table} b LEFT JOIN {_USER_TABLE} u ON u.id = b.requested_by_id
WHERE b.area_id = %s
ORDER BY b.requested_at DESC, b.id DESC
LIMIT %s
"""  # noqa: S608 - only table names are put in the text
_SENT_SQL = f"""
SELECT c.reference, e.at, u.full_name
FROM {NcmdExport._meta.db_table} e
    JOIN {Case._meta.db_table} c ON c.id = e.case_id
    LEFT JOIN {_USER_TABLE} u ON u.id = e.by_id
WHERE e.area_id = %s AND e.kind = %s
ORDER BY e.at DESC, e.id DESC
LIMIT %s
"""  # noqa: S608 - only table names are put in the text


def area_batches(*, area: Area, limit: int = 50) -> list[BatchRow]:
    """The area's latest bulk exports, the newest first (one fixed statement)."""
    return [
        BatchRow(
            requested_at=db_datetime(row[0]),  # type: ignore[arg-type]
            requested_by_name=row[1] or "",
            basis=row[2],
            date_from=db_date(row[3]),  # type: ignore[arg-type]
            date_to=db_date(row[4]),  # type: ignore[arg-type]
            status=row[5],
            error=row[6],
            case_count=row[7],
            file_name=row[8],
            sha256=row[9],
        )
        for row in fetch_rows(_BATCHES_SQL, [area.pk, limit])
    ]


def area_recent_exports(*, area: Area, limit: int = 50) -> list[SentRow]:
    """The area's latest cases sent one at a time, the newest first (one fixed statement)."""
    return [
        SentRow(reference=reference, at=db_datetime(at), by_name=name or "")  # type: ignore[arg-type]
        for reference, at, name in fetch_rows(
            _SENT_SQL, [area.pk, NcmdExport.Kind.SINGLE.value, limit]
        )
    ]


def batch_get(*, area: Area, pk: int) -> NcmdBatch | None:
    return NcmdBatch.objects.filter(area=area, pk=pk).first()
