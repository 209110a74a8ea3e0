"""Benchmark the anonymised papers pack: twelve synthetic cases, published and downloaded.

    .venv/bin/python bench/papers_pack.py [--cases 12] [--database-url URL] [--keep]

Uses a throwaway SQLite database (migrated here) unless --database-url names one, in which
case its cases are left alone and the synthetic ones are added under fresh references.
Builds a panel meeting of N synthetic cases, each with two notifications, the family's
records, a post-mortem and two to four returned Reporting Forms whose free text is full of
identifiers; publishes the papers (summaries, check, PDF), then downloads a watermarked
copy. Prints the timings (target: publishing twelve cases in under 10 seconds) and checks
that no name, NHS number, postcode or date of birth of those cases is in the PDF's text.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=12)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="papers-bench-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ENV", "development")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
    migrated = time.perf_counter() - started

    import datetime
    import re

    from django.utils import timezone

    from cdop.accounts.models import Membership, Role, User
    from cdop.areas.models import Area
    from cdop.meetings.models import Sector
    from cdop.papers import pdf as papers_pdf
    from cdop.papers.services import papers_download, papers_publish
    from cdop.papers.synthetic import synthetic_case, synthetic_meeting

    area = Area.objects.get(slug="llr")
    manager, _ = User.objects.get_or_create(
        email="papers.bench.manager@bench.invalid", defaults={"full_name": "Bench Manager"}
    )
    member, _ = User.objects.get_or_create(
        email="papers.bench.member@bench.invalid", defaults={"full_name": "Bench Panel Member"}
    )
    Membership.objects.get_or_create(user=manager, area=area, role=Role.CDR_MANAGER)
    Membership.objects.get_or_create(user=member, area=area, role=Role.PANEL_MEMBER)
    seed = int(time.time()) % 97 + 1 if args.database_url else 1

    started = time.perf_counter()
    synthetic = [synthetic_case(area=area, by=manager, n=n, seed=seed) for n in range(args.cases)]
    meeting = synthetic_meeting(
        area=area,
        by=manager,
        cases=[s.case for s in synthetic],
        starts_at=timezone.now() + datetime.timedelta(days=3),
        invitees=[(member, Sector.HEALTH)],
        title=f"Bench panel of {args.cases} cases",
    )
    seeded = time.perf_counter() - started

    # The first use of WeasyPrint in a process loads it and its fonts (about 2 s here): a
    # server process pays it once, so it is measured on its own.
    started = time.perf_counter()
    papers_pdf.html_to_pdf("<p>warm-up</p>")
    warm_up = time.perf_counter() - started

    import logging

    class Timings(logging.Handler):
        seen: dict[str, float] = {}

        def emit(self, record: logging.LogRecord) -> None:
            if isinstance(record.args, tuple) and len(record.args) == 2:
                timings = record.args[1]
                if isinstance(timings, dict):
                    Timings.seen = timings

    services_logger = logging.getLogger("cdop.papers.services")
    services_logger.addHandler(Timings())
    services_logger.setLevel(logging.INFO)
    started, cpu_started = time.perf_counter(), time.process_time()
    pack = papers_publish(meeting=meeting, by=manager)
    publish = time.perf_counter() - started
    publish_cpu = time.process_time() - cpu_started

    started = time.perf_counter()
    download = papers_download(meeting=meeting, user=member)
    downloaded = time.perf_counter() - started

    started = time.perf_counter()
    text = papers_pdf.pdf_text(download.pdf)
    extract = time.perf_counter() - started
    squashed = re.sub(r"\s+", "", text).lower()
    leaks = []
    for s in synthetic:
        for name in s.names:
            if re.search(rf"(?<![a-z]){re.escape(name.lower())}(?![a-z])", text.lower()):
                leaks.append(name)
        for value in (s.nhs_number, s.postcode.replace(" ", ""), s.born.strftime("%d/%m/%Y")):
            if value.lower() in squashed:
                leaks.append(value)

    print(f"Database: {'given' if args.database_url else 'throwaway SQLite'}")
    print(f"  migrate                      {migrated:7.2f} s")
    print(f"  seed {args.cases:2d} synthetic cases        {seeded:7.2f} s")
    print(f"  WeasyPrint first load        {warm_up:7.2f} s (once per process)")
    print(
        f"  publish (summaries, check, PDF) {publish:5.2f} s"
        f"  -> {pack.pages} pages, {len(pack.pdf) // 1024} KiB,"
        f" {pack.removed_by_check} identifiers caught by the safety net"
    )
    print(
        f"    CPU time of this process     {publish_cpu:7.2f} s"
        f" (the wall time on an idle machine; the machine's load average was"
        f" {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    for stage, seconds in Timings.seen.items():
        print(f"    {stage:<26} {seconds:7.2f} s")
    print(f"  watermarked download         {downloaded:7.2f} s  -> {len(download.pdf) // 1024} KiB")
    print(f"  text extraction (check only) {extract:7.2f} s")
    print(f"  target: publish under 10 s for 12 cases: {'met' if publish < 10 else 'NOT met'}")
    print(f"  identifiers found in the PDF's text: {len(leaks)} {leaks[:10] if leaks else ''}")
    if args.keep or args.database_url:
        print(f"  database kept: {os.environ['DATABASE_URL']}")
    else:
        for path in workdir.iterdir():
            path.unlink()
        workdir.rmdir()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
