"""Prepare a signed-in benchmark user; run by bench/run.py with the benchmark's environment.

Creates (or reuses) a CDR manager in LLR with an authenticator app, so that
RequireMFAMiddleware lets them through, and a server-side session for them, without going
through the interactive sign-in. Prints one line of JSON: the session key, some case
references to read, and the database engine.
"""

from __future__ import annotations

import json
import os
import sys
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_EMAIL = "bench@bench.invalid"


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.conf import settings
    from django.db import connection

    from cdop.accounts.models import Membership, Role, User
    from cdop.areas.models import Area
    from cdop.cases.models import Case

    area = Area.objects.get(slug="llr")
    user = User.objects.filter(email=BENCH_EMAIL).first()
    if user is None:
        user = User.objects.create_user(BENCH_EMAIL, None, full_name="Bench Manager")
    Membership.objects.get_or_create(user=user, area=area, role=Role.CDR_MANAGER)
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "allauth.account.auth_backends.AuthenticationBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.create()

    # A spread of cases to read: every tenth of the list, open and closed alike.
    total = Case.objects.filter(area=area).count()
    step = max(total // 40, 1)
    references = list(
        Case.objects.filter(area=area).order_by("-opened_at").values_list("reference", flat=True)
    )[::step][:40]
    # Surnames to search for, from the cases themselves (decrypted as the list would), so
    # that the search finds what staff would look for; a name that is not in the data
    # finds nothing and would make the search look cheaper than it is.
    surnames = list(
        dict.fromkeys(
            Case.objects.filter(reference__in=references)
            .order_by("reference")
            .values_list("child_last_name", flat=True)
        )
    )[:8]
    print(
        json.dumps(
            {
                "session_key": store.session_key,
                "references": references,
                "surnames": surnames,
                "cases": total,
                "engine": _engine(connection),
            }
        )
    )


def _engine(connection: object) -> str:
    vendor = getattr(connection, "vendor", "unknown")
    if vendor == "sqlite":
        return f"SQLite {connection.Database.sqlite_version}"  # type: ignore[attr-defined]
    if vendor == "postgresql":
        version = getattr(connection, "pg_version", 0)
        return f"PostgreSQL {version // 10000}.{version % 10000}"
    return str(vendor)


if __name__ == "__main__":
    main()
