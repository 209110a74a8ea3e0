"""The shipped council list covers every English council in the postcode directory."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cdop.areas.management.commands.load_postcodes import postcode_rows
from cdop.areas.models import LocalAuthority

DATA = Path(__file__).resolve().parent.parent / "data" / "local_authorities_england.csv"
LLR = {
    "E06000016",
    "E06000017",
    "E10000018",
    *(f"E07000{n}" for n in range(129, 136)),
}


def _councils() -> dict[str, dict[str, str]]:
    with DATA.open(encoding="utf-8", newline="") as file:
        return {row["ons_code"]: row for row in csv.DictReader(file)}


@pytest.fixture(scope="module")
def directory_codes() -> set[str]:
    """Every local authority code in the package's postcode files (all 2.7 million rows)."""
    return {laua for _, laua in postcode_rows() if laua}


def test_every_english_council_in_the_postcode_files_maps_to_an_upper_tier(
    directory_codes: set[str],
) -> None:
    councils = _councils()
    english = {code for code in directory_codes if code.startswith("E")}
    missing = sorted(english - councils.keys())
    assert not missing, f"English councils in the postcode files but not in {DATA.name}"
    for code in english:
        row = councils[code]
        upper = councils[row["parent_code"]] if row["parent_code"] else row
        assert upper["tier"] == "upper"
        assert upper["ons_code"][:3] in {"E06", "E08", "E09", "E10"}
    assert len(english) == 296


def test_the_list_holds_no_council_the_postcode_files_do_not_know(
    directory_codes: set[str],
) -> None:
    # Counties have no postcodes of their own: every other council must have some.
    with_postcodes = {code for code in _councils() if not code.startswith("E10")}
    assert with_postcodes <= directory_codes


def test_the_postcode_files_hold_only_known_kinds_of_code(directory_codes: set[str]) -> None:
    prefixes = {code[:3] for code in directory_codes}
    assert prefixes == {"E06", "E07", "E08", "E09", "W06", "S12", "N09", "L99", "M99"}
    assert {"L99999999", "M99999999"} <= directory_codes
    # The April 2023 unitary authorities are in the files; their old districts are not.
    assert {"E06000063", "E06000064", "E06000065", "E06000066"} <= directory_codes
    assert "E07000163" not in directory_codes  # Craven, now North Yorkshire


def test_districts_point_to_a_county_and_only_districts_do() -> None:
    for code, row in _councils().items():
        if code.startswith("E07"):
            assert row["tier"] == "lower"
            assert row["parent_code"].startswith("E10")
        else:
            assert row["tier"] == "upper"
            assert row["parent_code"] == ""
    counties = {code for code in _councils() if code.startswith("E10")}
    assert len(counties) == 21


@pytest.mark.django_db
def test_the_migration_lists_every_council_and_keeps_llr_in_its_area(llr: object) -> None:
    councils = _councils()
    assert LocalAuthority.objects.count() == len(councils) == 317
    in_area = set(LocalAuthority.objects.filter(area=llr).values_list("ons_code", flat=True))
    assert in_area == LLR
    assert not LocalAuthority.objects.exclude(ons_code__in=LLR).filter(area__isnull=False)
    rushcliffe = LocalAuthority.objects.select_related("parent").get(ons_code="E07000176")
    assert rushcliffe.name == "Rushcliffe Borough Council"
    assert rushcliffe.tier == LocalAuthority.Tier.LOWER
    assert rushcliffe.parent is not None
    assert rushcliffe.parent.name == "Nottinghamshire County Council"
