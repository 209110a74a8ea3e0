# The name-start keys of the cases stored before cases.0019 made their table. A migration of
# its own, so that it runs once the table's indexes exist (Django creates a foreign key's
# index at the end of the migration that adds it) and ANALYZE sees all of them.

from django.db import migrations

from cdop.core import crypto

BATCH = 1000


def fill_name_starts(apps, schema_editor):
    """The name-start keys of every case stored before this migration (cdop.cases.search):
    the names decrypted with the keys in the settings, as cases.0017 encrypted them, in
    batches by primary key, so a table of any size never sits in memory."""
    from cdop.cases.search import name_start_keys
    from cdop.notifications.duplicates import normalise_name

    def plain(value):
        return crypto.decrypt(value) if value and crypto.is_token(value) else value or ""

    connection = schema_editor.connection
    last = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, child_first_name, child_last_name FROM cases_case "
                "WHERE id > %s ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            starts = [
                (case_id, key)
                for case_id, first, last_name in rows
                for key in sorted(
                    name_start_keys(
                        first=normalise_name(plain(first)), last=normalise_name(plain(last_name))
                    )
                )
            ]
            cursor.executemany(
                'INSERT INTO cases_casenamestart (case_id, "key") VALUES (%s, %s)', starts
            )
        last = rows[-1][0]


def empty_name_starts(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_casenamestart")


def analyze(apps, schema_editor):
    # Fresh statistics, so that the planners pick the new index at once: on SQLite the
    # whole database, as after a bulk load (generate_synthetic); on PostgreSQL the table.
    table = "" if schema_editor.connection.vendor == "sqlite" else " cases_casenamestart"
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"ANALYZE{table}")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0019_case_name_starts'),
    ]

    operations = [
        migrations.RunPython(fill_name_starts, empty_name_starts, elidable=True),
        migrations.RunPython(analyze, migrations.RunPython.noop, elidable=True),
    ]
