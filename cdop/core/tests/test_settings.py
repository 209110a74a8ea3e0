"""Settings come from the environment through one typed loader that fails fast and clearly."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from config.env import Env, ImproperlyConfiguredError

BASE_DIR = Path(__file__).resolve().parents[3]


def manage(*args: str, **environ: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SECURE_", "PYTEST_"))
        and key not in {"FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"}
    }
    env.update(environ)
    return subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def random_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(60))


def field_keys() -> dict[str, str]:
    """Production's encryption keys (cdop.core.crypto): two field keys and an index key."""
    newest, older = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    return {"FIELD_ENCRYPTION_KEYS": f"{newest},{older}", "BLIND_INDEX_KEY": random_key()}


# --- Env: each kind of value, and the message when it is wrong ---------------------------


def test_a_required_string_that_is_missing_stops_start_up_by_name():
    with pytest.raises(
        ImproperlyConfiguredError, match="DJANGO_SECRET_KEY is required but not set"
    ):
        Env({}).str("DJANGO_SECRET_KEY")


def test_a_string_falls_back_to_its_default_and_keeps_an_empty_value():
    assert Env({}).str("NAME", "fallback") == "fallback"
    assert Env({"NAME": ""}).str("NAME", "fallback") == ""


@pytest.mark.parametrize("text", ["1", "true", "True", "YES", "on", " true "])
def test_a_boolean_accepts_the_usual_ways_of_saying_yes(text):
    assert Env({"FLAG": text}).bool("FLAG", False) is True


@pytest.mark.parametrize("text", ["0", "false", "No", "off", ""])
def test_a_boolean_accepts_the_usual_ways_of_saying_no(text):
    assert Env({"FLAG": text}).bool("FLAG", True) is False


@pytest.mark.parametrize("text", ["maybe", "2", "tru", "enabled"])
def test_a_boolean_that_is_neither_stops_start_up(text):
    with pytest.raises(
        ImproperlyConfiguredError, match=f"FLAG must be true or false, not '{text}'"
    ):
        Env({"FLAG": text}).bool("FLAG", False)


def test_a_missing_boolean_takes_its_default():
    assert Env({}).bool("FLAG", True) is True


@pytest.mark.parametrize(("text", "value"), [("30", 30), ("-1", -1), (" 7 ", 7), ("0", 0)])
def test_a_whole_number_is_read(text, value):
    assert Env({"N": text}).int("N", 5) == value


@pytest.mark.parametrize("text", ["thirty", "1.5", "", "5m"])
def test_a_number_that_is_not_whole_stops_start_up(text):
    with pytest.raises(ImproperlyConfiguredError, match="N must be a whole number"):
        Env({"N": text}).int("N", 5)


def test_a_missing_number_takes_its_default():
    assert Env({}).int("N", 5) == 5


def test_a_list_is_split_on_commas_without_blanks():
    env = Env({"HOSTS": " a.example , b.example,, ,c.example "})

    assert env.list("HOSTS", []) == ["a.example", "b.example", "c.example"]
    assert Env({}).list("HOSTS", ["x"]) == ["x"]
    assert Env({"HOSTS": ""}).list("HOSTS", ["x"]) == []


def test_a_choice_must_be_one_of_the_choices():
    choices = ("development", "test", "production")

    assert Env({"DJANGO_ENV": "test"}).choice("DJANGO_ENV", choices, "development") == "test"
    assert Env({}).choice("DJANGO_ENV", choices, "development") == "development"
    with pytest.raises(
        ImproperlyConfiguredError,
        match="DJANGO_ENV must be one of development, test, production, not 'staging'",
    ):
        Env({"DJANGO_ENV": "staging"}).choice("DJANGO_ENV", choices, "development")


def test_a_choice_is_case_sensitive():
    with pytest.raises(ImproperlyConfiguredError):
        Env({"DJANGO_ENV": "Production"}).choice("DJANGO_ENV", ("production",), "production")


# --- Production start-up ------------------------------------------------------------------


def test_production_settings_pass_the_deployment_checklist():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=random_key(),
        DJANGO_ALLOWED_HOSTS="cdop.example.org",
        **field_keys(),
    )

    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start_and_says_why():
    result = manage("check", DJANGO_ENV="production", DJANGO_ALLOWED_HOSTS="cdop.example.org")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required but not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_with_a_short_secret_key_refuses_to_start():
    result = manage(
        "check",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY="too-short",
        DJANGO_ALLOWED_HOSTS="cdop.example.org",
    )

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be at least 50 random characters" in result.stderr


def test_production_without_allowed_hosts_refuses_to_start():
    result = manage("check", DJANGO_ENV="production", DJANGO_SECRET_KEY=random_key())

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must list the host names" in result.stderr


def test_a_malformed_setting_names_the_variable():
    result = manage("check", DJANGO_ENV="test", SESSION_IDLE_MINUTES="half an hour")

    assert result.returncode != 0
    assert "SESSION_IDLE_MINUTES must be a whole number, not 'half an hour'" in result.stderr


def test_debug_can_never_be_switched_on_in_production():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=random_key(),
        DJANGO_ALLOWED_HOSTS="cdop.example.org",
        DJANGO_DEBUG="true",
        **field_keys(),
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


# --- Production's encryption keys ------------------------------------------------------------


def _production(**environ: str) -> subprocess.CompletedProcess[str]:
    base = {
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": random_key(),
        "DJANGO_ALLOWED_HOSTS": "cdop.example.org",
    }
    return manage("check", **(base | environ))


def test_production_without_encryption_keys_refuses_to_start_and_says_how_to_make_one():
    result = _production(BLIND_INDEX_KEY=random_key())

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS must hold at least one key" in result.stderr
    assert "base64.urlsafe_b64encode(os.urandom(32))" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_without_a_blind_index_key_refuses_to_start():
    result = _production(FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode())

    assert result.returncode != 0
    assert "BLIND_INDEX_KEY must be at least 32 random characters in production" in result.stderr


def test_a_malformed_encryption_key_is_named_by_its_place_in_the_list():
    good = Fernet.generate_key().decode()
    result = _production(FIELD_ENCRYPTION_KEYS=f"{good},not-a-key", BLIND_INDEX_KEY=random_key())

    assert result.returncode != 0
    assert "FIELD_ENCRYPTION_KEYS: key 2" in result.stderr


def test_production_refuses_the_public_development_keys():
    from config.settings import DEV_BLIND_INDEX_KEY, DEV_FIELD_ENCRYPTION_KEY

    result = _production(
        FIELD_ENCRYPTION_KEYS=DEV_FIELD_ENCRYPTION_KEY, BLIND_INDEX_KEY=random_key()
    )
    assert result.returncode != 0
    assert "holds the development key" in result.stderr

    result = _production(
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(), BLIND_INDEX_KEY=DEV_BLIND_INDEX_KEY
    )
    assert result.returncode != 0
    assert "BLIND_INDEX_KEY is the development key" in result.stderr
