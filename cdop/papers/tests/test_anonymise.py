"""The generalising step: people become roles, dates become days from the death, contact
details and references go; then the safety net runs."""

from __future__ import annotations

from datetime import date

from cdop.papers.anonymise import (
    REMOVED_DATE_OF_BIRTH,
    REMOVED_PHONE,
    REMOVED_POSTCODE,
    REMOVED_REFERENCE,
    Anonymiser,
    CaseIdentifiers,
    IdentifierCheck,
    Person,
    chronology_when,
    relative_to_death,
)

DIED = date(2026, 3, 10)
IDS = CaseIdentifiers(
    people=[
        Person("Freya Pemberton", "the child"),
        Person("Chloe Pemberton", "the mother"),
        Person("Rhys Pemberton", "the father"),
        Person("Chloe", "a family member"),  # a contact "with Chloe": less certain
    ],
    postcodes=["LE2 8BF"],
    dates_of_birth=[date(2025, 11, 2)],
    references=["LLR-2026-0007", "N-2026-00031"],
)


def anonymise(text: str) -> str:
    return Anonymiser(identifiers=IDS, died=DIED, label="Case 1: girl aged 4 months").text(text)


def test_people_become_their_roles_and_sentences_keep_their_capitals() -> None:
    assert anonymise("Chloe Pemberton called 999. Freya was blue; Rhys did CPR.") == (
        "The mother called 999. The child was blue; the father did CPR."
    )


def test_mum_and_her_name_are_said_once() -> None:
    assert anonymise("Found by mum Chloe at 06:40.") == "Found by the mother at 06:40."


def test_a_surname_alone_is_removed_as_it_points_at_no_one_in_particular() -> None:
    assert anonymise("The Pemberton family were seen.") == "The [name removed] family were seen."


def test_exact_dates_become_days_from_the_death_or_a_month_and_year() -> None:
    assert anonymise("Seen 07/03/2026 and 2026-03-10; discharged 12 March 2026.") == (
        "Seen day 3 before the death and the day of the death; discharged day 2 after the death."
    )
    assert anonymise("Booked 14 June 2025.") == "Booked June 2025."
    assert anonymise("DOB 02/11/2025.") == f"DOB {REMOVED_DATE_OF_BIRTH}."


def test_contact_details_postcodes_and_references_go() -> None:
    assert anonymise("Ring 07700 900123 or write to le2 8bf about LLR-2026-0007.") == (
        f"Ring {REMOVED_PHONE} or write to {REMOVED_POSTCODE} about {REMOVED_REFERENCE}."
    )
    assert "N-2026-00031" not in anonymise("Notification N-2026-00031 received")


def test_the_chronologys_when_column() -> None:
    assert chronology_when(DIED, DIED) == "Day of the death"
    assert chronology_when(date(2026, 3, 13), DIED) == "Day 3 after"
    assert chronology_when(date(2026, 2, 28), DIED) == "Day 10 before"
    assert chronology_when(date(2025, 9, 1), DIED) == "September 2025"
    assert relative_to_death(date(2026, 3, 11), DIED) == "day 1 after the death"


def test_a_month_and_year_is_not_taken_for_a_date_of_birth_in_it():
    """Born 20 December 2025: "December 2025" (the papers' month of death) is not "December
    20, (20)25", while the short-year forms of the birthday still are."""
    check = IdentifierCheck(
        CaseIdentifiers(dates_of_birth=[date(2025, 12, 20)]), whole_names_only=True
    )

    assert check("Month of death: December 2025").found == []
    assert check("Born December 20 25.").found == ["date of birth"]
    assert check("Born December 20, 2025.").found == ["date of birth"]
