"""Seed Leicester, Leicestershire and Rutland (domain.md §1) and its public page text."""

from __future__ import annotations

from pathlib import Path

from django.db import migrations

SEED = Path(__file__).resolve().parent.parent / "seed"

UPPER = [
    ("E06000016", "Leicester City Council"),
    ("E10000018", "Leicestershire County Council"),
    ("E06000017", "Rutland County Council"),
]
LEICESTERSHIRE_DISTRICTS = [
    ("E07000129", "Blaby"),
    ("E07000130", "Charnwood"),
    ("E07000131", "Harborough"),
    ("E07000132", "Hinckley and Bosworth"),
    ("E07000133", "Melton"),
    ("E07000134", "North West Leicestershire"),
    ("E07000135", "Oadby and Wigston"),
]


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    Area = apps.get_model("areas", "Area")
    LocalAuthority = apps.get_model("areas", "LocalAuthority")
    AreaPage = apps.get_model("areas", "AreaPage")
    area, _ = Area.objects.get_or_create(
        slug="llr",
        defaults={
            "code": "LLR",
            "name": "Leicester, Leicestershire and Rutland",
            "short_name": "LLR",
            "contact_email": "cdop@llr.invalid",
        },
    )
    for code, name in UPPER:
        LocalAuthority.objects.get_or_create(
            ons_code=code, defaults={"area": area, "name": name, "tier": "upper"}
        )
    county = LocalAuthority.objects.get(ons_code="E10000018")
    for code, name in LEICESTERSHIRE_DISTRICTS:
        LocalAuthority.objects.get_or_create(
            ons_code=code,
            defaults={"area": area, "name": name, "tier": "lower", "parent": county},
        )
    for path in sorted((SEED / "llr").glob("*.md")):
        text = path.read_text(encoding="utf-8")
        first, _, body = text.partition("\n")
        AreaPage.objects.get_or_create(
            area=area,
            kind=path.stem,
            defaults={"title": first.lstrip("# ").strip(), "body": body.strip()},
        )


class Migration(migrations.Migration):
    dependencies = [("areas", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
