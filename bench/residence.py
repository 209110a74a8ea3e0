"""Benchmark the postcode directory: the full load, and residence_decide after start-up.

    .venv/bin/python bench/residence.py [--database-url postgres://...] [--lookups 10000]

Always measures a fresh temporary SQLite database; with --database-url, also that database
(migrated first; its postcode table is replaced). Each database is measured in its own
process, because Django's settings are read once. Prints, per database: rows loaded, the
load time, the first decision (which loads the council mapping) and the p50/p95/max of
residence_decide over random real postcodes written as people write them ("LE1 5WW").
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def measure(lookups: int, seed: int) -> dict[str, Any]:
    """Runs inside a child process whose DATABASE_URL names the database to measure."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from cdop.areas.management.commands.load_postcodes import postcode_rows, postcodes_replace
    from cdop.areas.models import Area, Postcode
    from cdop.areas.residence import postcode_display, residence_cache_clear, residence_decide

    call_command("migrate", verbosity=0, interactive=False, skip_checks=True)
    started = time.perf_counter()
    rows, without = postcodes_replace(postcode_rows())
    load_seconds = time.perf_counter() - started

    keys = list(Postcode.objects.order_by("postcode").values_list("postcode", flat=True))
    sample = [postcode_display(key) for key in random.Random(seed).sample(keys, lookups)]
    del keys
    area = Area.objects.get(slug="llr")
    residence_cache_clear()
    started = time.perf_counter()
    residence_decide(postcode=sample[0], home_area=area)
    first = time.perf_counter() - started
    timings = []
    statuses: Counter[str] = Counter()
    for postcode in sample:
        started = time.perf_counter()
        decision = residence_decide(postcode=postcode, home_area=area)
        timings.append(time.perf_counter() - started)
        statuses[decision.status] += 1
    timings.sort()
    return {
        "database": connection.vendor,
        "rows": rows,
        "without_council": without,
        "load_seconds": round(load_seconds, 1),
        "first_decision_ms": round(first * 1000, 1),
        "lookups": lookups,
        "p50_us": round(statistics.median(timings) * 1e6),
        "p95_us": round(timings[int(len(timings) * 0.95)] * 1e6),
        "max_us": round(timings[-1] * 1e6),
        "statuses": dict(statuses.most_common()),
    }


def run_child(database_url: str, lookups: int, seed: int) -> dict[str, Any]:
    env = dict(os.environ)
    env.pop("DJANGO_DEBUG", None)  # no query log: it would grow with every lookup
    env.update({"DATABASE_URL": database_url, "DJANGO_ENV": "development"})
    command = [sys.executable, __file__, "--child", "--lookups", str(lookups), "--seed", str(seed)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(f"Measuring {database_url} failed.")
    measured: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="Also measure this database (e.g. PostgreSQL).")
    parser.add_argument("--lookups", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(measure(options.lookups, options.seed)))
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="cdop-residence-") as directory:
        sqlite_url = f"sqlite:///{directory}/bench.sqlite3"
        results.append(run_child(sqlite_url, options.lookups, options.seed))
    if options.database_url:
        results.append(run_child(options.database_url, options.lookups, options.seed))
    print(
        f"{'database':<11}{'rows':>11}{'load s':>8}{'first ms':>10}"
        f"{'p50 µs':>8}{'p95 µs':>8}{'max µs':>8}"
    )
    for r in results:
        print(
            f"{r['database']:<11}{r['rows']:>11,}{r['load_seconds']:>8}{r['first_decision_ms']:>10}"
            f"{r['p50_us']:>8}{r['p95_us']:>8}{r['max_us']:>8}"
        )
    for r in results:
        print(f"{r['database']}: {r['lookups']:,} lookups, decisions {r['statuses']}")


if __name__ == "__main__":
    main()
