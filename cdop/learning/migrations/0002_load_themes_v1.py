from __future__ import annotations

from typing import Any

from django.db import migrations


def load(apps: Any, schema_editor: Any) -> None:
    from cdop.learning.loading import themes_load

    themes_load(theme_model=apps.get_model("learning", "Theme"), name="themes_v1.json")


class Migration(migrations.Migration):
    dependencies = [("learning", "0001_learning_themes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
