from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0008_task_queue_who"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["area", "date_of_death", "opened_at", "id"], name="case_area_death_opened"
            ),
        ),
        # Fresh statistics for the new index (as in 0007): without them SQLite's planner takes
        # the index it knows nothing about as the most selective, and sorts the whole list.
        migrations.RunSQL("ANALYZE cases_case", migrations.RunSQL.noop, elidable=True),
    ]
