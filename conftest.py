"""Shared fixtures: the named personas every test speaks of.

In LLR: alice (CDR manager), ada (administrator), devi (designated doctor), kim (key
worker), chris (panel chair), pat (panel member). olu manages cases in another area;
charlie has an account but no role anywhere. Every persona except charlie has a second
factor (TOTP) set up, as staff must.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client

from cdop.accounts.models import Role, User
from cdop.areas.models import Area
from cdop.core.tests.factories import AreaFactory, MembershipFactory, UserFactory
from cdop.core.tests.helpers import (  # noqa: F401 - fixtures for every test
    empty_cache,
    fast_password_hashing,
    fresh_audit_context,
    one_rate_window,
)


def make_persona(email: str, name: str, area: Area | None, role: str | None) -> User:
    user = UserFactory(email=email, full_name=name)
    if area is not None and role is not None:
        MembershipFactory(user=user, area=area, role=role)
    return user


def give_totp(user: User) -> str:
    """Set up an authenticator app for the user; returns the TOTP secret."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


@pytest.fixture(autouse=True)
def fresh_residence_cache() -> Iterator[None]:
    """The council mapping is cached in process memory; a test's rollback does not clear it."""
    from cdop.areas.residence import residence_cache_clear

    residence_cache_clear()
    yield
    residence_cache_clear()


@pytest.fixture(autouse=True)
def fresh_default_area() -> Iterator[None]:
    """Staff pages' footer area is kept in process memory for a minute. Each test starts
    without an earlier test's (from a database rolled back since), so that its statement
    counts no longer depend on when an earlier test looked the area up: a CI run counted
    the meetings list at 6 statements and then 7, that minute having ended in between."""
    from cdop.core.context_processors import default_area_forget

    default_area_forget()
    yield
    default_area_forget()


@pytest.fixture
def llr(db: None) -> Area:
    return Area.objects.get(slug="llr")  # seeded by migration


@pytest.fixture
def other_area(db: None) -> Area:
    return AreaFactory(slug="demo-shire", code="DEMO", name="Demo Shire", short_name="Demo Shire")


def _persona_fixture(
    email: str, name: str, role: str | None, area_fixture: str
) -> Callable[..., User]:
    @pytest.fixture
    def fixture(request: pytest.FixtureRequest) -> User:
        area = request.getfixturevalue(area_fixture) if area_fixture else None
        user = make_persona(email, name, area, role)
        give_totp(user)
        return user

    return fixture


alice = _persona_fixture("alice@llr.invalid", "Alice Manager", Role.CDR_MANAGER, "llr")
ada = _persona_fixture("ada@llr.invalid", "Ada Administrator", Role.ADMINISTRATOR, "llr")
devi = _persona_fixture("devi@llr.invalid", "Devi Doctor", Role.DESIGNATED_DOCTOR, "llr")
kim = _persona_fixture("kim@llr.invalid", "Kim Keyworker", Role.KEY_WORKER, "llr")
chris = _persona_fixture("chris@llr.invalid", "Chris Chair", Role.PANEL_CHAIR, "llr")
pat = _persona_fixture("pat@llr.invalid", "Pat Member", Role.PANEL_MEMBER, "llr")
olu = _persona_fixture("olu@demo.invalid", "Olu Otherarea", Role.CDR_MANAGER, "other_area")


@pytest.fixture
def charlie(db: None) -> User:
    """An account with no role anywhere and no second factor."""
    return make_persona("charlie@nowhere.invalid", "Charlie Norole", None, None)


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    """A browser-like client signed in as the user (who already has a second factor)."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
        return client

    return make
