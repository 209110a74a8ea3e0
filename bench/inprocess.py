"""Time staff pages in process (Django's test client, no server): p50 and CPU per request.

    DATABASE_URL=sqlite:///bench/results/bench.sqlite3 \
        .venv/bin/python bench/inprocess.py [--requests 200] [PATH ...]

For looking at one page's own cost without the HTTP server and the client threads that
`make bench` adds (bench/run.py). Uses the database in DATABASE_URL as it is (after `make
bench` it holds 20,000 synthetic cases) and signs in its CDR manager (bench/session.py).
"CASE" stands for a case page, taken in turn from forty cases of the list. Prints, for each
path: p50 wall time, CPU time per request, the queries of one request and the page's size.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_PATHS = (
    "/staff/floor/",
    "/staff/cases/",
    "CASE",
    "/staff/cases/?clock=overdue&status=information_gathering",
    "/staff/work/",
    "/staff/reporting-forms/",
    "/staff/work/team/",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=200, help="timed requests a path")
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.pop("DJANGO_DEBUG", None)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    session = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "session.py")],
        capture_output=True,
        text=True,
        env=os.environ,
        check=True,
    )
    info = json.loads(session.stdout.strip().splitlines()[-1])
    references = info["references"]
    client = Client(SERVER_NAME="127.0.0.1")
    client.cookies["sessionid"] = info["session_key"]
    print(f"{info['cases']} cases · {info['engine']} · {args.requests} requests a path")
    for path in args.paths:

        def url(i: int, path: str = path) -> str:
            return f"/staff/cases/{references[i % len(references)]}/" if path == "CASE" else path

        for i in range(10):  # warm: caches, prepared statements, the page's templates
            response = client.get(url(i))
            if response.status_code != 200:
                raise SystemExit(f"{path}: answered {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url(0))
        count = len(queries)  # now: each request's start empties Django's query log
        seconds = []
        cpu = time.process_time()
        for i in range(args.requests):
            started = time.perf_counter()
            client.get(url(i))
            seconds.append(time.perf_counter() - started)
        cpu_each = (time.process_time() - cpu) / args.requests
        seconds.sort()
        print(
            f"{path[:60]:<60} p50 {seconds[len(seconds) // 2] * 1000:6.2f} ms"
            f"  cpu {cpu_each * 1000:6.2f} ms  queries {count:2d}"
            f"  bytes {len(response.content)}"
        )


if __name__ == "__main__":
    main()
