"""Load without loss: many professionals notifying at once through the public form.

    .venv/bin/python loadtest/submit_load.py [--notifications 2000] [--clients 50]
        [--duplicates 200] [--max-seconds 600] [--ports 8001,8002]

Against the production-like layout (`make run-prod-like`), on loopback only. Each of
--clients threads is one browser at a time, going through the public form as a person
does: the start page, each question page (GET it, read the CSRF token, POST the answers),
check your answers, send, and the confirmation page, where it reads the reference. That is
what "acknowledged" means here: the reference was on the person's screen.

--duplicates of the notifications are sent twice with the same submission token: half as a
double click (two POSTs of the send button at once), half as a retry after a time-out (the
first POST abandoned before its answer came, then sent again). Both sends must end on the
same reference, and only one notification may be stored.

Afterwards the script reads the database directly (psycopg) and checks, for this run's
notifications (each carries the run's tag in its circumstances):

- exactly --notifications are stored, one per item (no duplicates);
- every acknowledged reference exists, for the item and submission token it was shown for;
- none is half-written: each has its audit entry and its queued job, and its draft is gone
  (all written in the notification's one transaction); once the task worker has run the
  job (up to --drain-seconds), the job succeeded and the Joint Agency Response tasks of the
  (unexpected) death exist, once each;
- no request got a 5xx, and none failed to connect (unless faults were injected: then 503
  and refused connections are expected, retried with the same answers and token, and only
  500s fail the run).

It prints a table (requests, p50, p95 and max per step, answers by status) and exits 1 if
any check fails or the run did not finish within --max-seconds. Stdlib for the load;
psycopg (in the virtualenv) for the checks.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

HOST = "127.0.0.1"
AREA = "llr"
REQUEST_TIMEOUT = 30.0
REFERENCE = re.compile(rb"NTF-[0-9A-Z]{4}-[0-9A-Z]{4}")
RETRYABLE = {0, 502, 503, 504}  # 0: could not connect, or the connection broke

# Valid answers for each page of the public form, as a browser posts them (all synthetic:
# an NHS number from the 999 range, a .invalid email address).
PAGES: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "child",
        {
            "out_of_scope": "no",
            "child_first_name": "Loadtest",
            "child_last_name": "",  # per item
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
            "circumstances": "",  # per item: carries the run's tag
            "ncmd_alert": "no",
        },
    ),
    ("family", {}),
    ("professionals", {}),
    (
        "you",
        {
            "notifier_name": "Sam Loadtest",
            "notifier_role": "Paediatric registrar",
            "notifier_organisation": "Synthetic Hospitals NHS Trust",
            "notifier_email": "sam.loadtest@example.invalid",
            "notifier_phone": "0116 496 0000",
        },
    ),
)


def _letters(n: int) -> str:
    """An item number as letters (names take no digits): 0 → A, 27 → BB."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out.capitalize()


def circumstances_of(tag: str, item: int) -> str:
    return f"Synthetic load test notification {tag}-{item:05d}."


# --- HTTP ----------------------------------------------------------------------------------


@dataclass
class Response:
    status: int  # 0 when no answer came (refused, reset, timed out)
    headers: dict[str, str]
    cookies: list[str]
    body: bytes
    error: str = ""


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: Counter[str] = field(default_factory=Counter)
    by_step: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    samples: dict[str, str] = field(default_factory=dict)

    def record(self, step: str, response: Response, seconds: float) -> None:
        key = str(response.status) if response.status else f"no answer ({response.error})"
        with self.lock:
            self.seconds[step].append(seconds)
            self.statuses[key] += 1
            self.by_step[step][key] += 1
            sample = f"{key} on {step}"
            if response.status >= 500 and sample not in self.samples:
                self.samples[sample] = response.body[:3000].decode("utf-8", "replace")

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    def count(self, predicate: Callable[[str], bool]) -> int:
        return sum(n for key, n in self.statuses.items() if predicate(key))


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


class Browser:
    """One person's browser: cookies, and the app process it is talking to. The load is
    spread over both app processes; a browser whose process does not answer tries the
    other, as a reverse proxy does with an upstream that refuses connections."""

    def __init__(self, ports: list[int], first: int, stats: Stats) -> None:
        self.ports = ports
        self.port_index = first % len(ports)
        self.cookies: dict[str, str] = {}
        self.stats = stats

    def clone(self) -> Browser:
        other = Browser(self.ports, self.port_index + 1, self.stats)
        other.cookies = dict(self.cookies)
        return other

    @property
    def port(self) -> int:
        return self.ports[self.port_index]

    def _headers(self, method: str) -> dict[str, str]:
        host = f"{HOST}:{self.port}"
        # As the TLS-terminating reverse proxy forwards a request: the app then sees a
        # secure request, with its production settings (secure cookies, CSRF origin check).
        headers = {"Host": host, "User-Agent": "cdop-loadtest", "X-Forwarded-Proto": "https"}
        if method == "POST":
            headers["Origin"] = f"https://{host}"
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        for line in set_cookies:
            pair, _, attributes = line.partition(";")
            name, _, value = pair.strip().partition("=")
            lowered = attributes.lower()
            if "max-age=0" in lowered or "expires=thu, 01 jan 1970" in lowered or not value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value.strip('"')

    def send(
        self, step: str, method: str, path: str, form: dict[str, str] | None = None
    ) -> Response:
        """One request; the answer's cookies kept (a browser keeps them)."""
        body = urlencode(form).encode() if form is not None else None
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=self._headers(method))
            raw = conn.getresponse()
            data = raw.read()
            response = Response(
                raw.status,
                {k.lower(): v for k, v in raw.getheaders()},
                raw.msg.get_all("Set-Cookie") or [],
                data,
            )
        except (OSError, http.client.HTTPException) as error:
            response = Response(0, {}, [], b"", error=type(error).__name__)
        finally:
            conn.close()
        self.stats.record(step, response, time.perf_counter() - started)
        self._keep_cookies(response.cookies)
        return response

    def abandon(self, step: str, method: str, path: str, form: dict[str, str]) -> None:
        """Send a request and walk away before its answer (a time-out in the browser): the
        server still handles it."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        try:
            conn.request(method, path, body=urlencode(form).encode(), headers=self._headers(method))
        except OSError:
            pass
        finally:
            conn.close()
        with self.stats.lock:
            self.stats.statuses["abandoned (time-out)"] += 1
            self.stats.by_step[step]["abandoned (time-out)"] += 1

    def other_port(self) -> None:
        self.port_index = (self.port_index + 1) % len(self.ports)


class OutOfTimeError(Exception):
    pass


@dataclass
class Config:
    ports: list[int]
    notifications: int = 2000
    clients: int = 50
    duplicates: int = 200
    max_seconds: float = 600.0
    retry_wait_max: float = 2.0
    tag: str = ""
    faults_expected: bool = False


@dataclass
class Acknowledged:
    item: int
    token: str
    reference: str
    duplicate: str  # "", "double click" or "retry after time-out"
    references: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    config: Config
    stats: Stats
    acknowledged: dict[int, Acknowledged] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    finished: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)


def _hidden(body: bytes, name: str) -> str | None:
    match = re.search(rb'name="' + name.encode() + rb'"[^>]*value="([^"]*)"', body) or re.search(
        rb'value="([^"]*)"[^>]*name="' + name.encode() + rb'"', body
    )
    return match.group(1).decode() if match else None


class Notifier:
    """The people: each thread takes the next item and notifies it from start to end."""

    def __init__(self, config: Config, result: LoadResult, deadline: float) -> None:
        self.config = config
        self.result = result
        self.deadline = deadline
        self.rng = random.Random(config.tag)  # noqa: S311 - which items repeat
        items = list(range(config.notifications))
        twice = self.rng.sample(items, min(config.duplicates, len(items)))
        half = len(twice) // 2
        self.duplicate_kind = dict.fromkeys(twice[:half], "double click") | dict.fromkeys(
            twice[half:], "retry after time-out"
        )
        self.next_item = iter(items)
        self.lock = threading.Lock()

    def until_answered(
        self,
        browser: Browser,
        step: str,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        expect: tuple[int, ...] = (200,),
    ) -> Response:
        """The same request again, as a person presses reload or send again after a "try
        again" page or a broken connection, until it gets a proper answer."""
        wait = 0.25
        while True:
            if time.monotonic() > self.deadline:
                raise OutOfTimeError
            response = browser.send(step, method, path, form)
            if response.status in expect:
                return response
            if response.status not in RETRYABLE:
                raise RuntimeError(
                    f"{step} {method} {path} answered {response.status}: {response.body[:200]!r}"
                )
            if response.status == 0:
                browser.other_port()
            retry_after = float(response.headers.get("retry-after", "0") or 0)
            # Sooner than a person would (the page asks for a few minutes): a load test
            # must finish, and retrying early is the harder case for the service.
            time.sleep(min(self.config.retry_wait_max, max(wait, min(retry_after, wait))))
            wait = min(self.config.retry_wait_max, wait * 2)

    def page_with_form(self, browser: Browser, step: str, path: str) -> tuple[str, bytes]:
        while True:
            page = self.until_answered(browser, step, "GET", path)
            csrf = _hidden(page.body, "csrfmiddlewaretoken")
            if csrf:
                return csrf, page.body
            raise RuntimeError(f"{path}: no CSRF token on the page")

    def notify(self, item: int) -> None:
        browser = Browser(self.config.ports, item, self.result.stats)
        base = f"/{AREA}/notify/"
        self.until_answered(browser, "start page GET", "GET", base)
        for slug, answers in PAGES:
            path = f"{base}{slug}/"
            csrf, _ = self.page_with_form(browser, "question page GET", path)
            form = {"csrfmiddlewaretoken": csrf, **answers}
            if slug == "child":
                form["child_last_name"] = f"Loadtest{_letters(item)}"
            if slug == "death":
                form["circumstances"] = circumstances_of(self.config.tag, item)
            response = self.until_answered(
                browser, "question page POST", "POST", path, form, expect=(302, 200)
            )
            if response.status == 200:
                # The page came back with an error: the answers are wrong, not the service.
                raise RuntimeError(f"{slug} page refused the answers: {response.body[:300]!r}")
        check = self.until_answered(browser, "check answers GET", "GET", f"{base}check/")
        token = _hidden(check.body, "submission_token") or ""
        csrf = _hidden(check.body, "csrfmiddlewaretoken") or ""
        if not token or not csrf:
            raise RuntimeError("check your answers: no submission token or CSRF token")
        send = {"csrfmiddlewaretoken": csrf, "submission_token": token}
        kind = self.duplicate_kind.get(item, "")

        references: list[str] = []
        if kind == "double click":
            twin = browser.clone()
            box: dict[str, str] = {}

            def second_click() -> None:
                box["reference"] = self.send_and_read(twin, f"{base}check/", send)

            other = threading.Thread(target=second_click)
            other.start()
            references.append(self.send_and_read(browser, f"{base}check/", send))
            other.join()
            references.append(box.get("reference", ""))
        elif kind == "retry after time-out":
            browser.abandon("send POST", "POST", f"{base}check/", send)
            time.sleep(self.rng.uniform(0.0, 0.3))
            references.append(self.send_and_read(browser, f"{base}check/", send))
        else:
            references.append(self.send_and_read(browser, f"{base}check/", send))
        if len(set(references)) != 1 or not references[0]:
            self.result.fail(f"item {item} ({kind}): the sends ended on {references}")
        with self.result.lock:
            self.result.acknowledged[item] = Acknowledged(
                item, token, references[0], kind, references
            )

    def send_and_read(self, browser: Browser, path: str, send: dict[str, str]) -> str:
        """Press send (again, after a "try again" page), then read the reference."""
        self.until_answered(browser, "send POST", "POST", path, send, expect=(302,))
        done = self.until_answered(browser, "confirmation GET", "GET", f"/{AREA}/notify/sent/")
        match = REFERENCE.search(done.body)
        if match is None:
            raise RuntimeError("the confirmation page shows no reference")
        return match.group(0).decode()

    def worker(self) -> None:
        while True:
            with self.lock:
                item = next(self.next_item, None)
            if item is None:
                return
            try:
                self.notify(item)
            except OutOfTimeError:
                self.result.fail(f"item {item}: not finished within --max-seconds")
                return
            except Exception as error:
                self.result.fail(f"item {item}: {error}")


def run_load(config: Config, result: LoadResult | None = None) -> LoadResult:
    """Run the load; returns when every item is acknowledged or the time is up. `result`
    may be given to watch the progress from another thread (loadtest/faults.py)."""
    result = result or LoadResult(config=config, stats=Stats())
    started = time.monotonic()
    notifier = Notifier(config, result, deadline=started + config.max_seconds)
    threads = [threading.Thread(target=notifier.worker, daemon=True) for _ in range(config.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=max(0.0, started + config.max_seconds + 60 - time.monotonic()))
    result.wall_seconds = time.monotonic() - started
    result.finished = not any(thread.is_alive() for thread in threads)
    if not result.finished:
        result.fail("clients still running after --max-seconds (+60 s): stopped waiting")
    return result


# --- Checks against the database -------------------------------------------------------------


def _connect(database_url: str) -> Any:
    import psycopg
    from psycopg.conninfo import make_conninfo

    # postgres://user@host:port/name, as DATABASE_URL.
    if database_url.startswith("postgres://"):
        database_url = "postgresql://" + database_url[len("postgres://") :]
    return psycopg.connect(make_conninfo(database_url), autocommit=True)


_STORED = """
SELECT n.id, n.reference, n.submission_token::text, n.circumstances
FROM notifications_notification n WHERE n.circumstances LIKE %s
"""
_HALF_WRITTEN = """
SELECT n.id,
  EXISTS (SELECT 1 FROM auditlog_logentry l
          WHERE l.content_type_id = %(ct)s AND l.object_pk = n.id::text AND l.action = 0),
  EXISTS (SELECT 1 FROM django_tasks_database_dbtaskresult t
          WHERE t.task_path LIKE '%%notification_acknowledge'
            AND (t.args_kwargs->'kwargs'->>'notification_id')::bigint = n.id),
  EXISTS (SELECT 1 FROM notifications_notificationdraft d
          WHERE d.submission_token = n.submission_token)
FROM notifications_notification n WHERE n.circumstances LIKE %(like)s
"""
_JOBS_PENDING = """
SELECT count(*) FROM django_tasks_database_dbtaskresult t
JOIN notifications_notification n
  ON (t.args_kwargs->'kwargs'->>'notification_id')::bigint = n.id
WHERE t.task_path LIKE '%%notification_acknowledge' AND n.circumstances LIKE %s
  AND t.status NOT IN ('SUCCESSFUL', 'FAILED')
"""
_AFTER_WORKER = """
SELECT n.id,
  (SELECT string_agg(t.status, ',') FROM django_tasks_database_dbtaskresult t
   WHERE t.task_path LIKE '%%notification_acknowledge'
     AND (t.args_kwargs->'kwargs'->>'notification_id')::bigint = n.id),
  (SELECT count(*) FROM cases_task k WHERE k.notification_id = n.id AND k.rule = 'jar'),
  (SELECT count(DISTINCT k.title) FROM cases_task k
   WHERE k.notification_id = n.id AND k.rule = 'jar')
FROM notifications_notification n WHERE n.circumstances LIKE %s
"""


def check_database(
    result: LoadResult, database_url: str, drain_seconds: float
) -> tuple[list[str], dict[str, Any]]:
    """The checks of the module docstring; (failures, figures)."""
    config = result.config
    like = f"Synthetic load test notification {config.tag}-%"
    failures: list[str] = []
    figures: dict[str, Any] = {}
    with _connect(database_url) as db:
        stored = db.execute(_STORED, [like]).fetchall()
        figures["stored"] = len(stored)
        by_item: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        for row in stored:
            item = int(row[3].rsplit("-", 1)[1].rstrip("."))
            by_item[item].append(row)
        duplicates = {item: rows for item, rows in by_item.items() if len(rows) > 1}
        figures["duplicates"] = len(duplicates)
        if len(stored) != config.notifications:
            failures.append(f"{len(stored)} notifications stored, expected {config.notifications}")
        if duplicates:
            failures.append(
                f"{len(duplicates)} items stored more than once: {list(duplicates)[:5]}"
            )
        missing_items = sorted(set(range(config.notifications)) - set(by_item))
        if missing_items:
            failures.append(f"{len(missing_items)} items never stored: {missing_items[:5]}")

        lost = []
        for item, ack in result.acknowledged.items():
            rows = by_item.get(item, [])
            if not any(r[1] == ack.reference and r[2] == ack.token for r in rows):
                lost.append((item, ack.reference))
        figures["acknowledged"] = len(result.acknowledged)
        figures["acknowledged_missing"] = len(lost)
        if lost:
            failures.append(f"{len(lost)} acknowledged references not stored: {lost[:5]}")
        unacknowledged = config.notifications - len(result.acknowledged)
        if unacknowledged:
            failures.append(f"{unacknowledged} notifications were never acknowledged")

        content_type = db.execute(
            "SELECT id FROM django_content_type "
            "WHERE app_label = 'notifications' AND model = 'notification'"
        ).fetchone()[0]
        half = [
            (nid, "no audit entry" if not audit else "no queued job" if not job else "draft left")
            for nid, audit, job, draft in db.execute(
                _HALF_WRITTEN, {"ct": content_type, "like": like}
            ).fetchall()
            if not audit or not job or draft
        ]
        figures["half_written"] = len(half)
        if half:
            failures.append(f"{len(half)} notifications half-written: {half[:5]}")

        started = time.monotonic()
        pending = db.execute(_JOBS_PENDING, [like]).fetchone()[0]
        while pending and time.monotonic() - started < drain_seconds:
            time.sleep(2)
            pending = db.execute(_JOBS_PENDING, [like]).fetchone()[0]
        figures["worker_drain_seconds"] = round(time.monotonic() - started, 1)
        if pending:
            failures.append(
                f"{pending} jobs not run by the task worker after {drain_seconds:.0f} s"
            )
        bad_jobs, bad_jar = [], []
        for nid, statuses, jar, distinct in db.execute(_AFTER_WORKER, [like]).fetchall():
            if statuses != "SUCCESSFUL":
                bad_jobs.append((nid, statuses))
            if jar == 0 or jar != distinct:
                bad_jar.append((nid, jar, distinct))
        figures["jobs_not_successful"] = len(bad_jobs)
        figures["jar_tasks_wrong"] = len(bad_jar)
        if bad_jobs:
            failures.append(f"{len(bad_jobs)} jobs not SUCCESSFUL (one each): {bad_jobs[:5]}")
        if bad_jar:
            failures.append(f"{len(bad_jar)} notifications without their JAR tasks once each")
    return failures, figures


def check_answers(result: LoadResult) -> list[str]:
    stats = result.stats
    failures = []
    server_errors = stats.count(lambda k: k.isdigit() and int(k) >= 500)
    if result.config.faults_expected:
        hard = stats.count(lambda k: k.isdigit() and int(k) >= 500 and int(k) != 503)
        if hard:
            failures.append(f"{hard} answers were 5xx other than 503 'try again'")
    elif server_errors:
        failures.append(f"{server_errors} answers were 5xx")
    unanswered = stats.count(lambda k: k.startswith("no answer"))
    if unanswered and not result.config.faults_expected:
        failures.append(f"{unanswered} requests got no answer")
    return failures


def summary(result: LoadResult, figures: dict[str, Any]) -> str:
    stats = result.stats
    lines = [
        f"run {result.config.tag}: {result.config.notifications} notifications from "
        f"{result.config.clients} clients, {result.config.duplicates} sent twice, "
        f"ports {result.config.ports}",
        f"{stats.requests} requests in {result.wall_seconds:.1f} s "
        f"({stats.requests / max(result.wall_seconds, 0.001):.1f}/s); "
        f"{len(result.acknowledged) / max(result.wall_seconds, 0.001):.1f} notifications/s",
        "",
        f"{'step':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}  answers",
    ]
    for step in (
        "start page GET",
        "question page GET",
        "question page POST",
        "check answers GET",
        "send POST",
        "confirmation GET",
    ):
        seconds = stats.seconds.get(step, [])
        answers = ", ".join(f"{k}: {n}" for k, n in sorted(stats.by_step[step].items()))
        lines.append(
            f"{step:<22}{len(seconds):>9}{_percentile(seconds, 50) * 1000:>9.0f}"
            f"{_percentile(seconds, 95) * 1000:>9.0f}{max(seconds or [0]) * 1000:>9.0f}  {answers}"
        )
    lines += [
        "",
        "answers by status: " + ", ".join(f"{k}: {n}" for k, n in stats.statuses.most_common()),
    ]
    lines += [f"{k}: {v}" for k, v in figures.items()]
    return "\n".join(lines)


def default_database_url() -> str:
    return (
        os.environ.get("PRODLIKE_DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/cdop_prodlike"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--notifications", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duplicates", type=int, default=200, help="items sent twice")
    parser.add_argument("--max-seconds", type=float, default=600.0, help="bound on the load")
    parser.add_argument("--drain-seconds", type=float, default=180.0, help="wait for the worker")
    parser.add_argument("--ports", default="8001,8002", help="app processes on 127.0.0.1")
    parser.add_argument(
        "--database-url",
        default=default_database_url(),
        help="the layout's database, for the checks (default: PRODLIKE_DATABASE_URL or "
        "postgres://postgres@127.0.0.1:5432/cdop_prodlike)",
    )
    parser.add_argument("--tag", default="", help="the run's tag (default: random)")


def config_from(args: argparse.Namespace, *, faults_expected: bool = False) -> Config:
    return Config(
        ports=[int(p) for p in str(args.ports).split(",") if p.strip()],
        notifications=args.notifications,
        clients=args.clients,
        duplicates=args.duplicates,
        max_seconds=args.max_seconds,
        tag=args.tag or uuid.uuid4().hex[:8].upper(),
        faults_expected=faults_expected,
    )


def report(result: LoadResult, args: argparse.Namespace, extra: list[str] | None = None) -> int:
    failures = list(result.failures) + check_answers(result) + list(extra or [])
    db_failures, figures = check_database(result, args.database_url, args.drain_seconds)
    failures += db_failures
    print(summary(result, figures))
    for key, body in result.stats.samples.items():
        text = re.sub(r"<[^>]+>", " ", body)
        print(f"\nfirst {key} answer: {' '.join(text.split())[:400]}")
    if failures:
        print(f"\nFAILED ({len(failures)}):")
        for failure in failures[:40]:
            print(f"  - {failure}")
        return 1
    print(
        "\nPASSED: every notification stored once, every acknowledged reference present, "
        "none half-written" + ("" if result.config.faults_expected else ", no 5xx")
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    add_arguments(parser)
    args = parser.parse_args(argv)
    config = config_from(args)
    for port in config.ports:
        try:
            socket.create_connection((HOST, port), timeout=2).close()
        except OSError:
            print(f"Nothing answers on {HOST}:{port}: start the layout with `make run-prod-like`.")
            return 2
    print(f"load: run {config.tag}, bounded by {config.max_seconds:.0f} s", flush=True)
    result = run_load(config)
    return report(result, args)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
