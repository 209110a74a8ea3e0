"""Re-encrypt every encrypted field under the newest key, or recompute every blind index.

    manage.py rotate_field_keys                 # a new key put first in FIELD_ENCRYPTION_KEYS
    manage.py rotate_field_keys --blind-index   # BLIND_INDEX_KEY changed

Both walk each table in primary-key order, in batches, each batch in its own transaction
with its rows locked, and write only what changes: a value already under the newest key (or
an index already right) is left alone. So the command can be stopped and run again, and a
second run reports nothing to do. docs/security.md ("Rotating keys") gives the steps.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, models, transaction

from cdop.core import crypto
from cdop.core.fields import BlindIndexField, encrypted_fields, encrypted_models


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted field with the newest key in FIELD_ENCRYPTION_KEYS, or "
        "with --blind-index recompute every blind index under BLIND_INDEX_KEY."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--blind-index",
            action="store_true",
            help="Recompute the blind indexes (after BLIND_INDEX_KEY changed) instead.",
        )
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        batch = max(1, int(options["batch_size"]))
        if options["blind_index"]:
            for model in _indexed_models():
                seen, changed = _reindex(model, batch)
                self.stdout.write(
                    f"{model._meta.label}: {seen} rows, {changed} with indexes recomputed"
                )
            return
        total = 0
        for model in encrypted_models():
            seen, rotated, encrypted = _reencrypt(model, batch)
            total += rotated + encrypted
            line = f"{model._meta.label}: {seen} rows, {rotated} values re-encrypted"
            if encrypted:
                line += f", {encrypted} plaintext values encrypted"
            self.stdout.write(line)
        self.stdout.write(f"Done: {total} values written under the newest key.")


def _indexed_models() -> list[type[models.Model]]:
    from django.apps import apps

    return [
        m
        for m in apps.get_models()
        if not m._meta.proxy
        and (
            any(isinstance(f, BlindIndexField) for f in m._meta.concrete_fields)
            or hasattr(m, "blind_indexes_refresh")
        )
    ]


def _locked_batch(table: str, columns: list[str], after: int, size: int) -> list[tuple[Any, ...]]:
    qn = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        cursor.execute(
            # Table and column names come from the models, never from input.
            f"SELECT {', '.join(qn(c) for c in ['id', *columns])} FROM {qn(table)} "  # noqa: S608
            f"WHERE id > %s ORDER BY id LIMIT %s{lock}",
            [after, size],
        )
        return list(cursor.fetchall())


def _reencrypt(model: type[models.Model], size: int) -> tuple[int, int, int]:
    """(rows seen, tokens re-encrypted, plaintext values found and encrypted)."""
    columns = [f.column for f in encrypted_fields(model)]
    table = model._meta.db_table
    qn = connection.ops.quote_name
    seen = rotated = encrypted = 0
    after = 0
    while True:
        with transaction.atomic():
            rows = _locked_batch(table, columns, after, size)
            if not rows:
                break
            updates: list[tuple[str, str, int]] = []
            for row in rows:
                for column, value in zip(columns, row[1:], strict=True):
                    if not value:
                        continue
                    if not crypto.is_token(value):
                        updates.append((column, crypto.encrypt(value), row[0]))
                        encrypted += 1
                        continue
                    if not crypto.under_newest_key(value):
                        updates.append((column, crypto.encrypted_with_newest_key(value), row[0]))
                        rotated += 1
            with connection.cursor() as cursor:
                for column in columns:
                    values = [(token, pk) for c, token, pk in updates if c == column]
                    if values:
                        cursor.executemany(
                            f"UPDATE {qn(table)} SET {qn(column)} = %s WHERE id = %s",  # noqa: S608
                            values,
                        )
        seen += len(rows)
        after = rows[-1][0]
    return seen, rotated, encrypted


def _reindex(model: type[models.Model], size: int) -> tuple[int, int]:
    """(rows seen, rows whose indexes changed)."""
    indexes = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
    seen = changed = 0
    after = 0
    while True:
        with transaction.atomic():
            rows = list(
                model._default_manager.select_for_update()
                .filter(pk__gt=after)
                .order_by("pk")[:size]
            )
            if not rows:
                break
            dirty = []
            names: set[str] = set()
            for row in rows:
                before = {f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields}
                for f in indexes:
                    f.pre_save(row, add=False)
                refreshed: list[str] = list(getattr(row, "blind_indexes_refresh", list)())
                after_values = {
                    n: getattr(row, n) for n in [f.attname for f in indexes] + refreshed
                }
                if any(before[n] != v for n, v in after_values.items()):
                    dirty.append(row)
                names |= set(after_values)
            if dirty:
                model._default_manager.bulk_update(dirty, sorted(names))
            # Keys kept in rows of their own (a case's name starts), rewritten batch by batch.
            rows_refresh = getattr(model, "blind_index_rows_refresh", None)
            rewritten: set[int] = set(rows_refresh(rows)) if rows_refresh else set()
        seen += len(rows)
        changed += len({row.pk for row in dirty} | rewritten)
        after = rows[-1].pk
    return seen, changed
