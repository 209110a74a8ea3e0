"""Which panel reviews, from the child's postcode (domain.md §6), on real directory rows."""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import cache

import pytest

from cdop.areas.management.commands.load_postcodes import postcode_rows
from cdop.areas.models import Area, LocalAuthority, Postcode
from cdop.areas.residence import (
    postcode_normalise,
    residence_cache_clear,
    residence_decide,
)
from cdop.notifications.reference import ResidenceStatus

# Real postcodes from the package's files, either side of LLR's boundary and beyond.
SAMPLE = [
    "LE1 5WW",  # Leicester
    "LE10 0AA",  # Hinckley, Leicestershire
    "LE67 1AA",  # Hinckley and Bosworth, Leicestershire
    "DE74 2SA",  # a DE postcode in North West Leicestershire
    "LE15 0AA",  # Oakham, Rutland
    "PE9 3AX",  # a PE9 postcode in Rutland...
    "PE9 1AA",  # ...and one in Stamford, Lincolnshire
    "LE12 6AA",  # an LE12 postcode in Rushcliffe, Nottinghamshire
    "LE65 1RF",  # an LE65 postcode in South Derbyshire
    "LE10 3AZ",  # an LE10 postcode in Rugby, Warwickshire
    "LE16 8DA",  # North Northamptonshire
    "LE16 9BF",  # West Northamptonshire
    "LE19 9AA",  # in the directory with no local authority
    "CF10 1EP",  # Cardiff
    "EH1 1YZ",  # Edinburgh
    "G1 2FF",  # Glasgow
    "BT1 5GS",  # Belfast
    "GY1 1AA",  # Guernsey
    "JE2 3AA",  # Jersey
    "IM1 1AA",  # Isle of Man
]


@cache
def _directory(letter: str) -> dict[str, str]:
    return dict(postcode_rows([letter]))


def real_rows(postcodes: list[str]) -> list[Postcode]:
    """Rows for these postcodes exactly as the package has them (each must exist)."""
    rows = []
    for text in postcodes:
        key = text.replace(" ", "")
        rows.append(Postcode(postcode=key, laua=_directory(key[0])[key]))
    return rows


@pytest.fixture
def directory(db: None) -> Iterator[None]:
    residence_cache_clear()
    Postcode.objects.bulk_create(real_rows(SAMPLE))
    yield
    residence_cache_clear()


def decide(postcode: str, area: Area) -> tuple[str, str, str, str, Area | None]:
    d = residence_decide(postcode=postcode, home_area=area)
    return d.status, d.lower_code, d.upper_code, d.authority_name, d.area


@pytest.mark.parametrize(
    ("postcode", "lower", "upper", "authority"),
    [
        ("LE1 5WW", "E06000016", "E06000016", "Leicester City Council"),
        ("LE10 0AA", "E07000132", "E10000018", "Leicestershire County Council"),
        ("LE67 1AA", "E07000132", "E10000018", "Leicestershire County Council"),
        ("DE74 2SA", "E07000134", "E10000018", "Leicestershire County Council"),
        ("LE15 0AA", "E06000017", "E06000017", "Rutland County Council"),
        ("PE9 3AX", "E06000017", "E06000017", "Rutland County Council"),
    ],
)
def test_a_postcode_in_llr_is_this_area(
    directory: None, llr: Area, postcode: str, lower: str, upper: str, authority: str
) -> None:
    assert decide(postcode, llr) == (ResidenceStatus.THIS_AREA, lower, upper, authority, llr)


@pytest.mark.parametrize(
    ("postcode", "lower", "upper", "authority"),
    [
        ("LE12 6AA", "E07000176", "E10000024", "Nottinghamshire County Council"),
        ("LE65 1RF", "E07000039", "E10000007", "Derbyshire County Council"),
        ("LE10 3AZ", "E07000220", "E10000031", "Warwickshire County Council"),
        ("LE16 8DA", "E06000061", "E06000061", "North Northamptonshire Council"),
        ("LE16 9BF", "E06000062", "E06000062", "West Northamptonshire Council"),
        ("PE9 1AA", "E07000141", "E10000019", "Lincolnshire County Council"),
    ],
)
def test_an_le_postcode_across_the_boundary_is_another_area_and_names_its_council(
    directory: None, llr: Area, postcode: str, lower: str, upper: str, authority: str
) -> None:
    assert decide(postcode, llr) == (ResidenceStatus.OTHER_AREA, lower, upper, authority, None)
    decision = residence_decide(postcode=postcode, home_area=llr)
    assert authority in decision.explanation
    assert "not on this system" in decision.explanation


def test_another_area_on_this_system_is_named_as_the_reviewer(
    directory: None, llr: Area, other_area: Area
) -> None:
    LocalAuthority.objects.filter(ons_code="E10000024").update(area=other_area)
    residence_cache_clear()  # update() sends no signal; a save() would clear it
    decision = residence_decide(postcode="LE12 6AA", home_area=llr)
    assert decision.status == ResidenceStatus.OTHER_AREA
    assert decision.area == other_area
    assert other_area.name in decision.explanation
    # Seen from that area, the same child lived there; and a Leicester child elsewhere.
    assert decide("LE12 6AA", other_area)[0] == ResidenceStatus.THIS_AREA
    leicester = residence_decide(postcode="LE1 5WW", home_area=other_area)
    assert (leicester.status, leicester.area) == (ResidenceStatus.OTHER_AREA, llr)


def test_saving_a_council_clears_the_cached_mapping(
    directory: None, llr: Area, other_area: Area
) -> None:
    assert decide("LE12 6AA", llr)[4] is None
    notts = LocalAuthority.objects.get(ons_code="E10000024")
    notts.area = other_area
    notts.save()
    assert decide("LE12 6AA", llr)[4] == other_area


@pytest.mark.parametrize(
    ("postcode", "lower", "country"),
    [
        ("CF10 1EP", "W06000015", "Wales"),
        ("EH1 1YZ", "S12000036", "Scotland"),
        ("G1 2FF", "S12000049", "Scotland"),
        ("BT1 5GS", "N09000003", "Northern Ireland"),
        ("GY1 1AA", "L99999999", "the Channel Islands"),
        ("JE2 3AA", "L99999999", "the Channel Islands"),
        ("IM1 1AA", "M99999999", "the Isle of Man"),
    ],
)
def test_a_postcode_outside_england_says_which_country(
    directory: None, llr: Area, postcode: str, lower: str, country: str
) -> None:
    decision = residence_decide(postcode=postcode, home_area=llr)
    assert decision.status == ResidenceStatus.NOT_ENGLAND
    assert decision.lower_code == lower
    assert decision.area is None
    assert f"in {country}, outside England" in decision.explanation


def test_a_postcode_with_no_local_authority_is_for_a_person_to_decide(
    directory: None, llr: Area
) -> None:
    decision = residence_decide(postcode="LE19 9AA", home_area=llr)
    assert (decision.status, decision.lower_code, decision.area) == (
        ResidenceStatus.UNKNOWN,
        "",
        None,
    )
    assert "no local authority" in decision.explanation


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "No postcode was given"),
        ("   ", "No postcode was given"),
        ("LE1", "not a full UK postcode"),
        ("not a postcode", "not a full UK postcode"),
        ("LE1 5WW; DROP TABLE", "not a full UK postcode"),
        ("1LE 5WW", "not a full UK postcode"),
        ("L" * 5000, "not a full UK postcode"),
        ("LE1 9ZZ", "LE1 9ZZ is not in the postcode directory"),  # well formed, not real
    ],
)
def test_blank_badly_formed_and_unknown_postcodes_are_unknown_and_never_raise(
    directory: None, llr: Area, text: str, why: str
) -> None:
    decision = residence_decide(postcode=text, home_area=llr)
    assert decision.status == ResidenceStatus.UNKNOWN
    assert why in decision.explanation
    assert decision.lower_code == decision.upper_code == ""


def test_an_empty_directory_says_it_has_not_been_loaded(db: None, llr: Area) -> None:
    decision = residence_decide(postcode="LE1 5WW", home_area=llr)
    assert decision.status == ResidenceStatus.UNKNOWN
    assert "load_postcodes" in decision.explanation


@pytest.mark.parametrize("text", ["LE1 5WW", "le15ww", " le1  5ww ", "Le1\t5wW", "LE1\u00a05WW"])
def test_any_spacing_and_case_finds_the_same_postcode(
    directory: None, llr: Area, text: str
) -> None:
    assert postcode_normalise(text) == "LE15WW"
    assert decide(text, llr)[:2] == (ResidenceStatus.THIS_AREA, "E06000016")


def test_a_decision_after_start_up_takes_well_under_five_milliseconds(
    directory: None, llr: Area
) -> None:
    residence_decide(postcode="LE1 5WW", home_area=llr)  # loads the council mapping
    started = time.perf_counter()
    for _ in range(200):
        for postcode in ("LE12 6AA", "LE1 5WW", "CF10 1EP"):
            residence_decide(postcode=postcode, home_area=llr)
    per_lookup = (time.perf_counter() - started) / 600
    assert per_lookup < 0.005
