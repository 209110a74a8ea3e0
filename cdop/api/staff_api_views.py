"""The staff API: read-only JSON of cases, notifications, actions and statistics, for staff
tools and analysts, with the same rules as the pages.

Each view asks the page's own selector or predicate (cdop.api.selectors says which), audits
every read of case data as the pages do, and answers only GET (405 for anything else).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db.models import Model, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cdop.accounts.models import User
from cdop.actions.models import Action
from cdop.api import presenters, selectors
from cdop.api.authentication import (
    IsSignedInStaff,
    MFASessionAuthentication,
    PersonalTokenAuthentication,
)
from cdop.api.exceptions import staff_api_exception_handler
from cdop.api.models import PersonalAccessToken
from cdop.api.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE, MAX_PAGE_SIZE, StaffPagination
from cdop.api.serializers import DetailSerializer, ErrorsSerializer
from cdop.api.services import staff_api_list_audit
from cdop.api.staff_filters import (
    ActionFilterSerializer,
    AnnualReportFilterSerializer,
    CaseFilterSerializer,
    NotificationFilterSerializer,
    StaffFilters,
    StatisticsFilterSerializer,
    staff_filters_checked,
)
from cdop.api.staff_serializers import (
    ActionDetailSerializer,
    ActionSummarySerializer,
    AnnualReportSerializer,
    AreaStatisticsSerializer,
    CaseDetailSerializer,
    CaseSummarySerializer,
    NotificationDetailSerializer,
    NotificationSummarySerializer,
)
from cdop.api.throttling import StaffUserThrottle
from cdop.audit.services import audit_actor, audit_read
from cdop.cases.models import Case
from cdop.notifications.models import Notification
from cdop.reporting.annual import Period
from cdop.reporting.selectors import reporting_year

_TAG_CASES, _TAG_NOTIFICATIONS = "Staff API: cases", "Staff API: notifications"
_TAG_ACTIONS, _TAG_STATISTICS = "Staff API: actions", "Staff API: statistics"

_BAD_REQUEST = OpenApiResponse(
    ErrorsSerializer,
    description="A filter or page value that is not understood, or a filter this list does "
    "not have: what to send instead, by parameter name.",
)
_UNAUTHORISED = OpenApiResponse(
    DetailSerializer,
    description="No personal access token and no signed-in session, or the token is not "
    "recognised, expired or revoked, or its owner's account is inactive or has no second "
    "factor.",
)
_FORBIDDEN = OpenApiResponse(
    DetailSerializer,
    description="A signed-in session whose account has no second factor set up.",
)
_THROTTLED = OpenApiResponse(
    DetailSerializer,
    description="Too many requests from this person, or too many wrong tokens from this "
    "address. The Retry-After header says how many seconds to wait.",
)
_PAGE_NOT_FOUND = OpenApiResponse(
    DetailSerializer, description="A page past the end of the list: it says how many there are."
)


def _not_found(what: str) -> OpenApiResponse:
    return OpenApiResponse(
        DetailSerializer,
        description=f"No {what} with that reference that you may read (the same answer whether "
        "it does not exist or you may not read it).",
    )


def _errors(not_found: OpenApiResponse | None = None) -> dict[int, OpenApiResponse]:
    errors = {401: _UNAUTHORISED, 403: _FORBIDDEN}
    if not_found is not None:
        errors[404] = not_found
    return {**errors, 429: _THROTTLED}


class StaffApiView(APIView):  # type: ignore[misc]
    """A person reads, by personal token or signed-in session; GET only."""

    authentication_classes = [PersonalTokenAuthentication, MFASessionAuthentication]
    permission_classes = [IsSignedInStaff]
    throttle_classes = [StaffUserThrottle]
    renderer_classes = [JSONRenderer]
    http_method_names = ["get", "head"]
    not_found_message = "Nothing with that reference that you may read."

    def get_exception_handler(self) -> Any:
        return staff_api_exception_handler

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Answers carry a child's details: no cache may keep them.
        response["Cache-Control"] = "no-store"
        if isinstance(getattr(request, "auth", None), PersonalAccessToken):
            # DRF hands the token's owner to Django's request too; the middleware that keeps
            # roles in the session would then start a session (a row and a cookie) for every
            # token request. A token is not a sign-in: nothing of it belongs in a session.
            request._request.user = AnonymousUser()
        return response

    @property
    def user(self) -> User:
        user = self.request.user
        assert isinstance(user, User)  # noqa: S101 - IsSignedInStaff let only a person in
        return user


class _ListView(StaffApiView):
    """A filtered, paged list, audited like an export of the pages' lists.

    Its rows are built in Python from the columns they show (cdop.api.presenters), the same
    JSON as `row_serializer`, which describes them in the schema."""

    pagination_class = StaffPagination
    filter_serializer: type[serializers.Serializer] = CaseFilterSerializer
    row_serializer: type[serializers.Serializer] = CaseSummarySerializer
    model: type[Model] = Case
    listing = "case_list"
    # The area's id first (for the audit), then what the rows show.
    page_rows: presenters.PageRows = presenters.CASE_PAGE
    build_rows: Callable[[Sequence[presenters.Row]], list[dict[str, Any]]] = staticmethod(
        presenters.case_rows
    )

    def rows(self, filters: StaffFilters) -> QuerySet[Any]:
        raise NotImplementedError

    def total(self, filters: StaffFilters) -> int | None:
        """How many rows the list holds, if known without counting them; None to count."""
        return None

    def reference_of(self, row: presenters.Row) -> str:
        return str(row[1])

    def get(self, request: Request) -> Response:
        filters = staff_filters_checked(self.filter_serializer, request.query_params)
        paginator = self.pagination_class()
        page = paginator.paginate_rows(
            self.rows(filters), request, rows=self.page_rows, total=self.total(filters)
        )
        references: dict[int, list[str]] = {}
        for row in page:
            references.setdefault(row[0], []).append(self.reference_of(row))
        staff_api_list_audit(
            user=self.user,
            model=self.model,
            listing=self.listing,
            terms={k: ", ".join(v) for k, v in request.query_params.lists() if any(v)},
            references=references,
        )
        return paginator.get_paginated_response(self.build_rows([row[1:] for row in page]))


_PAGE_PARAMETERS = [
    OpenApiParameter(
        "page",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        OpenApiParameter.QUERY,
        description="Which page, from 1.",
    ),
    OpenApiParameter(
        "page_size",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
        OpenApiParameter.QUERY,
        description=f"Rows a page, 1 to {MAX_PAGE_SIZE} (default {DEFAULT_PAGE_SIZE}).",
    ),
]


_Get = TypeVar("_Get", bound=Callable[..., Response])


def _list_schema(
    *, operation_id: str, summary: str, description: str, filters: Any, rows: Any, tag: str
) -> Callable[[_Get], _Get]:
    decorator: Callable[[_Get], _Get] = extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=description,
        parameters=[filters, *_PAGE_PARAMETERS],
        responses={
            200: OpenApiResponse(rows(many=True), description="A page of the list."),
            400: _BAD_REQUEST,
            **_errors(_PAGE_NOT_FOUND),
        },
        tags=[tag],
    )
    return decorator


def _reference_parameter(example: str) -> OpenApiParameter:
    return OpenApiParameter(
        "reference",
        OpenApiTypes.STR,
        OpenApiParameter.PATH,
        description=f"The reference, like {example}.",
        examples=[OpenApiExample("A reference", value=example)],
    )


# --- Cases -------------------------------------------------------------------------------------


class CaseListView(_ListView):
    filter_serializer = CaseFilterSerializer
    row_serializer = CaseSummarySerializer
    model = Case
    listing = "case_list"

    def rows(self, filters: StaffFilters) -> QuerySet[Case]:
        return selectors.staff_case_list(user=self.user, filters=filters)

    def total(self, filters: StaffFilters) -> int | None:
        return selectors.staff_case_total(user=self.user, filters=filters)

    @_list_schema(
        operation_id="staff_case_list",
        summary="List cases",
        description=(
            "The cases you may read, as on the case list: every case of the areas where you "
            "are an administrator, CDR manager or designated doctor; as a key worker, the "
            "cases you are the key worker for; as a panel chair or member, none (the panel "
            "works from anonymised papers). The most recently opened first. No names, NHS "
            "numbers or dates of birth: read one case for those. Each page read is recorded "
            "in the audit log."
        ),
        filters=CaseFilterSerializer,
        rows=CaseSummarySerializer,
        tag=_TAG_CASES,
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class CaseDetailView(StaffApiView):
    not_found_message = "No case with that reference that you may read."

    @extend_schema(
        operation_id="staff_case_detail",
        summary="Read one case",
        description=(
            "One case with the child's identifiers, its notifications and every change of "
            "status, for the people who may read its page. Recorded in the audit log as a "
            "view of the case, like opening its page."
        ),
        parameters=[_reference_parameter("LLR-2026-0042")],
        responses={
            200: OpenApiResponse(CaseDetailSerializer, description="The case."),
            **_errors(_not_found("case")),
        },
        tags=[_TAG_CASES],
    )
    def get(self, request: Request, reference: str) -> Response:
        case = selectors.staff_case_get(user=self.user, reference=reference)
        with audit_actor(self.user):
            audit_read(obj=case)
        return Response(CaseDetailSerializer(case).data)


# --- Notifications -----------------------------------------------------------------------------


class NotificationListView(_ListView):
    filter_serializer = NotificationFilterSerializer
    row_serializer = NotificationSummarySerializer
    model = Notification
    listing = "notification_list"
    page_rows = presenters.NOTIFICATION_PAGE
    build_rows = staticmethod(presenters.notification_rows)

    def rows(self, filters: StaffFilters) -> QuerySet[Notification]:
        return selectors.staff_notification_list(user=self.user, filters=filters)

    def total(self, filters: StaffFilters) -> int | None:
        return selectors.staff_notification_total(user=self.user, filters=filters)

    @_list_schema(
        operation_id="staff_notification_list",
        summary="List notifications",
        description=(
            "The notifications you may read: every one sent to the areas where you run cases "
            "(administrator, CDR manager, designated doctor), and as a key worker those of "
            "the cases you may read. The most recently received first. No names or NHS "
            "numbers: read one notification for those. Each page read is recorded in the "
            "audit log."
        ),
        filters=NotificationFilterSerializer,
        rows=NotificationSummarySerializer,
        tag=_TAG_NOTIFICATIONS,
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class NotificationDetailView(StaffApiView):
    not_found_message = "No notification with that reference that you may read."

    @extend_schema(
        operation_id="staff_notification_detail",
        summary="Read one notification",
        description=(
            "One notification with the child's identifiers and the notifier's account, for "
            "the people who may read its page. Recorded in the audit log as a view of the "
            "notification."
        ),
        parameters=[_reference_parameter("NTF-7K3Q-9XPA")],
        responses={
            200: OpenApiResponse(NotificationDetailSerializer, description="The notification."),
            **_errors(_not_found("notification")),
        },
        tags=[_TAG_NOTIFICATIONS],
    )
    def get(self, request: Request, reference: str) -> Response:
        notification = selectors.staff_notification_get(user=self.user, reference=reference)
        with audit_actor(self.user):
            audit_read(obj=notification)
        return Response(NotificationDetailSerializer(notification).data)


# --- Actions -----------------------------------------------------------------------------------


class ActionListView(_ListView):
    filter_serializer = ActionFilterSerializer
    row_serializer = ActionSummarySerializer
    model = Action
    listing = "action_list"
    page_rows = presenters.ACTION_PAGE
    build_rows = staticmethod(presenters.action_rows)

    def rows(self, filters: StaffFilters) -> QuerySet[Action]:
        return selectors.staff_action_list(user=self.user, filters=filters)

    def total(self, filters: StaffFilters) -> int | None:
        return selectors.staff_action_total(user=self.user, filters=filters)

    def reference_of(self, row: presenters.Row) -> str:
        return f"ACT-{row[1]:05d}"  # Action.number, from its pk

    @_list_schema(
        operation_id="staff_action_list",
        summary="List actions",
        description=(
            "The action tracker's rows: every action of the areas where you read every case "
            "(administrator, CDR manager, designated doctor); none for other roles. The "
            "soonest due first. Each page read is recorded in the audit log."
        ),
        filters=ActionFilterSerializer,
        rows=ActionSummarySerializer,
        tag=_TAG_ACTIONS,
    )
    def get(self, request: Request) -> Response:
        return super().get(request)


class ActionDetailView(StaffApiView):
    not_found_message = "No action with that number that you may read."

    @extend_schema(
        operation_id="staff_action_detail",
        summary="Read one action",
        description=(
            "One action with its evidence and every change of status, for the people who may "
            "read it on the tracker. Recorded in the audit log as a view of the action."
        ),
        parameters=[
            OpenApiParameter(
                "id",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description="The action's id (the id of a row of the list).",
            )
        ],
        responses={
            200: OpenApiResponse(ActionDetailSerializer, description="The action."),
            **_errors(_not_found("action")),
        },
        tags=[_TAG_ACTIONS],
    )
    def get(self, request: Request, id: int) -> Response:
        action = selectors.staff_action_get(user=self.user, pk=id)
        with audit_actor(self.user):
            audit_read(obj=action)
        return Response(ActionDetailSerializer(action).data)


# --- Statistics --------------------------------------------------------------------------------


class StatisticsView(StaffApiView):
    @extend_schema(
        operation_id="staff_statistics",
        summary="Statistics by area",
        description=(
            "The statistics page's figures for each area where you hold any role: "
            "notifications received, cases opened and reviews finalised in a reporting year "
            "(1 April to 31 March), and the area's cases by status now. Counts only: nothing "
            "about any child, so not audited."
        ),
        parameters=[StatisticsFilterSerializer],
        responses={
            200: OpenApiResponse(
                AreaStatisticsSerializer(many=True), description="One entry per area."
            ),
            400: _BAD_REQUEST,
            **_errors(),
        },
        tags=[_TAG_STATISTICS],
    )
    def get(self, request: Request) -> Response:
        checked = StatisticsFilterSerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        area = checked.validated_data.get("area")
        year = checked.validated_data.get("reporting_year")
        # Any day of a reporting year chooses it: its 1 April.
        today = datetime.date(year, 4, 1) if year is not None else timezone.localdate()
        stats = selectors.staff_statistics(
            user=self.user, area_id=area.pk if area else None, today=today
        )
        start, _end = reporting_year(today)
        return Response(AreaStatisticsSerializer([(s, start) for s in stats], many=True).data)


class AnnualReportView(StaffApiView):
    not_found_message = "No annual report for that area that you may read."

    @extend_schema(
        operation_id="staff_annual_report",
        summary="The annual report of an area",
        description=(
            "The annual report's figures for one area and period (the last complete year to "
            "31 March unless date_from and date_to are given), as its page, PDF and "
            "spreadsheet publish them: every number from 1 to 4, and any that would reveal "
            "one, suppressed. For anyone with a role in the area. Counts only: not audited."
        ),
        parameters=[AnnualReportFilterSerializer],
        responses={
            200: OpenApiResponse(AnnualReportSerializer, description="The report."),
            400: _BAD_REQUEST,
            **_errors(
                OpenApiResponse(
                    DetailSerializer,
                    description="No role in that area (the same answer as for an area with "
                    "no report).",
                )
            ),
        },
        tags=[_TAG_STATISTICS],
    )
    def get(self, request: Request) -> Response:
        checked = AnnualReportFilterSerializer(data=request.query_params)
        checked.is_valid(raise_exception=True)
        data = checked.validated_data
        start, end = data.get("date_from"), data.get("date_to")
        report = selectors.staff_annual_report(
            user=self.user,
            area=data["area"],
            period=Period(start, end) if start and end else None,
        )
        return Response(AnnualReportSerializer(report).data)
