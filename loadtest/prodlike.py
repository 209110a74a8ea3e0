"""A production-like layout on loopback: two app processes, one task worker, PostgreSQL.

    .venv/bin/python loadtest/prodlike.py start      # what `make run-prod-like` runs
    .venv/bin/python loadtest/prodlike.py status
    .venv/bin/python loadtest/prodlike.py kill-apps  # SIGKILL both app processes (faults)
    .venv/bin/python loadtest/prodlike.py stop       # what `make stop-prod-like` runs

`start` creates the database if it is missing (then migrates, loads the postcodes and the
demo), collects the static files, and starts a small supervisor in the background. The
supervisor runs gunicorn on 127.0.0.1:8001 and on :8002 (each with PRODLIKE_WORKERS sync
workers, 2 by default) and `manage.py db_worker`, and restarts any of them that exits, a
second later, as systemd's Restart=always would. Pids and logs are in var/prodlike/.

The processes run with DJANGO_ENV=production. Sessions, rate limits, the cache and the task
queue are all in PostgreSQL, so nothing depends on which process answers. On loopback
there is no TLS: the load scripts send X-Forwarded-Proto: https, as the TLS-terminating
reverse proxy of a real deployment does, so the production security settings stay as they
are. The only settings loosened, for this layout only, are the rate limits, because every
load client shares one address (127.0.0.1): NOTIFY_RATE_LIMIT and API_RATE_LIMIT.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "var" / "prodlike"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
APP_PORTS = (8001, 8002)
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/cdop_prodlike"
SUPERVISOR_PID = STATE / "supervisor.pid"
STOP_FILE = STATE / "stopping"


def database_url() -> str:
    return os.environ.get("PRODLIKE_DATABASE_URL") or DEFAULT_DATABASE_URL


def _kept(name: str, make: Callable[[], str]) -> str:
    """A secret kept in var/prodlike (0600), the same across restarts."""
    path = STATE / name
    if not path.exists():
        STATE.mkdir(parents=True, exist_ok=True)
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _secret_key() -> str:
    """A production-strength key, the same across restarts, so that signed cookies and CSRF
    tokens survive an app process being killed."""
    return _kept("secret_key", lambda: secrets.token_urlsafe(64))


def _field_keys() -> dict[str, str]:
    """Production's encryption keys (cdop.core.crypto), kept like the secret key: the rows
    written by one run must be readable by the next."""
    return {
        "FIELD_ENCRYPTION_KEYS": _kept(
            "field_encryption_key", lambda: base64.urlsafe_b64encode(os.urandom(32)).decode()
        ),
        "BLIND_INDEX_KEY": _kept("blind_index_key", lambda: secrets.token_urlsafe(48)),
    }


def service_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DJANGO_DEBUG", None)
    env.update(
        {
            "DJANGO_ENV": "production",
            "DATABASE_URL": database_url(),
            "DJANGO_SECRET_KEY": _secret_key(),
            **_field_keys(),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SITE_URL": "https://127.0.0.1:8001",
            # Every load client is 127.0.0.1: one address would hit the per-address limit
            # after about twenty notifications. Raised for this layout only.
            "NOTIFY_RATE_LIMIT": os.environ.get("PRODLIKE_NOTIFY_RATE_LIMIT", "1000000/10m"),
            "API_RATE_LIMIT": os.environ.get("PRODLIKE_API_RATE_LIMIT", "1000000/minute"),
            # Emails the worker sends (alerts, confirmations) go nowhere.
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(*args: str, env: dict[str, str]) -> None:
    print(f"prodlike: manage.py {' '.join(args)}", flush=True)
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def _pg_params(url: str) -> dict[str, Any]:
    import dj_database_url

    parsed = dj_database_url.parse(url)
    return {
        "host": parsed.get("HOST") or None,
        "port": str(parsed.get("PORT") or "") or None,
        "user": parsed.get("USER") or None,
        "password": parsed.get("PASSWORD") or None,
        "name": parsed["NAME"],
    }


def ensure_database(env: dict[str, str]) -> None:
    """Create, migrate and load the demo into the database the first time; afterwards only
    migrate (new migrations) and collect the static files."""
    import psycopg

    params = _pg_params(database_url())
    name = params.pop("name")
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            print(f"prodlike: creating database {name}", flush=True)
            admin.execute(f'CREATE DATABASE "{name}"')
    _manage("migrate", "--noinput", "-v", "0", env=env)
    _manage("createcachetable", env=env)
    if not exists:
        _manage("load_postcodes", "--if-empty", env=env)
        # load_demo refuses the production profile; the demo is synthetic, so it is loaded
        # once with the development one, into the same database.
        _manage("load_demo", env={**env, "DJANGO_ENV": "development"})
    _manage("collectstatic", "--noinput", "-v", "0", env=env)


# --- Processes -----------------------------------------------------------------------------


def _commands() -> dict[str, list[str]]:
    workers = os.environ.get("PRODLIKE_WORKERS", "2")
    apps = {
        f"app{port}": [
            str(BIN / "gunicorn"),
            "config.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            workers,
            "--worker-class",
            "sync",
            "--timeout",
            "30",
            "--graceful-timeout",
            "10",
            "--forwarded-allow-ips",
            HOST,
        ]
        for port in APP_PORTS
    }
    return {**apps, "worker": [sys.executable, "manage.py", "db_worker", "--queue-name", "default"]}


def _pid_file(name: str) -> Path:
    return STATE / f"{name}.pid"


def _read_pid(path: Path) -> int | None:
    try:
        pid = int(path.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def supervise() -> None:
    """Run the three processes and restart any that exits until told to stop (SIGTERM)."""
    env = service_env()
    commands = _commands()
    running: dict[str, subprocess.Popen[bytes]] = {}
    stopping = False

    def stop(_signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def launch(name: str) -> None:
        log = (STATE / f"{name}.log").open("ab")
        if name == "worker":
            # The one worker of this layout is not running: any job still RUNNING was left
            # by the one that died. Put it back in the queue (if the database is down, this
            # fails, and so does the worker; both are tried again a second later).
            subprocess.run(
                [sys.executable, "manage.py", "requeue_stale_tasks", "--minutes", "0"],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False,
            )  # fmt: skip
        # Each in its own process group, so that kill-apps can kill a master and its workers.
        running[name] = subprocess.Popen(  # noqa: S603
            commands[name], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        _pid_file(name).write_text(str(running[name].pid))
        print(f"prodlike: started {name} (pid {running[name].pid})", flush=True)

    for name in commands:
        launch(name)
    while not stopping:
        time.sleep(0.2)
        for name, process in list(running.items()):
            code = process.poll()
            if code is not None and not stopping:
                print(f"prodlike: {name} exited ({code}); restarting in 1 s", flush=True)
                time.sleep(1)
                launch(name)
    for process in running.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for name, process in running.items():
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        _pid_file(name).unlink(missing_ok=True)
    SUPERVISOR_PID.unlink(missing_ok=True)
    print("prodlike: stopped", flush=True)


def port_answers(port: int) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def wait_for_apps(timeout: float = 90.0) -> float:
    """Seconds until both app ports accept connections."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if all(port_answers(port) for port in APP_PORTS):
            return time.monotonic() - started
        time.sleep(0.2)
    raise SystemExit(f"prodlike: the app processes did not answer within {timeout:.0f} s")


def start() -> None:
    STATE.mkdir(parents=True, exist_ok=True)
    if _read_pid(SUPERVISOR_PID):
        print("prodlike: already running (make stop-prod-like stops it)")
        return
    busy = [port for port in APP_PORTS if port_answers(port)]
    if busy:
        raise SystemExit(f"prodlike: port(s) {busy} already in use on {HOST}")
    env = service_env()
    ensure_database(env)
    log = (STATE / "supervisor.log").open("ab")
    supervisor = subprocess.Popen(  # noqa: S603
        [sys.executable, str(Path(__file__).resolve()), "supervise"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    SUPERVISOR_PID.write_text(str(supervisor.pid))
    seconds = wait_for_apps()
    print(
        f"prodlike: serving on http://{HOST}:{APP_PORTS[0]} and :{APP_PORTS[1]} "
        f"(up in {seconds:.1f} s), one task worker, database {database_url()}\n"
        f"prodlike: logs and pids in {STATE.relative_to(ROOT)}/; `make stop-prod-like` stops"
    )


def stop() -> None:
    pid = _read_pid(SUPERVISOR_PID)
    if pid is None:
        print("prodlike: not running")
        return
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline and _read_pid(SUPERVISOR_PID):
        time.sleep(0.2)
    print("prodlike: stopped")


def kill_apps() -> list[int]:
    """SIGKILL every process of both app servers (masters and workers) at once; the
    supervisor starts them again a second later. The pids killed."""
    killed = []
    for port in APP_PORTS:
        pid = _read_pid(_pid_file(f"app{port}"))
        if pid is not None:
            os.killpg(pid, signal.SIGKILL)
            killed.append(pid)
    return killed


def status() -> int:
    supervisor = _read_pid(SUPERVISOR_PID)
    print(f"supervisor: {supervisor or 'not running'}")
    for name in _commands():
        pid = _read_pid(_pid_file(name))
        print(f"{name}: {pid or 'not running'}")
    return 0 if supervisor else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("command", choices=["start", "stop", "status", "kill-apps", "supervise"])
    args = parser.parse_args(argv)
    if args.command == "start":
        start()
    elif args.command == "stop":
        stop()
    elif args.command == "kill-apps":
        print(f"prodlike: SIGKILL sent to {kill_apps()}")
    elif args.command == "supervise":
        supervise()
    else:
        return status()
    return 0


if __name__ == "__main__":
    sys.exit(main())
