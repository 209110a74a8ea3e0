from __future__ import annotations

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_area(apps: Any, schema_editor: Any) -> None:
    FormRequest = apps.get_model("agencyforms", "FormRequest")
    Case = apps.get_model("cases", "Case")
    FormRequest.objects.filter(area__isnull=True).update(
        area_id=Subquery(Case.objects.filter(pk=OuterRef("case_id")).values("area_id")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [
        ("agencyforms", "0001_initial"),
        ("areas", "0005_england_local_authorities"),
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="formrequest",
            name="area",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="areas.area",
            ),
        ),
        migrations.RunPython(copy_area, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="formrequest",
            name="area",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="areas.area"
            ),
        ),
        migrations.AddIndex(
            model_name="formrequest",
            index=models.Index(
                fields=["area", "status", "due_on", "id"], name="formrequest_area_open_due"
            ),
        ),
    ]
