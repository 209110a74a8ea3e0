"""List every English council (cdop/areas/data/local_authorities_england.csv), so that staff
see the name of the council a child lived in. Districts point to their county.

Idempotent: a council already listed keeps its area (LLR's were seeded by 0002); its name,
tier and county are brought in line with the file. Councils in no area configured here
have no area.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "local_authorities_england.csv"


def load(apps, schema_editor):  # type: ignore[no-untyped-def]
    LocalAuthority = apps.get_model("areas", "LocalAuthority")
    with DATA.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    by_code = {}
    # Upper tier first, so that districts can point to their county.
    for row in sorted(rows, key=lambda r: (r["tier"] != "upper", r["ons_code"])):
        parent = by_code[row["parent_code"]] if row["parent_code"] else None
        council, created = LocalAuthority.objects.get_or_create(
            ons_code=row["ons_code"],
            defaults={"name": row["name"], "tier": row["tier"], "parent": parent},
        )
        if not created and (
            council.name != row["name"]
            or council.tier != row["tier"]
            or council.parent_id != (parent.pk if parent else None)
        ):
            council.name = row["name"]
            council.tier = row["tier"]
            council.parent = parent
            council.save(update_fields=["name", "tier", "parent"])
        by_code[row["ons_code"]] = council


class Migration(migrations.Migration):
    dependencies = [("areas", "0004_postcode")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
