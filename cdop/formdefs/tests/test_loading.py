from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from cdop.formdefs import loading
from cdop.formdefs.models import FormDefinition
from cdop.formdefs.selectors import formdef_current, formdefs_available


@pytest.mark.django_db
def test_the_migration_loads_the_core_form_and_every_supplementary_form() -> None:
    assert formdef_current(code="reporting-form").kind == FormDefinition.Kind.CORE
    supplementary = formdefs_available(kind=FormDefinition.Kind.SUPPLEMENTARY)
    assert len(supplementary) == 16
    confirmed = {d.code for d in supplementary if d.status_confirmed}
    assert confirmed == {
        "asthma-anaphylaxis",
        "cardiac",
        "care-pathway",
        "chromosomal-genetic-congenital",
        "delivery-suite-neonatal",
    }
    core = formdef_current(code="reporting-form")
    ids = {q["id"] for s in core.schema["sections"] for q in s["questions"]}
    assert {"height_cm", "weight_kg", "maternal_bmi", "bereavement_support"} <= ids


@pytest.mark.django_db
def test_loading_again_adds_nothing() -> None:
    before = FormDefinition.objects.count()
    out = StringIO()
    call_command("load_form_definitions", stdout=out)
    assert FormDefinition.objects.count() == before
    assert "up to date" in out.getvalue()


@pytest.mark.django_db
def test_a_changed_file_becomes_the_next_version_and_the_old_one_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = loading.DEFINITIONS_DIR / "drowning.json"
    data = json.loads(source.read_text())
    data["schema"]["sections"][0]["questions"][0]["label"] = "Where did it happen?"
    (tmp_path / "drowning.json").write_text(json.dumps(data))
    monkeypatch.setattr(loading, "DEFINITIONS_DIR", tmp_path)
    out = StringIO()
    call_command("load_form_definitions", stdout=out)
    assert "Published drowning version 2" in out.getvalue()
    assert formdef_current(code="drowning").version == 2
    old = FormDefinition.objects.get(code="drowning", version=1)
    assert old.schema["sections"][0]["questions"][0]["label"] == "Where did the drowning happen?"


def test_a_malformed_file_stops_the_load_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "broken.json").write_text(json.dumps({"code": "broken", "schema": {}}))
    monkeypatch.setattr(loading, "DEFINITIONS_DIR", tmp_path)
    with pytest.raises(ValueError, match=r"broken\.json"):
        loading.definition_files()
