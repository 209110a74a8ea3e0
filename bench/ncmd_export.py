"""Benchmark the NCMD bulk export: memory stays flat however many cases.

    .venv/bin/python bench/ncmd_export.py [--cases 20000] [--database-url URL] [--keep]
                                          [--no-validate]

Builds a throwaway SQLite database (migrated here) unless --database-url names one:
`manage.py generate_synthetic --cases N` and `generate_synthetic_forms`, then gives every
returned Reporting Form synthetic answers and every reviewed or finalised case a complete
Analysis Form (factors and a recommendation). Then, in a fresh child process, exports every
finalised case of the area for all of time (one zip) and prints the child's peak RSS against
its idle RSS (resource.getrusage, after Django is set up and has run a query) and the time.
Finally it reads the zip back and checks every case's document against the published
schema. Figures are printed, never asserted (the target: within 100 MB of idle at 20,000).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
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


def _rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the peak so far of this process.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(cases: int) -> None:
    """Generate the synthetic cases, forms and analyses (in this process)."""
    import random

    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from cdop.accounts.models import User
    from cdop.agencyforms.models import FormRequest, RequestedForm
    from cdop.analysis.models import Analysis, Factor, Recommendation
    from cdop.analysis.selectors import form_version_current
    from cdop.cases.models import Case
    from cdop.cases.workflow import Status

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
    call_command("generate_synthetic", cases=cases, verbosity=0)
    call_command("generate_synthetic_forms", verbosity=0)
    rng = random.Random(7)
    answers = {
        "completed_by_name": {"value": "Synthetic Practitioner"},
        "completed_by_role": {"value": "Named nurse for safeguarding"},
        "height_cm": {"value": 71},
        "weight_kg": {"not_known": True},
        "smoking_pregnancy": {"value": "no"},
        "services": {"value": ["gp", "hospital"]},
        "involvement_summary": {"value": "Synthetic account of the agency's involvement. " * 8},
        "events_before_death": {"value": "Synthetic account of the events. " * 12},
        "bereavement_support": {"value": "yes"},
    }
    returned = RequestedForm.objects.filter(request__status=FormRequest.Status.SUBMITTED)
    ids = list(returned.values_list("pk", flat=True))
    for start in range(0, len(ids), 2000):
        RequestedForm.objects.filter(pk__in=ids[start : start + 2000]).update(
            answers=answers, completed_at=timezone.now()
        )
    version = form_version_current()
    domains = list(version.domains.order_by("position"))
    categories = list(version.categories.order_by("position"))
    user, _ = User.objects.get_or_create(
        email="ncmd.bench@bench.invalid", defaults={"full_name": "Bench Manager"}
    )
    reviewed = list(
        Case.objects.filter(status__in=[Status.FINALISED, Status.PANEL_REVIEWED])
        .exclude(analysis__isnull=False)
        .values_list("pk", flat=True)
    )
    now = timezone.now()
    for start in range(0, len(reviewed), 1000):
        chunk = reviewed[start : start + 1000]
        with transaction.atomic():
            made = Analysis.objects.bulk_create(
                [
                    Analysis(
                        case_id=case_id,
                        form_version=version,
                        status=Analysis.Status.COMPLETE,
                        modifiable=rng.choice(["yes", "no", "insufficient"]),
                        category=rng.choice(categories[:9]),
                        cause_of_death="Synthetic cause of death",
                        learning_points="Synthetic learning for the panel. " * 6,
                        expectedness=rng.choice(["expected", "unexpected"]),
                        created_at=now,
                        created_by=user,
                        updated_at=now,
                        updated_by=user,
                        completed_at=now,
                        completed_by=user,
                    )
                    for case_id in chunk
                ]
            )
            Factor.objects.bulk_create(
                [
                    Factor(
                        analysis=a,
                        domain=domains[i % 4],
                        position=i + 1,
                        description=f"Synthetic factor {i + 1}",
                        grade=2 if i == 0 else 1,
                        modifiable=i == 0,
                    )
                    for a in made
                    for i in range(rng.randint(1, 4))
                ]
            )
            Recommendation.objects.bulk_create(
                [
                    Recommendation(analysis=a, position=1, text="Synthetic recommendation")
                    for a in made
                ]
            )
    finalised = Case.objects.filter(status=Status.FINALISED).count()
    print(
        f"prepared {cases} cases ({finalised} finalised, {len(ids)} returned forms, "
        f"{len(reviewed)} analyses) in {time.perf_counter() - started:.1f} s"
    )


def export(validate: bool, out_dir: str) -> None:
    """In a fresh process: idle RSS, then the bulk export, then peak RSS."""
    import datetime as dt

    from django.conf import settings

    from cdop.areas.models import Area
    from cdop.ncmd.services import ncmd_bulk_now

    settings.NCMD_EXPORT_DIR = out_dir
    area = Area.objects.get(slug="llr")  # a query: the connection is open
    idle = _rss_mb()
    started = time.perf_counter()
    result = ncmd_bulk_now(
        area=area,
        by=None,
        basis="date_of_death",
        date_from=dt.date(2000, 1, 1),
        date_to=dt.date.today(),
        validate=validate,
    )
    elapsed = time.perf_counter() - started
    peak = _rss_mb()
    print(
        json.dumps(
            {
                "cases": result.cases,
                "file": str(Path(out_dir) / result.batch.file_name),
                "bytes": result.batch.size_bytes,
                "seconds": round(elapsed, 1),
                "idle_rss_mb": round(idle, 1),
                "peak_rss_mb": round(peak, 1),
                "peak_over_idle_mb": round(peak - idle, 1),
                "validated_while_exporting": validate,
            }
        )
    )


def check_zip(path: str) -> tuple[int, int]:
    import zipfile

    from cdop.ncmd.schema import schema_errors

    checked = failed = 0
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.startswith("cases/"):
                continue
            checked += 1
            errors = schema_errors(json.loads(archive.read(name)))
            if errors:
                failed += 1
                if failed <= 5:
                    print(f"  {name}: {errors[0]}")
    return checked, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--step", choices=["prepare", "export", "check"], help=argparse.SUPPRESS)
    parser.add_argument("--out", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    # Each step runs in its own process, started from this small one: a child's ru_maxrss
    # starts from its parent's RSS at fork (Linux keeps it across exec), so the export must
    # not be forked from the process that generated 20,000 cases.
    if args.step == "prepare":
        _setup(args.database_url)
        prepare(args.cases)
        return 0
    if args.step == "export":
        _setup(args.database_url)
        export(not args.no_validate, args.out)
        return 0
    if args.step == "check":
        _setup(args.database_url)
        started = time.perf_counter()
        checked, failed = check_zip(args.out)
        print(
            f"read back {checked} documents, {failed} failed the schema "
            f"({time.perf_counter() - started:.1f} s)"
        )
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="ncmd-bench-"))
    url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"

    def step(name: str, *extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, __file__, "--step", name, "--database-url", url, *extra],
            capture_output=True,
            text=True,
            check=False,
        )

    if not args.database_url:
        prepared = step("prepare", "--cases", str(args.cases))
        print(prepared.stdout.strip().splitlines()[-1] if prepared.stdout.strip() else "")
        if prepared.returncode != 0:
            print(prepared.stderr)
            return prepared.returncode
    child = step(
        "export", "--out", str(workdir / "out"), *(["--no-validate"] if args.no_validate else [])
    )
    if child.returncode != 0:
        print(child.stdout, child.stderr)
        return child.returncode
    figures = json.loads(child.stdout.strip().splitlines()[-1])
    print(
        f"exported {figures['cases']} cases ({figures['bytes'] / 1e6:.1f} MB zip) in "
        f"{figures['seconds']} s; RSS idle {figures['idle_rss_mb']} MB, peak "
        f"{figures['peak_rss_mb']} MB: {figures['peak_over_idle_mb']} MB over idle "
        f"(target: within 100 MB); documents checked while exporting: "
        f"{figures['validated_while_exporting']}"
    )
    checked = step("check", "--out", figures["file"])
    print(checked.stdout.strip() or checked.stderr)
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)
    else:
        print(f"kept {workdir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
