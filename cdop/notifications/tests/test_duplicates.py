"""Duplicate notifications: who may be the same child, how sure, and why."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

import pytest

from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.notifications.duplicates import (
    Band,
    _candidate_cases,
    duplicate_best_bands,
    duplicate_candidates,
    duplicate_match,
    jaro_winkler,
    normalise_name,
)
from cdop.notifications.models import Notification


@dataclass
class Child:
    child_first_name: str = "Amelia"
    child_last_name: str = "Smith-Jones"
    child_date_of_birth: datetime.date = datetime.date(2025, 3, 4)
    child_nhs_number: str = ""
    child_postcode: str = "LE1 5WW"
    date_of_death: datetime.date = datetime.date(2026, 11, 20)


def test_the_same_nhs_number_is_certain_whatever_else_differs():
    match = duplicate_match(
        Child(child_nhs_number="9990000018"),
        Child(child_nhs_number="999 000 0018", child_first_name="Jo", child_last_name="Bloggs"),
    )
    assert match is not None
    assert match.band == Band.CERTAIN
    assert match.band.label == "Certain: same NHS number"
    assert match.reasons[0] == "Same NHS number"


def test_an_nhs_number_that_is_not_ten_digits_is_not_compared():
    match = duplicate_match(Child(child_nhs_number="123"), Child(child_nhs_number="123"))
    assert match is not None
    assert match.band == Band.LIKELY


@pytest.mark.parametrize("surname", ["Smith Jones", "Smithjones", "smith-jones", "SMITH JONES"])
def test_hyphens_spaces_and_case_in_a_surname_do_not_matter(surname):
    match = duplicate_match(Child(), Child(child_last_name=surname))
    assert match is not None
    assert match.band == Band.LIKELY
    assert any(r.startswith("Same surname") for r in match.reasons)


def test_accents_and_apostrophes_are_ignored():
    assert normalise_name("O'Brien") == normalise_name("OBrien") == "obrien"
    assert normalise_name("Zoë") == "zoe"
    match = duplicate_match(
        Child(child_first_name="Zoë", child_last_name="O'Brien"),
        Child(child_first_name="Zoe", child_last_name="OBrien"),
    )
    assert match is not None
    assert match.band == Band.LIKELY


def test_a_spelling_variant_of_the_surname_is_likely():
    match = duplicate_match(Child(child_last_name="Smith"), Child(child_last_name="Smyth"))
    assert match is not None
    assert match.band == Band.LIKELY
    assert "Similar surname, perhaps a spelling variant (“Smith” and “Smyth”)" in match.reasons


def test_a_common_short_form_of_the_first_name_counts():
    match = duplicate_match(Child(child_first_name="William"), Child(child_first_name="Will"))
    assert match is not None
    assert match.band == Band.LIKELY


def test_a_date_of_birth_with_day_and_month_swapped_counts():
    match = duplicate_match(
        Child(child_date_of_birth=datetime.date(2025, 3, 4)),
        Child(child_date_of_birth=datetime.date(2025, 4, 3)),
    )
    assert match is not None
    assert match.band == Band.LIKELY
    assert "Same date of birth with the day and month swapped" in match.reasons


def test_dates_of_death_a_day_apart_still_match():
    match = duplicate_match(Child(), Child(date_of_death=datetime.date(2026, 11, 21)))
    assert match is not None
    assert "Dates of death one day apart" in match.reasons


def test_the_same_name_with_another_birth_date_and_postcode_is_not_likely():
    match = duplicate_match(
        Child(),
        Child(child_date_of_birth=datetime.date(2019, 8, 30), child_postcode="NG1 1AA"),
    )
    assert match is None or match.band < Band.LIKELY
    assert match is not None  # still shown, for a person to judge
    assert "Different dates of birth" in match.reasons
    assert "Different postcodes" in match.reasons


def test_twins_are_possible_never_certain_or_likely():
    match = duplicate_match(Child(child_first_name="Amelia"), Child(child_first_name="Isla"))
    assert match is not None
    assert match.band == Band.POSSIBLE
    assert any("perhaps a twin or a sibling" in r for r in match.reasons)


def test_different_nhs_numbers_hold_a_match_at_possible():
    match = duplicate_match(
        Child(child_nhs_number="9990000018"), Child(child_nhs_number="9990000026")
    )
    assert match is not None
    assert match.band == Band.POSSIBLE
    assert "Different NHS numbers" in match.reasons


def test_children_with_nothing_in_common_but_the_date_of_death_do_not_match():
    other = Child(
        child_first_name="Noah",
        child_last_name="Patel",
        child_date_of_birth=datetime.date(2012, 1, 30),
        child_postcode="LE5 1AA",
    )
    assert duplicate_match(Child(), other) is None


def test_postcodes_in_the_same_district_count_a_little():
    match = duplicate_match(Child(child_postcode="LE1 5WW"), Child(child_postcode="le15aa"))
    assert match is not None
    assert "Postcodes in the same district (LE1)" in match.reasons


def test_jaro_winkler_is_one_for_equal_strings_and_zero_for_nothing_in_common():
    assert jaro_winkler("smith", "smith") == 1.0
    assert jaro_winkler("abc", "xyz") == 0.0
    assert jaro_winkler("", "") == 0.0
    assert 0.85 < jaro_winkler("smith", "smyth") < 1


@pytest.mark.django_db
def test_candidates_are_open_and_recent_cases_and_new_notifications_of_the_same_area(
    llr, other_area
):
    notification = NotificationFactory(
        area=llr, child_last_name="Smith-Jones", child_nhs_number="9990000018"
    )
    same_nhs_case = CaseFactory(
        area=llr, child_last_name="Other", child_nhs_number="9990000018", reference="LLR-1"
    )
    variant = NotificationFactory(
        area=llr, child_last_name="Smith Jones", child_nhs_number="", reference="NTF-VARIANT"
    )
    CaseFactory(  # merged cases are never candidates
        area=llr, child_nhs_number="9990000018", status=Status.MERGED, reference="LLR-2"
    )
    CaseFactory(area=other_area, child_nhs_number="9990000018", reference="DEMO-1")
    NotificationFactory(  # another area's notification
        area=other_area, child_last_name="Smith-Jones", child_nhs_number="9990000018"
    )

    found = duplicate_candidates(notification=notification)

    assert [c.reference for c in found] == [same_nhs_case.reference, variant.reference]
    assert found[0].match.band == Band.CERTAIN
    assert found[0].is_case
    assert found[1].match.band == Band.LIKELY
    assert not found[1].is_case


@pytest.mark.django_db
def test_cases_closed_long_ago_are_not_candidates(llr):
    notification = NotificationFactory(area=llr, child_nhs_number="9990000018")
    old = CaseFactory(
        area=llr,
        child_nhs_number="9990000018",
        status=Status.FINALISED,
        reference="LLR-OLD",
    )
    old.opened_at = old.opened_at - datetime.timedelta(days=800)
    old.save()

    assert duplicate_candidates(notification=notification) == []


@pytest.mark.django_db
def test_the_queue_gets_the_best_band_of_each_notification_in_few_queries(
    llr, django_assert_max_num_queries
):
    first = NotificationFactory(area=llr, child_last_name="Twin", child_first_name="Ava")
    NotificationFactory(area=llr, child_last_name="Twin", child_first_name="Isla")
    alone = NotificationFactory(
        area=llr,
        child_first_name="Noah",
        child_last_name="Solo",
        child_nhs_number="9990000034",
        child_date_of_birth=datetime.date(2010, 1, 1),
        date_of_death=datetime.date(2026, 1, 1),
    )
    likely = NotificationFactory(area=llr, child_last_name="Pair", child_nhs_number="")
    NotificationFactory(area=llr, child_last_name="Pair", child_nhs_number="")

    with django_assert_max_num_queries(2):
        bands = duplicate_best_bands(notifications=[first, alone, likely])

    assert bands[first.pk] == Band.CERTAIN  # the factory gives both the same NHS number
    assert alone.pk not in bands
    assert bands[likely.pk] == Band.LIKELY


@pytest.mark.django_db
def test_the_queue_flags_likely_and_certain_only_and_finds_a_swapped_date_of_birth(llr):
    """The queue's hint looks cases up by date of birth (or day and month swapped) and NHS
    number only: a match held at Possible (another date of birth) is not flagged."""
    notified = NotificationFactory(
        area=llr,
        child_first_name="Maisie",
        child_last_name="Quarry",
        child_nhs_number="",
        child_date_of_birth=datetime.date(2024, 3, 7),
        date_of_death=datetime.date(2026, 5, 1),
    )
    NotificationFactory(  # the same child, the date of birth written the American way
        area=llr,
        child_first_name="Maisie",
        child_last_name="Quarry",
        child_nhs_number="",
        child_date_of_birth=datetime.date(2024, 7, 3),
        date_of_death=datetime.date(2026, 5, 1),
    )
    possible_only = NotificationFactory(
        area=llr,
        child_first_name="Rory",
        child_last_name="Ledger",
        child_nhs_number="",
        child_date_of_birth=datetime.date(2021, 1, 20),
        date_of_death=datetime.date(2026, 6, 1),
    )
    NotificationFactory(  # same names and death, another date of birth: Possible at most
        area=llr,
        child_first_name="Rory",
        child_last_name="Ledger",
        child_nhs_number="",
        child_date_of_birth=datetime.date(2021, 1, 21),
        date_of_death=datetime.date(2026, 6, 1),
    )

    bands = duplicate_best_bands(notifications=[notified, possible_only])

    assert bands[notified.pk] == Band.LIKELY
    assert possible_only.pk not in bands


@pytest.mark.django_db
def test_the_queue_scores_records_with_the_same_details_once_and_still_flags_each(
    llr, other_area, monkeypatch
):
    """Several notifications of one death (or a form sent again and again) share their
    details: each is flagged, each pair of details is scored once, and neither a
    notification alone with its own case nor one matching only another area's is flagged."""
    from cdop.notifications import duplicates

    details = {
        "child_first_name": "Esme",
        "child_last_name": "Harbury",
        "child_nhs_number": "",
        "child_date_of_birth": datetime.date(2019, 2, 14),
        "date_of_death": datetime.date(2026, 4, 2),
    }
    repeats = [NotificationFactory(area=llr, **details) for _ in range(6)]
    case = CaseFactory(area=llr, **details)
    added = NotificationFactory(area=llr, **{**details, "child_first_name": "Nell"}, case=case)
    elsewhere = NotificationFactory(area=other_area, **{**details, "child_last_name": "Quill"})
    NotificationFactory(area=llr, **{**details, "child_last_name": "Quill"})
    scored = []
    real_match = duplicates.duplicate_match
    monkeypatch.setattr(
        duplicates, "duplicate_match", lambda a, b: scored.append(1) or real_match(a, b)
    )

    bands = duplicate_best_bands(notifications=[*repeats, added, elsewhere])

    assert all(bands[n.pk] == Band.LIKELY for n in repeats)
    assert added.pk not in bands  # only its own case, and another first name (a sibling)
    assert elsewhere.pk not in bands  # its match is in another area
    # Distinct details on the page: Esme (x6), Nell; in the pool Esme, Quill (LLR), Nell.
    assert len(scored) <= 6


# --- The queue's hint reads only what can change it --------------------------------------


def _live_best_bands(notifications):
    """The queue's hint as the live comparison gives it: every candidate of the notification's
    area (open and recent cases, other new notifications) scored with duplicate_match."""
    best = {}
    for notification in notifications:
        cases = Case.objects.filter(_candidate_cases([notification.area_id]))
        if notification.case_id is not None:
            cases = cases.exclude(pk=notification.case_id)
        others = Notification.objects.filter(
            area_id=notification.area_id, status=Notification.Status.NEW
        ).exclude(pk=notification.pk)
        for other in [*cases, *others]:
            match = duplicate_match(notification, other)
            if match is not None and match.band >= Band.LIKELY:
                best[notification.pk] = max(best.get(notification.pk, match.band), match.band)
    return best


@pytest.mark.django_db
def test_the_queue_hint_is_the_live_comparisons_for_varied_records(llr, other_area):
    """Names, dates of birth (some swapped), NHS numbers (some missing, one with dashes),
    cases in several states, some opened long ago, and two areas: the hint flags exactly
    what comparing every candidate would flag, never fewer."""
    rng = random.Random(8)
    firsts = ["Ava", "Ava", "Isla", "Will", "William", ""]
    lasts = ["Harbury", "Harbery", "Quill", "Smith-Jones"]
    born = [datetime.date(2019, 2, 4), datetime.date(2019, 4, 2), datetime.date(2020, 7, 19)]
    numbers = ["", "", "9990000018", "9990000026", "999-000-0018", "123"]
    died = [datetime.date(2026, 4, 2), datetime.date(2026, 4, 3), datetime.date(2026, 9, 1)]

    def details():
        return {
            "child_first_name": rng.choice(firsts),
            "child_last_name": rng.choice(lasts),
            "child_date_of_birth": rng.choice(born),
            "child_nhs_number": rng.choice(numbers),
            "child_postcode": rng.choice(["LE1 5WW", "LE1 6AA", ""]),
            "date_of_death": rng.choice(died),
        }

    cases = [
        CaseFactory(
            area=rng.choice([llr, llr, other_area]),
            status=rng.choice([Status.NOTIFIED, Status.FINALISED, Status.MERGED]),
            **details(),
        )
        for _ in range(40)
    ]
    for old in cases[::3]:  # opened long ago: a candidate only while still open
        old.opened_at -= datetime.timedelta(days=800)
        old.save()
    notifications = [
        NotificationFactory(
            area=rng.choice([llr, llr, other_area]),
            case=rng.choice([None, None, *cases[:5]]),
            **details(),
        )
        for _ in range(60)
    ]

    bands = duplicate_best_bands(notifications=notifications)

    assert bands == _live_best_bands(notifications)
    assert Band.CERTAIN in bands.values()
    assert Band.LIKELY in bands.values()


@pytest.mark.django_db
def test_a_backlog_of_one_childs_notifications_is_flagged_without_decrypting_it(llr, monkeypatch):
    """Notifications sharing an NHS number are Certain by its blind index alone, and a
    notification with another number is never compared with them (another number holds a
    match at Possible): the page decrypts none of the backlog."""
    from cdop.core import crypto

    backlog = [NotificationFactory(area=llr, child_nhs_number="9990000018") for _ in range(30)]
    other = NotificationFactory(area=llr, child_nhs_number="9990000026")
    decrypted = []
    real_decrypt = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda value: decrypted.append(1) or real_decrypt(value))

    bands = duplicate_best_bands(notifications=[*backlog[:10], other])

    assert all(bands[n.pk] == Band.CERTAIN for n in backlog[:10])
    assert other.pk not in bands
    assert decrypted == []


@pytest.mark.django_db
def test_a_notification_with_an_nhs_number_is_likely_the_same_as_a_record_without_one(llr):
    notified = NotificationFactory(
        area=llr, child_last_name="Harbury", child_nhs_number="9990000018"
    )
    CaseFactory(
        area=llr,
        child_first_name=notified.child_first_name,
        child_last_name="Harbury",
        child_date_of_birth=notified.child_date_of_birth,
        child_nhs_number="",
        child_postcode=notified.child_postcode,
        date_of_death=notified.date_of_death,
    )

    assert duplicate_best_bands(notifications=[notified]) == {notified.pk: Band.LIKELY}


@pytest.mark.django_db
def test_a_notification_is_not_certain_of_its_own_case_but_is_of_another_notification(llr):
    case = CaseFactory(area=llr, child_nhs_number="9990000018")
    added = NotificationFactory(area=llr, case=case, child_nhs_number="9990000018")
    assert duplicate_best_bands(notifications=[added]) == {}

    again = NotificationFactory(area=llr, case=case, child_nhs_number="9990000018")

    assert duplicate_best_bands(notifications=[added, again]) == {
        added.pk: Band.CERTAIN,
        again.pk: Band.CERTAIN,
    }


def test_an_nhs_number_written_with_dashes_is_the_number_as_its_blind_index_reads_it():
    match = duplicate_match(
        Child(child_nhs_number="999-000-0018"), Child(child_nhs_number="9990000018")
    )
    assert match is not None
    assert match.band == Band.CERTAIN
