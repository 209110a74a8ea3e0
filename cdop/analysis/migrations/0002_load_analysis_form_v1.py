from __future__ import annotations

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from cdop.analysis.loading import reference_load

    reference_load(
        version_model=apps.get_model("analysis", "AnalysisFormVersion"),
        domain_model=apps.get_model("analysis", "FactorDomain"),
        category_model=apps.get_model("analysis", "CategoryOfDeath"),
        name="analysis_form_v1.json",
    )


class Migration(migrations.Migration):
    dependencies = [("analysis", "0001_analysis_form")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
