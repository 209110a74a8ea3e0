"""Helpers shared by the tests: fast password hashing, and a valid notification to post."""

from __future__ import annotations

import datetime
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import time_machine
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from auditlog.context import auditlog_value
from django.core.cache import cache
from django.db import connection
from django.test import TestCase
from django.utils import timezone

from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.core.kept import kept_flushes_waiting
from cdop.core.tests.factories import MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Personas get a password each; the production hasher takes half a second per user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_audit_context() -> Iterator[None]:
    """auditlog's middleware leaves the last request's actor in the context after the
    response; start and end every test without one, so that one test's requests cannot
    decide whom a later test's audit entries name."""
    auditlog_value.set({})
    yield
    auditlog_value.set({})


@pytest.fixture
def empty_cache(db: None) -> None:
    """django-ratelimit and allauth count attempts in the (database) cache."""
    cache.clear()


@pytest.fixture
def one_rate_window() -> Iterator[None]:
    """The clock stands still, so a test counting up to a limit cannot cross the end of
    a fixed rate-limit window half-way and see the count start afresh (which CI once did
    for the link-guessing test, about one run in a hundred at its speed)."""
    with time_machine.travel(time.time(), tick=False):
        yield


@contextmanager
def committed() -> Iterator[None]:
    """Writes inside the block as if their transaction committed: its on-commit work runs at
    the end (a test's own transaction never commits). For the figures kept in the cache
    (cdop.core.kept), which a transaction forgets when it commits."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        yield
    # A flush registered before the block (an earlier write's) gathered keys inside it too.
    for flush in kept_flushes_waiting(connection):
        flush()


def date_parts(prefix: str, value: datetime.date) -> dict[str, str]:
    """The three GOV.UK date boxes of a field, as a browser posts them."""
    return {
        f"{prefix}_day": str(value.day),
        f"{prefix}_month": str(value.month),
        f"{prefix}_year": str(value.year),
    }


def notification_post(**overrides: Any) -> dict[str, str]:
    """A complete, valid notification, as the public form posts it. Every value is synthetic."""
    today = timezone.localdate()
    data: dict[str, Any] = {
        "submission_token": str(uuid.uuid4()),
        "child_first_name": "Amelia",
        "child_last_name": "Synthetic",
        **date_parts("child_date_of_birth", today - datetime.timedelta(days=400)),
        "child_sex": "female",
        "child_nhs_number": "9990000018",
        "child_postcode": "LE1 5WW",
        **date_parts("date_of_death", today - datetime.timedelta(days=2)),
        "expectedness": "unexpected",
        "circumstances": "Found unresponsive at home; taken to hospital by ambulance.",
        "notifier_name": "Sam Notifier",
        "notifier_role": "Paediatric registrar",
        "notifier_organisation": "Synthetic Hospitals NHS Trust",
        "notifier_email": "sam.notifier@example.invalid",
        "notifier_phone": "0116 496 0000",
    }
    data.update(overrides)
    return {key: str(value) for key, value in data.items() if value is not None}


def staff_member(email: str, name: str, area: Area, role: str) -> User:
    """Another member of staff with a role and a second factor, like the personas."""
    user = UserFactory(email=email, full_name=name)
    MembershipFactory(user=user, area=area, role=role)
    TOTP.activate(user, generate_totp_secret())
    return user


def error_summary_targets(html: str) -> list[str]:
    """The ids the error summary's links go to, each checked to be on the page: a link to an
    id that is not there (or to "#") moves nobody to the answer to fix."""
    summary = html.split('govuk-error-summary__list"', 1)[1].split("</ul>", 1)[0]
    targets = re.findall(r'<a href="#([^"]*)"', summary)
    for target in targets:
        assert target, "an error summary link goes nowhere"
        assert f'id="{target}"' in html, f"the error summary links to #{target}, not on the page"
    return targets


def page_of(html: str) -> tuple[int, int]:
    """(this page, the last page) as the GOV.UK pagination shows them: the current page is
    the link marked aria-current, and the last page's number is always listed."""
    nav = html.split('<nav class="govuk-pagination"', 1)[1].split("</nav>", 1)[0]
    current = re.findall(r'aria-current="page">(\d+)</a>', nav)
    numbers = [int(n) for n in re.findall(r'aria-label="Page (\d+)"', nav)]
    assert len(current) == 1, "one page is marked as the current one"
    return int(current[0]), max(numbers)
