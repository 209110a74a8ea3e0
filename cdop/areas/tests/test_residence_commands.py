"""manage.py load_postcodes and manage.py residence."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cdop.areas.models import Area, Postcode
from cdop.areas.tests.test_residence_decide import directory, real_rows  # noqa: F401


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_load_postcodes_loads_the_areas_asked_for_in_canonical_form() -> None:
    output = run("load_postcodes", "--letters", "JE,IM")
    jersey = Postcode.objects.filter(postcode__startswith="JE")
    man = Postcode.objects.filter(postcode__startswith="IM")
    assert jersey.exists()
    assert man.exists()
    assert Postcode.objects.count() == jersey.count() + man.count()  # not the rest of I
    assert Postcode.objects.get(pk="IM11AA").laua == "M99999999"
    assert set(jersey.values_list("laua", flat=True).distinct()) <= {"L99999999", ""}
    assert not Postcode.objects.filter(postcode__contains=" ")
    assert f"Loaded {Postcode.objects.count():,} postcodes" in output


@pytest.mark.django_db
def test_load_postcodes_replaces_the_table_so_a_second_run_changes_nothing() -> None:
    Postcode.objects.create(postcode="ZZ11ZZ", laua="E06000016")
    run("load_postcodes", "--letters", "J")
    first = sorted(Postcode.objects.values_list("postcode", "laua"))
    run("load_postcodes", "--letters", "J")
    assert sorted(Postcode.objects.values_list("postcode", "laua")) == first
    assert not Postcode.objects.filter(pk="ZZ11ZZ").exists()
    assert len(first) > 1000


@pytest.mark.django_db
def test_if_empty_leaves_a_loaded_table_alone() -> None:
    Postcode.objects.create(postcode="LE15WW", laua="E06000016")
    assert "already loaded" in run("load_postcodes", "--letters", "J", "--if-empty")
    assert list(Postcode.objects.values_list("postcode", flat=True)) == ["LE15WW"]
    Postcode.objects.all().delete()
    run("load_postcodes", "--letters", "J", "--if-empty")
    assert Postcode.objects.filter(postcode__startswith="JE").count() > 1000


@pytest.mark.django_db
def test_postcodes_with_no_council_are_kept_with_an_empty_code() -> None:
    output = run("load_postcodes", "--letters", "LE")
    assert Postcode.objects.get(pk="LE199AA").laua == ""
    assert Postcode.objects.get(pk="LE15WW").laua == "E06000016"
    assert "without a local authority" in output


@pytest.mark.parametrize("letters", ["LE1", "L-E", "ABC"])
def test_load_postcodes_refuses_what_is_not_a_postcode_area(letters: str) -> None:
    with pytest.raises(CommandError, match="not a postcode area"):
        call_command("load_postcodes", "--letters", letters)


@pytest.mark.usefixtures("directory")
def test_residence_prints_both_tiers_with_names_and_the_decision() -> None:
    output = run("residence", "le12 6aa")
    assert "E07000176 Rushcliffe Borough Council" in output
    assert "E10000024 Nottinghamshire County Council" in output
    assert "Resident in another English area (other_area)" in output
    assert "Seen from:      Leicester, Leicestershire and Rutland" in output


@pytest.mark.usefixtures("directory")
def test_residence_decides_for_the_area_asked(other_area: Area) -> None:
    output = run("residence", "LE1 5WW", "--area", other_area.slug)
    assert "E06000016 Leicester City Council" in output
    assert "Reviewing area: Leicester, Leicestershire and Rutland" in output
    assert "Seen from:      Demo Shire" in output


@pytest.mark.usefixtures("directory")
def test_residence_outside_england_and_unknown() -> None:
    assert "Not resident in England (not_england)" in run("residence", "CF10 1EP")
    assert "Not known: a person decides (unknown)" in run("residence", "nonsense")


@pytest.mark.django_db
def test_residence_refuses_an_unknown_area() -> None:
    with pytest.raises(CommandError, match=r"No area “nowhere”\. Areas: llr"):
        call_command("residence", "LE1 5WW", "--area", "nowhere")
