"""The API's personas: `royal` is a hospital system registered in LLR by ada; `retired`
was registered and revoked; `elsewhere` belongs to another area."""

from __future__ import annotations

import datetime
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cdop.accounts.models import User
from cdop.api.services import api_client_register, api_client_revoke
from cdop.areas.models import Area
from cdop.notifications.models import ApiClient

URL = "/api/v1/notifications/"


class Registered:
    def __init__(self, client: ApiClient, token: str) -> None:
        self.client = client
        self.token = token


@pytest.fixture
def royal(llr: Area, ada: User) -> Registered:
    return Registered(*api_client_register(area=llr, name="Royal Infirmary EPR", by=ada))


@pytest.fixture
def retired(llr: Area, ada: User) -> Registered:
    client, token = api_client_register(area=llr, name="Old PAS", by=ada)
    api_client_revoke(client=client, by=ada)
    return Registered(client, token)


@pytest.fixture
def elsewhere(other_area: Area, ada: User) -> Registered:
    return Registered(*api_client_register(area=other_area, name="Demo EPR", by=ada))


def api_payload(**overrides: Any) -> dict[str, Any]:
    """A complete, valid notification as a system sends it. Every value is synthetic."""
    today = timezone.localdate()
    data: dict[str, Any] = {
        "submission_token": str(uuid.uuid4()),
        "child_first_name": "Amelia",
        "child_last_name": "Synthetic",
        "child_date_of_birth": (today - datetime.timedelta(days=400)).isoformat(),
        "child_sex": "female",
        "child_nhs_number": "9990000018",
        "child_postcode": "LE1 5WW",
        "date_of_death": (today - datetime.timedelta(days=2)).isoformat(),
        "expectedness": "unexpected",
        "circumstances": "Found unresponsive at home; taken to hospital by ambulance.",
        "notifier_name": "Sam Notifier",
        "notifier_role": "Paediatric registrar",
        "notifier_organisation": "Synthetic Hospitals NHS Trust",
        "notifier_email": "sam.notifier@example.invalid",
        "notifier_phone": "0116 496 0000",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def api_post(db: None) -> Callable[..., Any]:
    """POST JSON to the notifications endpoint, with a token (or none)."""

    def post(payload: Any, token: str | None = None, **extra: Any) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        body = payload if isinstance(payload, str | bytes) else json.dumps(payload)
        return Client().post(URL, body, content_type="application/json", **headers, **extra)

    return post


# --- The staff API --------------------------------------------------------------------------

STAFF = "/api/staff/v1/"


def token_for(user: User, days: int = 90) -> str:
    """A personal access token for the user (made as the token page makes it)."""
    from cdop.api.services import personal_token_create

    return personal_token_create(user=user, name="Analysis notebook", days=days)[1]


@pytest.fixture
def staff_get(db: None) -> Callable[..., Any]:
    """GET from the staff API with a personal token (or none)."""

    def get(path: str, token: str | None = None, **params: Any) -> Any:
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        return Client().get(STAFF + path, params, **headers)

    return get
