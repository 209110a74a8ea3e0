"""What agency Reporting Forms add to the case: its page section, the blocker and the
chronology entries (registered in AgencyformsConfig.ready())."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone

from cdop.accounts import permissions
from cdop.agencyforms.models import Chase, FormRequest
from cdop.agencyforms.selectors import OPEN_STATUSES, form_requests_for_case
from cdop.cases.blockers import Blocker, BlockerQuery, BlockerRow, blocker_queries_run
from cdop.chronology.registry import Entry, Kind
from cdop.core.compiled import compiled_rows
from cdop.core.db import db_datetime
from cdop.securelinks.models import SecureLink

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdop.accounts.models import User
    from cdop.cases.models import Case

BLOCKER_KIND = "agency_forms"
KINDS = [
    Kind(key="agency_form", label="Agency Reporting Forms"),
    Kind(key="agency_form_chase", label="Reporting Form reminders"),
]


def agency_forms_section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """Two queries: the requests (with organisation and contact) and nothing else."""
    rows = form_requests_for_case(case=case)
    return {
        "rows": rows,
        "open_count": sum(1 for row in rows if row.is_open),
        "can_manage": permissions.can_manage_case(request.user, case),
    }


def _blockers_build(rows: list[BlockerRow]) -> dict[int, list[Blocker]]:
    found: dict[int, list[Blocker]] = {}
    for _tag, case_id, _d1, _d2, since, count in rows:
        at = db_datetime(since)
        found[case_id] = [
            Blocker(
                kind=BLOCKER_KIND,
                reason=f"Waiting for {count} agency Reporting Form{'s' if count != 1 else ''}",
                since=timezone.localdate(at) if at else None,
            )
        ]
    return found


# For each case with open requests: how many, and since when (the case-and-status index
# answers it). Explains, refuses nothing: a case can go to its review meeting with a form
# missing (the panel decides whether to wait), so no transition is blocked. A piece of the
# blockers' statement (cdop.cases.blockers.BlockerQuery).
BLOCKERS = BlockerQuery(
    sql=f"SELECT '{BLOCKER_KIND}', case_id, NULL, NULL, MIN(requested_at), COUNT(*)"  # noqa: S608
    " FROM agencyforms_formrequest WHERE case_id IN (SELECT id FROM cases)"
    f" AND status IN ({', '.join(['%s'] * len(OPEN_STATUSES))}) GROUP BY case_id",
    tags=frozenset({BLOCKER_KIND}),
    build=_blockers_build,
    params=tuple(OPEN_STATUSES),
)


def agency_forms_blockers(case_ids: list[int]) -> dict[int, list[Blocker]]:
    """The outstanding Reporting Forms of these cases. One query."""
    return blocker_queries_run([BLOCKERS], case_ids)


def agency_forms_chronology(user: User, case: Case) -> Iterable[Entry]:
    """Requests, starts, link opens, returns, withdrawals and reminders: three queries."""
    entries: list[Entry] = []
    requests = compiled_rows(
        "chronology.form_requests",
        lambda case_id: FormRequest.objects.filter(case_id=case_id).select_related(
            "organisation", "contact", "requested_by", "revoked_by"
        ),
        case.pk,
    )
    by_pk = {r.pk: r for r in requests}
    for r in requests:
        url = reverse("agencyforms:detail", kwargs={"reference": case.reference, "pk": r.pk})
        who = f"{r.contact.name}, {r.organisation.name}"
        entries.append(
            Entry(
                at=r.requested_at,
                kind="agency_form",
                title=f"Reporting Form requested from {r.organisation.name}",
                detail=f"Sent to {who}; due {r.due_on:%-d %B %Y}.",
                by=str(r.requested_by),
                url=url,
            )
        )
        if r.first_opened_at:
            entries.append(
                Entry(
                    at=r.first_opened_at,
                    kind="agency_form",
                    title=f"Reporting Form started by {r.organisation.name}",
                    detail=who,
                    url=url,
                )
            )
        if r.submitted_at:
            entries.append(
                Entry(
                    at=r.submitted_at,
                    kind="agency_form",
                    title=f"Reporting Form returned by {r.organisation.name}",
                    detail=who,
                    url=url,
                )
            )
        if r.revoked_at:
            entries.append(
                Entry(
                    at=r.revoked_at,
                    kind="agency_form",
                    title=f"Reporting Form request to {r.organisation.name} withdrawn",
                    detail=r.revoke_reason,
                    by=str(r.revoked_by) if r.revoked_by else "",
                    url=url,
                )
            )
    if by_pk:
        # Each open is in the audit log; the chronology says when each link was last used.
        links = compiled_rows(
            "chronology.form_links",
            lambda case_id: SecureLink.objects.filter(
                form_request__case_id=case_id, last_opened_at__isnull=False
            ).only("form_request_id", "last_opened_at", "open_count"),
            case.pk,
        )
        for link in links:
            opened = by_pk.get(link.form_request_id or 0)
            if opened is None or link.last_opened_at is None:
                continue
            entries.append(
                Entry(
                    at=link.last_opened_at,
                    kind="agency_form",
                    title=f"Reporting Form link opened by {opened.organisation.name}",
                    detail=f"Opened {link.open_count} time{'s' if link.open_count != 1 else ''}"
                    " with this link, most recently at this time.",
                    url=reverse(
                        "agencyforms:detail", kwargs={"reference": case.reference, "pk": opened.pk}
                    ),
                )
            )
        chases = compiled_rows(
            "chronology.form_chases",
            lambda case_id: Chase.objects.filter(request__case_id=case_id).select_related("by"),
            case.pk,
        )
        for chase in chases:
            r = by_pk[chase.request_id]
            to = (
                "the CDR team"
                if chase.kind == Chase.Kind.ESCALATION
                else f"{r.contact.name}, {r.organisation.name}"
            )
            entries.append(
                Entry(
                    at=chase.sent_at,
                    kind="agency_form_chase",
                    title=f"{chase.get_kind_display()}: Reporting Form from {r.organisation.name}",
                    detail=f"Sent to {to}.",
                    by=str(chase.by) if chase.by else "",
                    url=reverse(
                        "agencyforms:detail", kwargs={"reference": case.reference, "pk": r.pk}
                    ),
                )
            )
    return entries
