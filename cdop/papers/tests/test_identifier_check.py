"""The safety net on its own: every known identifier of a case, written every common way,
is removed from hostile text, whatever the generalising step before it missed."""

from __future__ import annotations

from datetime import date

import pytest

from cdop.papers.anonymise import (
    REMOVED_DATE_OF_BIRTH,
    REMOVED_NAME,
    REMOVED_NHS,
    REMOVED_POSTCODE,
    CaseIdentifiers,
    IdentifierCheck,
    Person,
    address_fragments,
    identifier_check,
    people_from_lines,
)

IDS = CaseIdentifiers(
    people=[
        Person("Oliver Thistlewood", "the child"),
        Person("Sarah Okonkwo-Barnes", "the mother"),
        Person("Jamal O'Halloran", "the father"),
    ],
    addresses=address_fragments("12 Juniper Road\nLeicester\nLE4 7XT"),
    postcodes=["LE4 7XT"],
    nhs_numbers=["9991234567"],
    dates_of_birth=[date(2025, 6, 1)],
    references=["LLR-2026-0042", "RF-000017"],
    phones=["07700 900123"],
    emails=["sarah.ob@family.invalid"],
)


def check(text: str) -> str:
    return identifier_check(text, IDS).text


def test_a_name_inside_a_reporting_forms_free_text_is_removed() -> None:
    text = "On the ward, Sarah said Oliver had been feeding poorly since Tuesday."
    assert check(text) == (
        f"On the ward, {REMOVED_NAME} said {REMOVED_NAME} had been feeding poorly since Tuesday."
    )


@pytest.mark.parametrize(
    "written",
    ["oliver", "OLIVER", "Oliver's", "Oliver’s", "Thistlewood", "THISTLEWOOD's"],
)
def test_names_are_removed_in_any_case_and_with_a_possessive(written: str) -> None:
    result = check(f"Seen: {written} cot.")
    assert "liver" not in result.lower()
    assert "thistle" not in result.lower()
    assert REMOVED_NAME in result


@pytest.mark.parametrize(
    "written", ["Okonkwo-Barnes", "Okonkwo Barnes", "okonkwo", "Barnes", "O'Halloran", "O’Halloran"]
)
def test_double_barrelled_and_apostrophe_names_are_removed_in_their_parts(written: str) -> None:
    result = check(f"Mrs {written} phoned.")
    for part in ("okonkwo", "barnes", "halloran"):
        assert part not in result.lower()


@pytest.mark.parametrize(
    "written",
    ["999 123 4567", "9991234567", "999-123-4567", "999 1234567", "9 9 9 1 2 3 4 5 6 7"],
)
def test_the_nhs_number_is_removed_with_any_spacing(written: str) -> None:
    result = check(f"NHS no. {written}, seen in clinic.")
    assert result == f"NHS no. {REMOVED_NHS}, seen in clinic."


@pytest.mark.parametrize("written", ["LE4 7XT", "le4 7xt", "LE47XT", "le47xt", "Le4  7Xt"])
def test_the_postcode_is_removed_in_any_case_with_or_without_the_space(written: str) -> None:
    assert check(f"Family moved to {written} in May.") == (
        f"Family moved to {REMOVED_POSTCODE} in May."
    )


@pytest.mark.parametrize(
    "written",
    [
        "01/06/2025",
        "1/6/2025",
        "01-06-2025",
        "01.06.2025",
        "1.6.25",
        "2025-06-01",
        "1 June 2025",
        "1st June 2025",
        "1st of June 2025",
        "01 Jun 2025",
        "June 1, 2025",
        "June 1st 2025",
        "01062025",
    ],
)
def test_the_date_of_birth_is_removed_in_the_common_written_forms(written: str) -> None:
    assert check(f"DOB {written}.") == f"DOB {REMOVED_DATE_OF_BIRTH}."


def test_a_birthday_without_the_year_is_removed_too() -> None:
    assert check("Party planned for 1 June.") == f"Party planned for {REMOVED_DATE_OF_BIRTH}."


def test_other_dates_are_left_for_the_generalising_step() -> None:
    assert check("Seen on 2 June 2025.") == "Seen on 2 June 2025."


def test_the_address_with_and_without_the_house_number_and_the_references_are_removed() -> None:
    result = check(
        "Letters went to 12 juniper road; the flat on Juniper Road was damp. "
        "Case LLR-2026-0042, form RF-000017. Mum on 07700900123 or sarah.ob@family.invalid."
    )
    assert "juniper" not in result.lower()
    assert "LLR-2026-0042" not in result
    assert "RF-000017" not in result
    assert "07700" not in result
    assert "family.invalid" not in result
    assert "Leicester" not in IDS.addresses  # the town alone is not a home


def test_it_says_what_kinds_of_identifier_it_found() -> None:
    result = identifier_check("Oliver, LE4 7XT, 999 123 4567", IDS)
    assert sorted(result.found) == ["NHS number", "name", "postcode"]


def test_clean_text_comes_back_unchanged_and_nothing_is_reported() -> None:
    text = "The panel noted safer sleep advice was given at every contact."
    result = identifier_check(text, IDS)
    assert result.text == text
    assert result.found == []


def test_the_final_check_looks_for_whole_names_so_the_papers_own_words_pass() -> None:
    family_called_day = CaseIdentifiers(people=[Person("Emma Day", "the mother")])
    final = IdentifierCheck(family_called_day, whole_names_only=True)
    assert final("Day 3 after: post-mortem performed").found == []
    assert final("Seen with Emma Day at home").found == ["name"]
    assert final("Seen with emma  day's sister").found == ["name"]


def test_people_are_read_from_the_notifications_one_a_line_fields() -> None:
    people = people_from_lines(
        "Jane Smith (mother), 07700 900456\nFather: John Smith\nTom Smith-Jones, brother, aged 6",
        default_role="a parent",
    )
    assert [(p.name, p.role) for p in people] == [
        ("Jane Smith", "the mother"),
        ("John Smith", "the father"),
        ("Tom Smith-Jones", "a sibling"),
    ]


def test_a_name_written_without_its_accent_is_still_found() -> None:
    ids = CaseIdentifiers(people=[Person("Zoë Brontë", "the child")])
    assert identifier_check("Zoe and ZOË; the Bronte family", ids).text == (
        f"{REMOVED_NAME} and {REMOVED_NAME}; the {REMOVED_NAME} family"
    )
