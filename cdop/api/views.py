"""The API: a registered system notifies a death, and checks that its notification arrived."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cdop.api.docs import api_reference, curl_example
from cdop.api.selectors import notification_get_for_client
from cdop.api.serializers import (
    DetailSerializer,
    ErrorsSerializer,
    NotificationReceiptSerializer,
    NotificationStatusSerializer,
    NotificationSubmissionSerializer,
    example_submission,
)
from cdop.api.services import SubmissionTokenReusedError, notification_receive

SUBMISSION_REUSED = (
    "This submission token was used for a different notification. Send a new UUID for each "
    "notification, and the same one only when you retry."
)

_UNAUTHORISED = OpenApiResponse(
    DetailSerializer, description="The token is missing, not recognised, or revoked."
)
_THROTTLED = OpenApiResponse(
    DetailSerializer,
    description="Too many requests from this system, or too many wrong tokens from this "
    "address. The Retry-After header says how many seconds to wait.",
)


class _ApiView(APIView):  # type: ignore[misc]
    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # Answers carry references to a child's death: no cache may keep them.
        response["Cache-Control"] = "no-store"
        return response


class NotificationCreateView(_ApiView):
    @extend_schema(
        operation_id="notification_create",
        summary="Notify a child's death",
        description=(
            "Stores a notification in your system's child death review area and alerts the "
            "team. Send a new submission_token for each notification; a retry with the same "
            "token returns the notification already stored, with 200 instead of 201. The body "
            "may be at most 64 KB."
        ),
        request=NotificationSubmissionSerializer,
        responses={
            201: OpenApiResponse(
                NotificationReceiptSerializer, description="Stored: quote the reference."
            ),
            200: OpenApiResponse(
                NotificationReceiptSerializer,
                description="Already stored with this submission_token: the same reference.",
            ),
            400: OpenApiResponse(
                ErrorsSerializer, description="Something to correct, by field name."
            ),
            401: _UNAUTHORISED,
            413: OpenApiResponse(DetailSerializer, description="The body is larger than 64 KB."),
            415: OpenApiResponse(DetailSerializer, description="The body is not JSON."),
            429: _THROTTLED,
        },
        examples=[OpenApiExample("A notification", value=example_submission(), request_only=True)],
        tags=["Notifications"],
    )
    def post(self, request: Request) -> Response:
        submission = NotificationSubmissionSerializer(data=request.data)
        submission.is_valid(raise_exception=True)
        data = dict(submission.validated_data)
        token = data.pop("submission_token")
        try:
            notification, created = notification_receive(
                client=request.auth, submission_token=token, data=data
            )
        except SubmissionTokenReusedError:
            raise serializers.ValidationError({"submission_token": [SUBMISSION_REUSED]}) from None
        return Response(
            NotificationReceiptSerializer(notification).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"Location": reverse("api:notification-status", args=[notification.reference])},
        )


class NotificationStatusView(_ApiView):
    @extend_schema(
        operation_id="notification_status",
        summary="Check that a notification arrived",
        description=(
            "The reference, time received and status of a notification your system sent; "
            "nothing about the child. Any other reference gives 404."
        ),
        parameters=[
            OpenApiParameter(
                "reference",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                description="The reference the API answered when the notification was sent.",
                examples=[OpenApiExample("A reference", value="NTF-7K3Q-9XPA")],
            )
        ],
        responses={
            200: OpenApiResponse(
                NotificationStatusSerializer, description="Received: its reference and status."
            ),
            401: _UNAUTHORISED,
            404: OpenApiResponse(
                DetailSerializer,
                description="Your system sent no notification with this reference.",
            ),
            429: _THROTTLED,
        },
        tags=["Notifications"],
    )
    def get(self, request: Request, reference: str) -> Response:
        notification = notification_get_for_client(client=request.auth, reference=reference)
        return Response(NotificationStatusSerializer(notification).data)


def api_docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation as a page: made from the OpenAPI schema, with no scripts."""
    return render(
        request,
        "api/docs.html",
        {"reference": api_reference(), "curl": curl_example(settings.SITE_URL)},
    )
