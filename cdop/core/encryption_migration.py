"""The data step of the migrations that encrypted personal fields: rows stored in plaintext
before them are encrypted, and their blind indexes filled, in batches.

Written in SQL through the migration's connection rather than through models: the
historical model's encrypted field would try to decrypt the plaintext it reads. Each batch
is read by primary key order and written with executemany, so a table of any size never sits
in memory. A value that is already encrypted is decrypted first, so running it twice
(or after a batch that was interrupted outside a transaction) changes nothing.

The reverse decrypts every value back to plaintext, for `migrate <app> <previous>` with the
keys still set; the index columns are then dropped by the schema operations.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from cdop.core import crypto

BATCH = 1000

# A function of the plaintext values of a row (by column) giving more columns to write.
Derived = Callable[[dict[str, Any]], dict[str, str]]


def child_identity_of(plain: dict[str, Any]) -> dict[str, str]:
    """The child_identity_index of a case's or notification's row (cases.ChildDeath)."""
    text = crypto.child_identity(
        first_name=plain["child_first_name"],
        date_of_birth=plain["child_date_of_birth"],
        date_of_death=plain["date_of_death"],
        sex=plain["child_sex"],
    )
    return {"child_identity_index": crypto.index_of("child_identity", text)}


IDENTITY_COLUMNS = ("child_date_of_birth", "date_of_death", "child_sex")


def rows_in_batches(connection: Any, table: str, columns: Sequence[str]) -> Any:
    """The table's rows (id first, then `columns`) in batches of BATCH by primary key."""
    qn = connection.ops.quote_name
    selected = ", ".join(qn(c) for c in ("id", *columns))
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                # Table and column names come from the migration, never from input.
                f"SELECT {selected} FROM {qn(table)} WHERE id > %s "  # noqa: S608
                "ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def plaintext(value: str | None) -> str | None:
    """A stored value as plaintext, whether it is encrypted yet or not."""
    if value and crypto.is_token(value):
        return crypto.decrypt(value)
    return value


def _update(connection: Any, table: str, columns: Sequence[str], values: list[list[Any]]) -> None:
    qn = connection.ops.quote_name
    assignments = ", ".join(f"{qn(c)} = %s" for c in columns)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {qn(table)} SET {assignments} WHERE id = %s",  # noqa: S608
            values,
        )


def encrypt_table(
    schema_editor: Any,
    *,
    table: str,
    fields: Sequence[str],
    indexes: dict[str, tuple[str, str]] | None = None,
    derived: Derived | None = None,
    read: Sequence[str] = (),
) -> int:
    """Encrypt `fields` of every row of `table`; fill each index column from its
    (source column, kind); write what `derived` gives (it is also given the columns in
    `read`, which are not encrypted). Returns the rows seen."""
    connection = schema_editor.connection
    indexes = indexes or {}
    seen = 0
    written: list[str] = []
    for rows in rows_in_batches(connection, table, [*fields, *read]):
        values: list[list[Any]] = []
        for row in rows:
            plain = {name: plaintext(value) for name, value in zip(fields, row[1:], strict=False)}
            others = dict(zip(read, row[1 + len(fields) :], strict=True))
            out: dict[str, Any] = {
                name: crypto.encrypt(value) if value else value for name, value in plain.items()
            }
            for column, (source, kind) in indexes.items():
                out[column] = crypto.index_of(kind, plain[source] or "")
            if derived is not None:
                out.update(derived({k: v or "" for k, v in plain.items()} | others))
            written = list(out)
            values.append([*out.values(), row[0]])
        _update(connection, table, written, values)
        seen += len(rows)
    return seen


def decrypt_table(
    schema_editor: Any,
    *,
    table: str,
    fields: Sequence[str],
    derived: Derived | None = None,
) -> int:
    """The reverse of encrypt_table: every value of `fields` back to plaintext."""
    connection = schema_editor.connection
    seen = 0
    written: list[str] = []
    for rows in rows_in_batches(connection, table, fields):
        values: list[list[Any]] = []
        for row in rows:
            plain = {name: plaintext(value) for name, value in zip(fields, row[1:], strict=True)}
            out: dict[str, Any] = dict(plain)
            if derived is not None:
                out.update(derived({k: v or "" for k, v in plain.items()}))
            written = list(out)
            values.append([*out.values(), row[0]])
        _update(connection, table, written, values)
        seen += len(rows)
    return seen
