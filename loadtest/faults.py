"""Faults in the middle of the load: app processes killed, PostgreSQL stopped.

    .venv/bin/python loadtest/faults.py [--notifications 2000] [--clients 50]
        [--kill-apps-at 0.25,0.6] [--pg-stop-at 0.45] [--pg-down-seconds 10]
        [--pg-cluster 15/main] [--max-seconds 600]

Runs the load of submit_load.py against the production-like layout and, when the given
fractions of the notifications have been acknowledged:

- kills both app processes (each gunicorn master and all its workers) with SIGKILL; the
  layout's supervisor starts them again, as systemd would. Requests in flight get no answer
  (a reset connection); the clients send them again with the same answers and token;
- stops PostgreSQL (`pg_ctlcluster … stop -m fast`: open transactions are rolled back,
  connections closed) for --pg-down-seconds, then starts it. Meanwhile the app answers
  503 with the "try again" page, and the clients send again after a short wait.

Then the same checks as submit_load.py: every acknowledged submission is stored, exactly
once, none half-written (audit entry, queued job, draft gone; then job run and JAR tasks
made once), and no 5xx other than 503. It also checks that people were shown the "try
again" page during the stop, and that no answer was a 500.

Stopping PostgreSQL needs pg_ctlcluster (Debian's postgresql-common) and the right to run
it (root, or the postgres user). The cluster is the one listening on the port of
--database-url unless --pg-cluster names it: on a shared machine, give the layout its own
cluster (docs/operations.md shows how) so that nobody else's database stops.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import prodlike
import submit_load

TRY_AGAIN = ("Sorry, there is a problem with the service", "Try again in a few minutes")
NOT_SENT = "Your notification has not been sent"


@dataclass
class FaultLog:
    events: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def note(self, message: str) -> None:
        line = f"[{time.monotonic() - self.started:6.1f} s] {message}"
        self.events.append(line)
        print(f"faults: {line}", flush=True)


def cluster_for(database_url: str) -> tuple[str, str]:
    """(version, name) of the local cluster listening on the database URL's port."""
    import dj_database_url

    port = str(dj_database_url.parse(database_url).get("PORT") or 5432)
    listing = subprocess.run(
        ["pg_lsclusters", "--no-header"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for line in listing.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[2] == port:
            return parts[0], parts[1]
    raise SystemExit(f"faults: no local PostgreSQL cluster listens on port {port}")


def pg_ctl(version: str, name: str, action: str) -> None:
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action]
    if action == "stop":
        command += ["-m", "fast"]
    subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603


def wait_for_database(database_url: str, timeout: float = 60.0) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            with submit_load._connect(database_url) as db:
                db.execute("SELECT 1")
            return time.monotonic() - started
        except Exception:
            time.sleep(0.5)
    raise SystemExit("faults: PostgreSQL did not come back within a minute")


def inject(
    args: argparse.Namespace,
    result: submit_load.LoadResult,
    log: FaultLog,
    done: threading.Event,
) -> None:
    """Watch the acknowledgements and inject each fault at its fraction of the load."""
    total = result.config.notifications
    plan: list[tuple[float, str]] = [(f, "kill") for f in args.kill_apps_at]
    if args.pg_stop_at is not None:
        plan.append((args.pg_stop_at, "pg"))
    plan.sort()
    cluster = None
    if args.pg_stop_at is not None:
        cluster = tuple(args.pg_cluster.split("/", 1)) if args.pg_cluster else None
        cluster = cluster or cluster_for(args.database_url)
        log.note(f"PostgreSQL cluster to stop: {cluster[0]}/{cluster[1]}")
    for fraction, fault in plan:
        while len(result.acknowledged) < fraction * total:
            if done.is_set():
                log.failures.append(f"the load ended before the {fault} fault at {fraction:.0%}")
                return
            time.sleep(0.1)
        acknowledged = len(result.acknowledged)
        if fault == "kill":
            pids = prodlike.kill_apps()
            log.note(f"SIGKILL to both app processes {pids} at {acknowledged} acknowledged")
            if not pids:
                log.failures.append("no app process to kill: is the layout running?")
                continue
            time.sleep(0.5)
            seconds = prodlike.wait_for_apps(timeout=120)
            log.note(f"both app processes answer again after {seconds + 0.5:.1f} s")
        else:
            if cluster is None:
                raise RuntimeError("no cluster to stop")
            before = result.stats.statuses.get("503", 0)
            log.note(f"stopping PostgreSQL {cluster[0]}/{cluster[1]} at {acknowledged} ack.")
            pg_ctl(cluster[0], cluster[1], "stop")
            stopped = time.monotonic()
            time.sleep(args.pg_down_seconds)
            pg_ctl(cluster[0], cluster[1], "start")
            log.note(f"PostgreSQL started again after {time.monotonic() - stopped:.1f} s down")
            seconds = wait_for_database(args.database_url)
            during = result.stats.statuses.get("503", 0) - before
            log.note(f"PostgreSQL accepts queries {seconds:.1f} s later; {during} answers 503")
            if during == 0:
                log.failures.append("no 503 'try again' answer while PostgreSQL was stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    submit_load.add_arguments(parser)
    parser.add_argument(
        "--kill-apps-at",
        default="0.25,0.6",
        help="fractions of the load at which both app processes are killed ('' for none)",
    )
    parser.add_argument(
        "--pg-stop-at", default="0.45", help="fraction at which PostgreSQL stops ('' for none)"
    )
    parser.add_argument("--pg-down-seconds", type=float, default=10.0)
    parser.add_argument(
        "--pg-cluster",
        default="",
        help="VERSION/NAME of the cluster to stop (default: the one on the database's port)",
    )
    args = parser.parse_args(argv)
    args.kill_apps_at = [float(f) for f in args.kill_apps_at.split(",") if f.strip()]
    args.pg_stop_at = float(args.pg_stop_at) if args.pg_stop_at.strip() else None
    config = submit_load.config_from(args, faults_expected=True)
    if not all(prodlike.port_answers(port) for port in config.ports):
        print("faults: start the layout first: make run-prod-like")
        return 2
    if not prodlike._read_pid(prodlike.SUPERVISOR_PID):
        print("faults: the layout's supervisor is not running (make run-prod-like)")
        return 2

    print(f"faults: run {config.tag}, bounded by {config.max_seconds:.0f} s", flush=True)
    log = FaultLog()
    done = threading.Event()
    holder: dict[str, submit_load.LoadResult] = {}
    result = submit_load.LoadResult(config=config, stats=submit_load.Stats())

    def load() -> None:
        holder["result"] = submit_load.run_load(config, result=result)
        done.set()

    loader = threading.Thread(target=load)
    loader.start()
    injector = threading.Thread(target=inject, args=(args, result, log, done))
    injector.start()
    loader.join()
    injector.join(timeout=120)

    extra = list(log.failures)
    pages = {k: v for k, v in result.stats.samples.items() if k.startswith("503 ")}
    if args.pg_stop_at is not None:
        for where, page in pages.items():
            if not all(text in page for text in TRY_AGAIN):
                extra.append(f"the {where} answer was not the 'try again' page")
        sends = [v for k, v in pages.items() if k.endswith(" POST")]
        if any(NOT_SENT not in page for page in sends):
            extra.append("a 503 to a POST did not say the notification has not been sent")
    if result.stats.statuses.get("500"):
        extra.append(f"{result.stats.statuses['500']} answers were 500")
    print("\n".join(["", "fault events:", *log.events, ""]))
    return submit_load.report(holder.get("result", result), args, extra)


if __name__ == "__main__":
    sys.exit(main())
