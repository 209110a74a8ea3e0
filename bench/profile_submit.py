"""Profile the public submit in one process: its queries and where its CPU time goes.

    DATABASE_URL=sqlite:///bench/results/bench.sqlite3 .venv/bin/python bench/profile_submit.py

Run it against a database `bench/run.py` has prepared (migrated, postcodes loaded, LLR
present). Fills in `--submits` drafts page by page with Django's test client (not measured),
then sends each one, timing them, and prints the median time, the queries of one submit and
the top of a cProfile of all of them. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _floor_times(count: int) -> tuple[list[float], list[float]]:
    """Wall and CPU times of the floor page (a signed-in staff page that does no work),
    through the same middleware, signed in as bench/session.py signs in."""
    import json
    import subprocess

    from django.test import Client

    output = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "session.py")],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    session_key = json.loads(output.strip().splitlines()[-1])["session_key"]
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies["sessionid"] = session_key
    walls, cpus = [], []
    for _ in range(count):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get("/staff/floor/")
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - started_cpu)
        if response.status_code != 200:
            raise SystemExit(f"the floor answered {response.status_code}: not signed in")
    return walls, cpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--submits", type=int, default=100)
    parser.add_argument("--top", type=int, default=40, help="cProfile rows to print")
    parser.add_argument("--callees", help="also print the callees of functions matching this")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "bench"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ENV", "development")
    os.environ.setdefault("NOTIFY_RATE_LIMIT", "100000/m")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from run import NOTIFY_PAGES  # type: ignore[import-not-found]

    def prepared() -> tuple[Client, str]:
        client = Client(HTTP_HOST="127.0.0.1")
        for slug, answers in NOTIFY_PAGES:
            response = client.post(f"/llr/notify/{slug}/", answers)
            if response.status_code != 302:
                raise SystemExit(f"page {slug} answered {response.status_code}")
        page = client.get("/llr/notify/check/")
        match = re.search(rb'name="submission_token"[^>]*value="([^"]*)"', page.content)
        if match is None:
            raise SystemExit("no submission token on check your answers")
        return client, match.group(1).decode()

    ready = [prepared() for _ in range(args.submits + 1)]
    floor = _floor_times(args.submits)

    client, token = ready.pop()
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/llr/notify/check/", {"submission_token": token})
    if response.status_code != 302:
        raise SystemExit(f"the submit answered {response.status_code}")
    print(f"queries of one submit: {len(queries)}")
    for q in queries.captured_queries:
        print(f"  {q['time']}s  {q['sql'][:160]}")

    profile = cProfile.Profile()
    times, cpu = [], []
    half = len(ready) // 2
    for i, (client, token) in enumerate(ready):
        # The first half unprofiled, for honest times; CPU time too, as the machine is shared.
        profiled = i >= half
        started, started_cpu = time.perf_counter(), time.process_time()
        if profiled:
            profile.enable()
        response = client.post("/llr/notify/check/", {"submission_token": token})
        if profiled:
            profile.disable()
        else:
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        if response.status_code != 302:
            raise SystemExit(f"the submit answered {response.status_code}")
    print(
        f"\nsubmit: median {statistics.median(times) * 1000:.2f} ms wall, "
        f"{statistics.median(cpu) * 1000:.2f} ms CPU over {len(times)} (unprofiled)"
    )
    print(
        f"floor:  median {statistics.median(floor[0]) * 1000:.2f} ms wall, "
        f"{statistics.median(floor[1]) * 1000:.2f} ms CPU; submit/floor CPU "
        f"{statistics.median(cpu) / statistics.median(floor[1]):.1f}×"
    )
    stats = pstats.Stats(profile).sort_stats(args.sort)
    stats.print_stats(args.top)
    if args.callees:
        stats.print_callees(args.callees)
    return 0


if __name__ == "__main__":
    sys.exit(main())
