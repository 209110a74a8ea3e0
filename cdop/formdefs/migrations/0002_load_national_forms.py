from __future__ import annotations

from typing import Any

from django.db import migrations
from django.utils import timezone


def load(apps: Any, schema_editor: Any) -> None:
    from cdop.formdefs.loading import definitions_load

    definitions_load(model=apps.get_model("formdefs", "FormDefinition"), now=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("formdefs", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
