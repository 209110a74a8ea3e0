"""Benchmark the annual report: the whole page against the raw SQL it needs, in one run.

    .venv/bin/python bench/annual_report.py [--cases 50000] [--database-url URL] [--keep]
                                            [--repeat 5]

Builds a throwaway SQLite database unless --database-url names one; migrates it and adds N
cases with `manage.py generate_synthetic --cases N` and `generate_synthetic_analyses`
(--cases 0 uses the database's data as it is). Then, for the demo area and the last year to
31 March:

1. the raw SQL: every aggregate query the report runs (captured once from the ORM), executed
   as SQL text on a cursor and fetched, `--repeat` times; the median;
2. the page: GET /staff/statistics/annual/<area>/ through the Django test client (middleware,
   sign-in, the queries, suppression, the charts, the template), `--repeat` times; the median.
   The first request draws the charts (printed as "cold"); later ones find them in the cache
   (keyed by exactly what each chart shows).

Prints both, and the ratio of the medians (target: the page within 2x the raw SQL). Figures
are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ENV", "development")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(cases: int) -> None:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
    call_command("createcachetable", verbosity=0)
    call_command("generate_synthetic", cases=cases, verbosity=0)
    call_command("generate_synthetic_analyses", verbosity=0)
    print(f"prepared {cases} synthetic cases in {time.perf_counter() - started:.1f} s")


def measure(repeat: int, area_slug: str) -> None:
    from django.contrib.auth.hashers import make_password
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from cdop.accounts.models import Membership, Role, User
    from cdop.areas.models import Area
    from cdop.cases.models import Case
    from cdop.reporting.annual import period_default, run_queries

    area = Area.objects.get(slug=area_slug)
    today = timezone.localdate()
    period = period_default(today)
    print(
        f"{Case.objects.filter(area=area).count()} cases in {area.short_name}; "
        f"period {period.label}"
    )

    with CaptureQueriesContext(connection) as captured:
        run_queries(area=area, period=period, today=today)
    sql = [q["sql"] for q in captured.captured_queries]
    raw: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for statement in sql:
                cursor.execute(statement)
                cursor.fetchall()
        raw.append(time.perf_counter() - started)

    user, _ = User.objects.get_or_create(
        email=f"report.bench.{area.slug}@bench.invalid",
        defaults={"full_name": "Bench Manager", "password": make_password(None)},
    )
    Membership.objects.get_or_create(user=user, area=area, role=Role.CDR_MANAGER)
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=user).exists():
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        TOTP.activate(user, generate_totp_secret())
    client = Client(SERVER_NAME="localhost")
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    url = f"/staff/statistics/annual/{area.slug}/"
    cache.clear()  # the first request draws every chart
    page: list[float] = []
    size = 0
    for _ in range(repeat + 1):
        started = time.perf_counter()
        response = client.get(url)
        page.append(time.perf_counter() - started)
        if response.status_code != 200:
            print(f"the page answered {response.status_code}: {response.content[:300]!r}")
            return
        size = len(response.content)
    cold, warm = page[0], page[1:]
    raw_median, page_median = statistics.median(raw), statistics.median(warm)
    print(
        f"raw SQL: {len(sql)} queries, median {raw_median * 1000:.1f} ms "
        f"(runs: {', '.join(f'{t * 1000:.0f}' for t in raw)} ms)"
    )
    print(
        f"page: median {page_median * 1000:.1f} ms with the charts cached "
        f"(runs: {', '.join(f'{t * 1000:.0f}' for t in warm)} ms); first request, drawing "
        f"the charts: {cold * 1000:.0f} ms; {size / 1024:.0f} KB of HTML"
    )
    print(
        f"ratio page / raw SQL: {page_median / raw_median:.2f} (target 2 or less); "
        f"cold: {cold / raw_median:.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--cases", type=int, default=50000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--area", default="llr")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.cases < 0:
        parser.error("--repeat must be 1 or more, --cases 0 or more")

    workdir = Path(tempfile.mkdtemp(prefix="annual-report-bench-"))
    _setup(args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}")
    if args.cases > 0:
        prepare(args.cases)
    measure(args.repeat, args.area)
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"kept {workdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
