"""Queue again the background jobs a worker that died left RUNNING.

Run it from cron, with a time longer than any job takes (jobs here take seconds):

    */5 * * * *  cd /srv/cdop && .venv/bin/python manage.py requeue_stale_tasks --minutes 15

and, with a single task worker, just before that worker (re)starts with `--minutes 0`:
nothing else can be running a job then (loadtest/prodlike.py does this).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cdop.ops.services import tasks_requeue_stale


class Command(BaseCommand):
    help = "Queue again background jobs left RUNNING by a worker that died."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--minutes",
            type=int,
            default=15,
            help="Only jobs RUNNING for longer than this (default 15). 0: every RUNNING job, "
            "for when no worker is running.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["minutes"] < 0:
            raise CommandError("--minutes must be 0 or more.")
        ids = tasks_requeue_stale(older_than=timedelta(minutes=options["minutes"]))
        if options["verbosity"] > 0:
            self.stdout.write(f"Queued again {len(ids)} job(s) left RUNNING by a worker.")
