# The name-start keys of the cases stored before cases.0019 made their table. A migration of
# its own, so that it runs once the table's indexes exist (Django creates a foreign key's
# index at the end of the migration that adds it) and ANALYZE sees all of them.

from django.db import migrations

from cdop.core.encryption_migration import plaintext, rows_in_batches


def fill_name_starts(apps, schema_editor):
    """The name-start keys of every case stored before this migration (cdop.cases.search):
    the names decrypted with the keys in the settings, as cases.0017 encrypted them, in
    batches by primary key, so a table of any size never sits in memory."""
    from cdop.cases.search import name_start_keys
    from cdop.notifications.duplicates import normalise_name

    connection = schema_editor.connection
    columns = ("child_first_name", "child_last_name")
    for rows in rows_in_batches(connection, "cases_case", columns):
        starts = [
            (case_id, key)
            for case_id, first, last in rows
            for key in sorted(
                name_start_keys(
                    first=normalise_name(plaintext(first) or ""),
                    last=normalise_name(plaintext(last) or ""),
                )
            )
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                'INSERT INTO cases_casenamestart (case_id, "key") VALUES (%s, %s)', starts
            )


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
