"""Queries per request for staff paths, counted in-process; run by bench/national.py with
the benchmark's environment.

    python bench/queries.py <session key> <path> [<path> ...]

Each path is requested once to warm up and once counted, with the benchmark user's session.
Prints one line of JSON: {path: queries}.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    session_key, *paths = sys.argv[1:]
    client = Client(HTTP_HOST="127.0.0.1")
    client.cookies[settings.SESSION_COOKIE_NAME] = session_key
    counts: dict[str, int] = {}
    for path in paths:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        counts[path] = len(captured.captured_queries) if response.status_code == 200 else -1
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
