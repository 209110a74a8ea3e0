"""Back up the whole database to one file, while the service runs.

    manage.py backup /srv/backups/cdop-$(date +%F).backup

SQLite through its online backup API; PostgreSQL with `pg_dump --format=custom`. The file
holds special-category personal data: keep it encrypted, off this machine, and delete it
when the retention period says so. docs/operations.md describes the routine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cdop.ops.backup import BackupError, database_backup, engine_of
from cdop.ops.management.commands._target import add_target_arguments, target_from_options


class Command(BaseCommand):
    help = "Back up the database to a file (SQLite online backup, or pg_dump -Fc)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The backup file to write (replaced if it exists).")
        add_target_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        target = target_from_options(options)
        path = Path(options["file"])
        try:
            size = database_backup(target=target, path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Backed up the {engine_of(target)} database to {path.resolve()} ({size:,} bytes)."
            )
