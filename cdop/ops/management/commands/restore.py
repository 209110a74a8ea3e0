"""Restore a backup made by `manage.py backup` into an empty database.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cdop_restored manage.py restore FILE
    manage.py restore FILE --database-url sqlite:////tmp/restored.sqlite3

A target with any table in it is refused unless --force, which replaces everything in it
with the backup (all changes since the backup are lost). Stop the app processes and the
task worker before restoring over the database they use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cdop.ops.backup import BackupError, database_restore, database_table_names, engine_of
from cdop.ops.management.commands._target import add_target_arguments, target_from_options


class Command(BaseCommand):
    help = "Restore a backup file into an empty database (--force to replace a non-empty one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A file written by `manage.py backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in a database that is not empty. Changes made since "
            "the backup are lost.",
        )
        add_target_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        target = target_from_options(options)
        path = Path(options["file"])
        try:
            database_restore(target=target, path=path, force=options["force"])
            tables = database_table_names(target)
        except BackupError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Restored {path} into the {engine_of(target)} database {target['NAME']} "
                f"({len(tables)} tables). Run `manage.py migrate` if this code is newer "
                "than the backup."
            )
