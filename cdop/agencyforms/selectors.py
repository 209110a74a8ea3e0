"""Reading Reporting Form requests: per case, one request, and outstanding across an area.

Every reader starts from something the user may read (case_get_for_user, or the areas they
read in full), so anyone else gets a 404 or an empty list. Each runs a fixed number of
queries whatever the number of requests.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import quote

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.agencies.models import Organisation
from cdop.agencyforms.models import Chase, FormRequest, RequestedForm
from cdop.cases.models import Case

OPEN_STATUSES = (FormRequest.Status.REQUESTED, FormRequest.Status.IN_PROGRESS)


@dataclass(frozen=True)
class RequestRow:
    """A request as the team reads it: with whom, since when, and how late."""

    request: FormRequest
    days_outstanding: int | None  # calendar days since requested, while open
    days_overdue: int  # calendar days past the due date, while open (0 if not late)

    @property
    def is_open(self) -> bool:
        return self.request.status in OPEN_STATUSES


def request_row(request: FormRequest, *, today: datetime.date) -> RequestRow:
    if request.status in OPEN_STATUSES:
        since = timezone.localdate(request.requested_at)
        return RequestRow(
            request=request,
            days_outstanding=(today - since).days,
            days_overdue=max(0, (today - request.due_on).days),
        )
    return RequestRow(request=request, days_outstanding=None, days_overdue=0)


def form_requests_for_case(*, case: Case) -> list[RequestRow]:
    """Every request of the case, open ones first (oldest due first). Two queries."""
    requests = (
        FormRequest.objects.filter(case=case)
        .select_related("contact", "organisation")
        .order_by("due_on", "pk")
    )
    today = timezone.localdate()
    rows = [request_row(r, today=today) for r in requests]
    rows.sort(key=lambda row: (not row.is_open, row.request.due_on, row.request.pk))
    return rows


def form_request_get_for_user(*, user: User, case: Case, pk: int) -> FormRequest:
    """A request of a case the caller already checked readable; 404 if it is not this
    case's (so request numbers cannot be walked across cases)."""
    found = (
        FormRequest.objects.select_related("contact", "organisation", "requested_by", "revoked_by")
        .filter(pk=pk, case=case)
        .first()
    )
    if found is None or not permissions.can_view_case(user, case):
        raise Http404
    found.case = case
    return found


def requested_forms_of(*, form_request: FormRequest) -> list[RequestedForm]:
    return list(form_request.forms.select_related("definition").order_by("pk"))


def chases_of(*, form_request: FormRequest) -> list[Chase]:
    return list(form_request.chases.select_related("by").order_by("sent_at", "pk"))


def outstanding_form_requests(
    *, user: User, organisation_id: int | None = None, overdue_only: bool = False
) -> QuerySet[FormRequest]:
    """Open requests across the areas the user reads in full, oldest due first."""
    area_ids = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    # area_id is the request's own copy: no join to the cases (formrequest_open_area_due).
    query = FormRequest.objects.filter(status__in=OPEN_STATUSES, area_id__in=area_ids).order_by(
        "due_on", "pk"
    )
    if organisation_id is not None:
        query = query.filter(organisation_id=organisation_id)
    if overdue_only:
        query = query.filter(due_on__lt=timezone.localdate())
    return query


@dataclass(frozen=True)
class OutstandingRow:
    """One line of the area's list, ready to print: read as plain values (no model
    instances), since the page is about the number of rows and nothing else."""

    pk: int
    url: str
    case_reference: str
    organisation: str
    contact: str
    status_label: str
    status_colour: str  # the GOV.UK tag's modifier
    due_on: str  # "3 Nov 2026"
    overdue: str  # "3 days overdue", or ""
    days_outstanding: int
    last_chased_on: str  # "Not yet" if never


def _short_date(day: datetime.date) -> str:
    return f"{day.day} {day:%b %Y}"


def _overdue(today: datetime.date, due_on: datetime.date) -> str:
    days = (today - due_on).days
    if days <= 0:
        return ""
    return f"{days} day{'s' if days != 1 else ''} overdue"


def outstanding_rows(
    *, page_ids: list[int], organisation_names: dict[int, str]
) -> list[OutstandingRow]:
    """The rows of one page, read by id in one query (the page is chosen on the bare
    queryset first, so the joins run over a page, not the whole area)."""
    labels = dict(FormRequest.Status.choices)
    today = timezone.localdate()
    # One reverse() for the page: the case reference is letters, digits and hyphens.
    url_pattern = reverse("agencyforms:detail", kwargs={"reference": "REF", "pk": 1})
    url_pattern = url_pattern.replace("/REF/", "/{reference}/").replace("/1/", "/{pk}/")
    found = {
        values[0]: values
        # The organisations' names come from the filter's list (already read), so this
        # query joins only what it must; no ORDER BY, as the page's order is page_ids'.
        for values in FormRequest.objects.filter(pk__in=page_ids)
        .order_by()
        .values_list(
            "pk",
            "case__reference",
            "organisation_id",
            "contact__name",
            "status",
            "requested_at",
            "due_on",
            "last_chased_at",
        )
    }
    rows = []
    for pk in page_ids:
        if pk not in found:
            continue
        _, reference, organisation_id, contact, status, requested_at, due_on, chased = found[pk]
        rows.append(
            OutstandingRow(
                pk=pk,
                url=url_pattern.format(reference=quote(reference), pk=pk),
                case_reference=reference,
                organisation=organisation_names.get(organisation_id, ""),
                contact=contact,
                status_label=str(labels.get(status, status)),
                status_colour="blue" if status == FormRequest.Status.IN_PROGRESS else "yellow",
                due_on=_short_date(due_on),
                overdue=_overdue(today, due_on),
                days_outstanding=(today - timezone.localdate(requested_at)).days,
                last_chased_on=_short_date(timezone.localdate(chased)) if chased else "Not yet",
            )
        )
    return rows


class OrganisationChoice(NamedTuple):
    pk: int
    name: str


def outstanding_organisations(*, user: User) -> list[OrganisationChoice]:
    """Organisations of the user's areas, for the filter: plain (id, name) pairs, as the page
    lists every organisation of the area on each opening."""
    area_ids = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    return [
        OrganisationChoice(pk, name)
        for pk, name in Organisation.objects.filter(area_id__in=area_ids)
        .order_by("name")
        .values_list("pk", "name")
    ]
