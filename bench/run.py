"""Benchmark the staff pages and the public form against a floor, on loopback.

    .venv/bin/python bench/run.py --cases 20000 [--requests 300] [--concurrency 8]

1. Seeds a fresh SQLite database under bench/results/ (or uses --database-url as given)
   with `generate_synthetic`.
2. Signs in a CDR manager with a second factor, by writing a server-side session.
3. Serves the project with gunicorn (2 sync workers) on 127.0.0.1, DEBUG off.
4. Sends a warm-up, then a fixed number of requests per endpoint from a few threads, and
   prints latency percentiles beside the floor: a trivial staff page through the same
   middleware. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
REQUEST_TIMEOUT = 30.0


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass
class Result:
    name: str
    path: str
    seconds: list[float] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    wall: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.seconds) + sum(self.errors.values())

    def percentile(self, p: float) -> float:
        if not self.seconds:
            return float("nan")
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def _request(
    port: int,
    method: str,
    path: str,
    *,
    cookies: dict[str, str],
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """One request on a new connection: gunicorn's sync workers close each one anyway."""
    conn = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        all_headers = {"Host": f"{HOST}:{port}", "User-Agent": "cdop-bench"}
        if cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        all_headers.update(headers or {})
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        data = response.read()
        return Response(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    finally:
        conn.close()


def _cookie(response: Response, name: str) -> str | None:
    # http.client joins repeated Set-Cookie headers with ", ".
    match = re.search(
        rf"(?:^|[\s,]){re.escape(name)}=([^;,\s]+)", response.headers.get("set-cookie", "")
    )
    return match.group(1) if match else None


def _hidden(body: bytes, name: str) -> str | None:
    match = re.search(rb'name="' + name.encode() + rb'"[^>]*value="([^"]*)"', body) or re.search(
        rb'value="([^"]*)"[^>]*name="' + name.encode() + rb'"', body
    )
    return match.group(1).decode() if match else None


# --- The endpoints ---------------------------------------------------------------------
# Each call does one request and returns (status, expected status, path).
Call = Callable[[int], tuple[int, int]]


def _get(port: int, path: str, cookies: dict[str, str]) -> tuple[int, int]:
    return _request(port, "GET", path, cookies=cookies).status, 200


_COOKIES = ("csrftoken", "sessionid", "cdop_notify_draft")

# Valid answers for each page of the public form, as a browser posts them (all synthetic).
NOTIFY_PAGES: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "child",
        {
            "out_of_scope": "no",
            "child_first_name": "Bench",
            "child_last_name": "Testchild",
            "child_date_of_birth_day": "14",
            "child_date_of_birth_month": "3",
            "child_date_of_birth_year": "2025",
            "child_sex": "female",
            "child_ethnicity": "not_known",
            "nhs_number_status": "given",
            "child_nhs_number": "999 000 0018",
            "child_postcode": "LE1 5WW",
        },
    ),
    (
        "death",
        {
            "date_of_death_day": "20",
            "date_of_death_month": "11",
            "date_of_death_year": "2026",
            "place_of_death": "hospital_ed",
            "expectedness": "unexpected",
            "post_mortem": "yes",
            "coroner_informed": "yes",
            "circumstances": "Synthetic notification sent by the benchmark.",
            "ncmd_alert": "no",
        },
    ),
    ("family", {}),
    ("professionals", {}),
    (
        "you",
        {
            "notifier_name": "Sam Bench",
            "notifier_role": "Paediatric registrar",
            "notifier_organisation": "Synthetic Hospitals NHS Trust",
            "notifier_email": "sam.bench@example.invalid",
            "notifier_phone": "0116 496 0000",
        },
    ),
)


class _Browser:
    """One person's cookies across the pages of the public form."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> Response:
        body = urlencode(form).encode() if form is not None else None
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if form is not None else {}
        response = _request(
            self.port, method, path, cookies=self.cookies, body=body, headers=headers
        )
        for name in _COOKIES:
            value = _cookie(response, name)
            if value:
                self.cookies[name] = value
        return response

    def post_page(self, path: str, answers: dict[str, str]) -> Response:
        page = self.request("GET", path)
        token = _hidden(page.body, "csrfmiddlewaretoken") or ""
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **answers})


class NotifyForm:
    """The public notification form over its pages.

    "submit" is the measured final POST of check your answers, the one that stores the
    notification; the page answers before it are filled in beforehand (not measured), one
    draft per submit, as many people would have done at their own pace.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.lock = threading.Lock()
        self.ready: list[tuple[_Browser, str, str]] = []
        self.csrf_cookie = ""
        self.csrf_field = ""

    def get(self, _i: int) -> tuple[int, int]:
        return _request(self.port, "GET", "/llr/notify/", cookies={}).status, 200

    def page_post(self, _i: int) -> tuple[int, int]:
        """One page of answers (the child) from a new visitor: starts a draft. The CSRF
        cookie and token were fetched once beforehand, so only the POST is measured."""
        browser = _Browser(self.port)
        browser.cookies["csrftoken"] = self.csrf_cookie
        form = {"csrfmiddlewaretoken": self.csrf_field, **NOTIFY_PAGES[0][1]}
        return browser.request("POST", "/llr/notify/child/", form).status, 302

    def prepare_csrf(self) -> None:
        browser = _Browser(self.port)
        page = browser.request("GET", "/llr/notify/child/")
        self.csrf_cookie = browser.cookies.get("csrftoken", "")
        self.csrf_field = _hidden(page.body, "csrfmiddlewaretoken") or ""

    def _prepare_one(self, _i: int) -> None:
        browser = _Browser(self.port)
        for slug, answers in NOTIFY_PAGES:
            response = browser.post_page(f"/llr/notify/{slug}/", answers)
            if response.status != 302:
                raise RuntimeError(f"page {slug} answered {response.status}")
        check = browser.request("GET", "/llr/notify/check/")
        csrf = _hidden(check.body, "csrfmiddlewaretoken")
        token = _hidden(check.body, "submission_token")
        if check.status != 200 or not csrf or not token:
            raise RuntimeError(f"check your answers answered {check.status}")
        with self.lock:
            self.ready.append((browser, csrf, token))

    def prepare(self, count: int, concurrency: int) -> None:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(self._prepare_one, range(count)))

    def submit(self, _i: int) -> tuple[int, int]:
        with self.lock:
            browser, csrf, token = self.ready.pop()
        response = browser.request(
            "POST", "/llr/notify/check/", {"csrfmiddlewaretoken": csrf, "submission_token": token}
        )
        return response.status, 302


# --- Running the load --------------------------------------------------------------------


def _drive(call: Call, *, total: int, concurrency: int, deadline: float, result: Result) -> None:
    """`total` calls from `concurrency` threads; stops early at the deadline."""
    counter = iter(range(total))
    lock = threading.Lock()

    def worker() -> None:
        while time.monotonic() < deadline:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            started = time.perf_counter()
            try:
                status, expected = call(i)
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    result.errors[type(error).__name__] += 1
                continue
            elapsed = time.perf_counter() - started
            with lock:
                if status == expected:
                    result.seconds.append(elapsed)
                else:
                    result.errors[f"HTTP {status}"] += 1

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.wall = time.perf_counter() - started


def _rounds(
    endpoints: list[tuple[str, str, Call]],
    *,
    requests: int,
    rounds: int,
    concurrency: int,
    warmup: int,
    max_seconds: float,
) -> list[Result]:
    """Warm every endpoint up, then measure them in turns, `rounds` times over.

    Taking turns means that load from anything else on the machine falls on every endpoint
    alike, so the ratios to the floor stay meaningful on a shared machine.
    """
    for name, path, call in endpoints:
        _drive(
            call,
            total=warmup,
            concurrency=concurrency,
            deadline=time.monotonic() + max_seconds,
            result=Result(name, path),
        )
    results = [Result(name, path) for name, path, _call in endpoints]
    per_round = [requests // rounds + (1 if r < requests % rounds else 0) for r in range(rounds)]
    for r, count in enumerate(per_round):
        print(f"bench: round {r + 1} of {rounds} ...", flush=True)
        for (_name, _path, call), result in zip(endpoints, results, strict=True):
            turn = Result(result.name, result.path)
            _drive(
                call,
                total=count,
                concurrency=concurrency,
                deadline=time.monotonic() + max_seconds / rounds,
                result=turn,
            )
            result.seconds += turn.seconds
            result.errors += turn.errors
            result.wall += turn.wall
    return results


# --- Setting up ----------------------------------------------------------------------


def _run(cmd: list[str], env: dict[str, str], *, capture: bool = False) -> str:
    completed = subprocess.run(
        cmd,
        cwd=ROOT,
        env=env,
        check=False,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    if completed.returncode != 0:
        raise SystemExit(f"bench: {' '.join(cmd[1:3])} failed (exit {completed.returncode})")
    return completed.stdout or ""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _bench_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_DEBUG", None)
    env.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_ENV": "development",
            "NOTIFY_RATE_LIMIT": "100000/m",
            "API_STAFF_RATE_LIMIT": "100000/minute",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


_SETTLE = """
from django.db import connection
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("VACUUM ANALYZE")
        try:
            cursor.execute("CHECKPOINT")
        except Exception:
            pass  # CHECKPOINT needs a superuser or pg_checkpoint; the run goes on without
    elif connection.vendor == "sqlite":
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
"""


def _seed(env: dict[str, str], cases: int, *, fresh: bool) -> dict[str, object]:
    manage = [sys.executable, "manage.py"]
    started = time.perf_counter()
    _run([*manage, "migrate", "--noinput", "-v", "0"], env)
    _run([*manage, "createcachetable"], env)
    # Postcodes, so that each submit decides residence as it would in service.
    _run([*manage, "load_postcodes", "--if-empty"], env)
    migrated = time.perf_counter()
    if fresh:
        _run(
            [
                *manage,
                "generate_synthetic",
                "--cases",
                str(cases),
                "--seed",
                "1",
                "--notifications",
                "20",
            ],
            env,
        )
    else:
        # A database given with --database-url is used as it is, topped up to N cases.
        count = int(
            _run(
                [
                    *manage,
                    "shell",
                    "-v",
                    "0",
                    "-c",
                    "from cdop.cases.models import Case; "
                    "print(Case.objects.filter(area__slug='llr').count())",
                ],
                env,
                capture=True,
            )
            .strip()
            .splitlines()[-1]
        )
        if count < cases:
            _run(
                [
                    *manage,
                    "generate_synthetic",
                    "--cases",
                    str(cases - count),
                    "--seed",
                    str(count + 1),
                    "--notifications",
                    "20",
                ],
                env,
            )
    # About three Reporting Form requests a case (adds only what is missing).
    _run([*manage, "generate_synthetic_forms"], env)
    # Let the database settle before anything is timed: fresh statistics for the rows just
    # written, and their pages written out now (a checkpoint), rather than by the database's
    # own schedule in the middle of a page's requests.
    _run([*manage, "shell", "-v", "0", "-c", _SETTLE], env)
    seeded = time.perf_counter()
    info = json.loads(
        _run([sys.executable, str(ROOT / "bench" / "session.py")], env, capture=True)
        .strip()
        .splitlines()[-1]
    )
    info["migrate_seconds"] = migrated - started
    info["seed_seconds"] = seeded - migrated
    return dict(info)


@contextmanager
def _gunicorn(
    env: dict[str, str], port: int, workers: int, app: str
) -> Iterator[subprocess.Popen[bytes]]:
    """Serve on loopback; always stopped on the way out, even after an error or Ctrl-C."""
    log = (RESULTS / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield server
    finally:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        log.close()


def _wait_until_up(server: subprocess.Popen[bytes], port: int, cookies: dict[str, str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bench: gunicorn exited early; see {RESULTS / 'gunicorn.log'}")
        try:
            response = _request(port, "GET", "/staff/floor/", cookies=cookies)
        except OSError:
            time.sleep(0.2)
            continue
        if response.status != 200:
            raise SystemExit(
                f"bench: the floor page answered {response.status} "
                f"({response.headers.get('location', '')}): the bench session is not signed in"
            )
        return
    raise SystemExit("bench: gunicorn did not answer within 60 seconds")


# --- Reporting -----------------------------------------------------------------------


def _table(results: list[Result]) -> str:
    floor = results[0].percentile(50)
    lines = [
        f"{'endpoint':<34} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'req/s':>7} {'p50/floor':>9}",
        "-" * 86,
    ]
    for r in results:
        ok = len(r.seconds)
        rate = ok / r.wall if r.wall else 0.0
        ratio = r.percentile(50) / floor if floor else float("nan")
        lines.append(
            f"{r.name:<34} {r.requests:>8} {sum(r.errors.values()):>6} "
            f"{r.percentile(50) * 1000:>8.1f} {r.percentile(95) * 1000:>8.1f} "
            f"{rate:>7.0f} {ratio:>8.1f}×"
        )
    for r in results:
        if r.errors:
            detail = ", ".join(f"{k}: {v}" for k, v in r.errors.most_common())
            lines.append(f"  errors on {r.name}: {detail}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=20_000, help="synthetic cases to seed")
    parser.add_argument("--requests", type=int, default=300, help="measured requests a page")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--port", type=int, default=0, help="port for gunicorn (default free)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument(
        "--rounds", type=int, default=3, help="measure the endpoints in turns, this many times over"
    )
    parser.add_argument("--warmup", type=int, default=30, help="unmeasured requests a page")
    parser.add_argument(
        "--max-seconds", type=float, default=120, help="stop sending to one page after this long"
    )
    parser.add_argument("--database-url", help="use this database as it is (e.g. PostgreSQL)")
    parser.add_argument(
        "--app",
        default="config.wsgi:application",
        help="WSGI application for gunicorn, to compare a variant (default config.wsgi)",
    )
    args = parser.parse_args(argv)

    RESULTS.mkdir(parents=True, exist_ok=True)
    fresh = args.database_url is None
    if fresh:
        db = RESULTS / "bench.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        database_url = f"sqlite:///{db}"
    else:
        database_url = args.database_url
    env = _bench_env(database_url)

    print(f"bench: seeding {args.cases} cases ...", flush=True)
    info = _seed(env, args.cases, fresh=fresh)
    cookies = {"sessionid": str(info["session_key"])}
    references = [str(r) for r in info["references"]]  # type: ignore[attr-defined]
    surnames = [str(s) for s in info["surnames"]]  # type: ignore[attr-defined]
    port = args.port or _free_port()
    load_before = os.getloadavg()[0]

    with _gunicorn(env, port, args.workers, args.app) as server:
        _wait_until_up(server, port, cookies)
        notify = NotifyForm(port)
        notify.get(0)
        notify.prepare_csrf()
        print("bench: filling in the form's pages for each submit ...", flush=True)
        notify.prepare(args.requests + args.warmup * args.rounds + 5, args.concurrency)
        endpoints: list[tuple[str, str, Call]] = [
            (
                "floor (staff page, no work)",
                "/staff/floor/",
                lambda i: _get(port, "/staff/floor/", cookies),
            ),
            ("case list", "/staff/cases/", lambda i: _get(port, "/staff/cases/", cookies)),
            (
                "case page",
                "/staff/cases/<ref>/",
                lambda i: _get(port, f"/staff/cases/{references[i % len(references)]}/", cookies),
            ),
            (
                "case list, filtered (overdue, by stage)",
                "/staff/cases/?clock=overdue&status=information_gathering",
                lambda i: _get(
                    port, "/staff/cases/?clock=overdue&status=information_gathering", cookies
                ),
            ),
            (
                "case list, name search",
                "/staff/cases/?q=<surname>",
                lambda i: _get(port, f"/staff/cases/?q={surnames[i % len(surnames)]}", cookies),
            ),
            ("my work", "/staff/work/", lambda i: _get(port, "/staff/work/", cookies)),
            (
                "outstanding Reporting Forms",
                "/staff/reporting-forms/",
                lambda i: _get(port, "/staff/reporting-forms/", cookies),
            ),
            ("team work", "/staff/work/team/", lambda i: _get(port, "/staff/work/team/", cookies)),
            ("public form start page", "/llr/notify/", notify.get),
            ("public form page POST", "/llr/notify/child/", notify.page_post),
            ("public submit (check answers)", "/llr/notify/check/", notify.submit),
        ]
        results = _rounds(
            endpoints,
            requests=args.requests,
            rounds=args.rounds,
            concurrency=args.concurrency,
            warmup=args.warmup,
            max_seconds=args.max_seconds,
        )
        load_after = os.getloadavg()[0]

    table = _table(results)
    header = (
        f"{info['cases']} cases in LLR · {info['engine']} · gunicorn {args.workers} sync "
        f"workers ({args.app}) · {args.concurrency} client threads · "
        f"{args.requests} requests a page in {args.rounds} rounds "
        f"(+{args.warmup} warm-up) · {os.cpu_count()} CPUs · seeding took "
        f"{float(info['seed_seconds']):.1f} s"  # type: ignore[arg-type]
        f" · load average {load_before:.1f} before, {load_after:.1f} after"
    )
    print()
    print(header)
    print(table)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"bench-{stamp}.txt").write_text(f"{header}\n{table}\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
