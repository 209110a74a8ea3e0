import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("areas", "0005_england_local_authorities"),
        ("clocks", "0003_clock_running_due_case"),
    ]

    operations = [
        migrations.AddField(
            model_name="clock",
            name="area",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.area",
            ),
        ),
        # Each clock takes its case's area.
        migrations.RunSQL(
            "UPDATE clocks_clock SET area_id = "
            "(SELECT area_id FROM cases_case WHERE cases_case.id = clocks_clock.case_id)",
            migrations.RunSQL.noop,
            elidable=True,
        ),
        migrations.AlterField(
            model_name="clock",
            name="area",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.area",
            ),
        ),
        migrations.RemoveIndex(model_name="clock", name="clock_running_due_case"),
        migrations.AddIndex(
            model_name="clock",
            index=models.Index(
                condition=models.Q(("stopped_at__isnull", True)),
                fields=["area", "due_at", "id", "kind", "case"],
                name="clock_running_area_due",
            ),
        ),
        # Fresh statistics, so that the planners weigh the new index rightly.
        migrations.RunSQL("ANALYZE clocks_clock", migrations.RunSQL.noop, elidable=True),
    ]
