"""Print every table's row count and checksum, to compare a restored database with its
source:

    manage.py db_fingerprint > before.txt
    manage.py db_fingerprint --database-url postgres://…/cdop_restored > after.txt
    diff before.txt after.txt      # no output: the same rows in every table
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cdop.ops.backup import BackupError, database_fingerprint
from cdop.ops.management.commands._target import add_target_arguments, target_from_options


class Command(BaseCommand):
    help = "Print each table's row count and a checksum of its rows in primary-key order."

    def add_arguments(self, parser: CommandParser) -> None:
        add_target_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            fingerprint = database_fingerprint(target_from_options(options))
        except BackupError as error:
            raise CommandError(str(error)) from None
        for table, print_ in sorted(fingerprint.items()):
            self.stdout.write(f"{table}\t{print_.rows}\t{print_.checksum}")
