from __future__ import annotations

import datetime
import importlib
import re
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.apps import apps as django_apps
from django.db import connection

from cdop.cases.search import SearchError, phonetic_key, search_parse
from cdop.cases.tests.pages import is_listed, search_page
from cdop.core.crypto import blind_index, index_of
from cdop.core.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


# --- What the box understands -----------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["3/11/2026", "03/11/2026", "3.11.2026", "3-11-2026", "3/11/26", "2026-11-03",
              "3 November 2026", "3 Nov 2026", "3rd November 2026"]
)  # fmt: skip
def test_a_date_of_death_can_be_typed_in_the_usual_ways_day_first(typed):
    query = search_parse(typed)

    assert query.kind == "date_of_death"
    assert query.date_of_death == datetime.date(2026, 11, 3)


@pytest.mark.parametrize("typed", ["999 000 0026", "999-000-0026", "9990000026", " 999 0000026 "])
def test_an_nhs_number_may_have_spaces_or_dashes(typed):
    query = search_parse(typed)

    assert (query.kind, query.nhs_number) == ("nhs_number", "9990000026")


def test_a_reference_is_read_whatever_its_case():
    assert search_parse("llr-2026-0042").reference == "LLR-2026-0042"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/2/2026", "“31/2/2026” is not a real date"),
        ("3 Novembre 2026", "“Novembre” is not a month"),
        ("99900", "An NHS number has 10 digits; “99900” has 5"),
        ("?!*", "Enter a case reference (like LLR-2024-0107), a child’s name"),
        ("Smith 42", "Enter a case reference"),
    ],
)
def test_it_says_what_to_type_when_it_cannot_understand_the_search(typed, message):
    with pytest.raises(SearchError, match=re.escape(message)):
        search_parse(typed)


def test_spelling_variants_share_a_phonetic_key():
    assert phonetic_key("Mohamed") == phonetic_key("Muhammad") == phonetic_key("Mohammed")
    assert phonetic_key("Smith") == phonetic_key("Smyth")
    assert phonetic_key("Catherine") == phonetic_key("Kathryn")
    assert phonetic_key("Smith-Jones") != phonetic_key("Smithson")
    assert phonetic_key("Ava") != phonetic_key("Eva")


# --- Finding cases ------------------------------------------------------------------------


def test_a_hyphenated_surname_finds_it_written_with_a_space_or_run_together(llr, client_for, alice):
    spaced = CaseFactory(area=llr, child_last_name="Smith Jones")
    joined = CaseFactory(area=llr, child_last_name="Smithjones")
    hyphen = CaseFactory(area=llr, child_last_name="Smith-Jones")
    other = CaseFactory(area=llr, child_last_name="Smithson")

    for typed in ("Smith-Jones", "smith jones", "SMITHJONES"):
        page = search_page(client_for(alice), typed)
        assert all(is_listed(page, c) for c in (spaced, joined, hyphen)), typed
        assert not is_listed(page, other), typed


def test_a_spelling_variant_finds_the_name(llr, client_for, alice):
    muhammad = CaseFactory(area=llr, child_first_name="Muhammad", child_last_name="Ashford")
    oliver = CaseFactory(area=llr, child_first_name="Oliver", child_last_name="Ashford")

    page = search_page(client_for(alice), "Mohamed")

    assert is_listed(page, muhammad)
    assert not is_listed(page, oliver)


def test_accents_do_not_matter(llr, client_for, alice):
    zoe = CaseFactory(area=llr, child_first_name="Zoë", child_last_name="Brontë")

    assert is_listed(search_page(client_for(alice), "zoe bronte"), zoe)


def test_the_start_of_a_name_finds_the_longer_name(llr, client_for, alice):
    ashford = CaseFactory(area=llr, child_last_name="Ashford")
    bramley = CaseFactory(area=llr, child_last_name="Bramley")

    page = search_page(client_for(alice), "Ashf")

    assert is_listed(page, ashford)
    assert not is_listed(page, bramley)


@pytest.mark.parametrize("typed", ["Amelia Ashford", "Ashford, Amelia", "amelia ASHFORD"])
def test_a_first_name_and_surname_in_either_order_narrow_the_search(llr, client_for, alice, typed):
    amelia = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Ashford")
    brother = CaseFactory(area=llr, child_first_name="Oliver", child_last_name="Ashford")
    namesake = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Bramley")

    page = search_page(client_for(alice), typed)

    assert is_listed(page, amelia)
    assert not is_listed(page, brother)
    assert not is_listed(page, namesake)


def test_exact_names_come_before_sound_alikes_and_longer_names(llr, client_for, alice):
    longer = CaseFactory(area=llr, child_last_name="Smithers")
    sound_alike = CaseFactory(area=llr, child_last_name="Smyth")
    exact = CaseFactory(area=llr, child_last_name="Smith")

    page = search_page(client_for(alice), "Smith")

    assert page.index(exact.reference) < page.index(longer.reference)
    assert page.index(exact.reference) < page.index(sound_alike.reference)


@pytest.fixture
def fifty_five_ashfords(llr):
    """More than a page of one surname (the list shows 50 a page), with one exact match
    among longer names, and an older case of another name that must not be found."""
    CaseFactory(area=llr, child_last_name="Brown")
    longer = [CaseFactory(area=llr, child_last_name="Ashfordby") for _ in range(54)]
    exact = CaseFactory(area=llr, child_last_name="Ashford")
    return exact, longer


def _references_on(page: str) -> list[str]:
    return re.findall(r'href="/staff/cases/([A-Z]+-\d{4}-\d+)/"', page)


def test_a_search_says_how_many_it_found_and_pages_them_in_order(
    llr, client_for, alice, fifty_five_ashfords
):
    exact, longer = fifty_five_ashfords
    client = client_for(alice)

    first = client.get("/staff/cases/", {"q": "Ashford"}).text
    second = client.get("/staff/cases/", {"q": "Ashford", "page": "2"}).text

    assert "55 cases" in first
    assert "55 cases" in second
    on_first, on_second = _references_on(first), _references_on(second)
    assert len(on_first) == 50
    assert len(on_second) == 5
    assert on_first[0] == exact.reference  # the exact name first, then the newest opened
    assert set(on_first) | set(on_second) == {exact.reference, *(c.reference for c in longer)}
    assert not set(on_first) & set(on_second)


@pytest.mark.parametrize("page", ["3", "99", "0", "-1", "two", ""])
def test_a_search_page_out_of_range_shows_the_nearest_page_not_an_error(
    llr, client_for, alice, fifty_five_ashfords, page
):
    response = client_for(alice).get("/staff/cases/", {"q": "Ashford", "page": page})

    assert response.status_code == 200
    assert "55 cases" in response.text
    # Past either end, the last page (as every other list pages); not a number, the first.
    expected = 5 if page in ("3", "99", "0", "-1") else 50
    assert len(_references_on(response.text)) == expected


def test_a_search_that_finds_nothing_says_so(llr, client_for, alice, fifty_five_ashfords):
    page = search_page(client_for(alice), "Quentinshire")

    assert "0 cases" in page
    assert _references_on(page) == []


def test_an_nhs_number_with_spaces_finds_the_case(llr, client_for, alice):
    case = CaseFactory(area=llr, child_nhs_number="9990000034")
    other = CaseFactory(area=llr, child_nhs_number="9990000042")

    page = search_page(client_for(alice), "999 000 0034")

    assert is_listed(page, case)
    assert not is_listed(page, other)


def test_a_reference_in_lower_case_finds_the_case(llr, client_for, alice):
    case = CaseFactory(area=llr, reference="LLR-2026-0042")
    other = CaseFactory(area=llr)

    page = search_page(client_for(alice), "llr-2026-0042")

    assert is_listed(page, case)
    assert not is_listed(page, other)


@pytest.mark.parametrize("typed", ["3/11/2026", "3 November 2026", "2026-11-03"])
def test_a_date_of_death_finds_the_deaths_that_day(llr, client_for, alice, typed):
    that_day = CaseFactory(area=llr, date_of_death=datetime.date(2026, 11, 3))
    next_day = CaseFactory(area=llr, date_of_death=datetime.date(2026, 11, 4))

    page = search_page(client_for(alice), typed)

    assert is_listed(page, that_day)
    assert not is_listed(page, next_day)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("<script>", "Enter a case reference (like LLR-2024-0107), a child’s name"),
        ("31/2/2026", "is not a real date"),
        ("12345", "An NHS number has 10 digits"),
    ],
)
def test_a_search_it_cannot_understand_is_a_400_with_the_box_kept_and_the_reason(
    llr, client_for, alice, typed, message
):
    CaseFactory(area=llr)

    response = client_for(alice).get("/staff/cases/", {"q": typed, "status": "notified"})

    assert response.status_code == 400
    assert message in response.text
    assert 'class="govuk-error-summary"' in response.text
    assert 'value="notified" checked' in response.text
    assert "<script>" not in response.text.split("<main", 1)[1]
    assert "Correct the search to see the cases." in response.text


def test_a_search_longer_than_the_box_allows_is_refused_plainly(llr, client_for, alice):
    response = client_for(alice).get("/staff/cases/", {"q": "a" * 101})

    assert response.status_code == 400
    assert "Search for 100 characters or fewer" in response.text


def test_kim_finds_only_the_cases_she_is_key_worker_for(llr, client_for, kim):
    hers = CaseFactory(area=llr, child_last_name="Ashford", key_worker=kim)
    not_hers = CaseFactory(area=llr, child_last_name="Ashford")

    page = search_page(client_for(kim), "Ashford")

    assert is_listed(page, hers)
    assert not is_listed(page, not_hers)


def test_olu_finds_nothing_in_another_area(llr, client_for, olu):
    case = CaseFactory(area=llr, child_last_name="Ashford", child_nhs_number="9990000018")

    for typed in ("Ashford", "999 000 0018", case.reference):
        assert not is_listed(search_page(client_for(olu), typed), case)


@pytest.mark.parametrize("persona", ["chris", "pat"])
def test_the_panel_cannot_search_cases(llr, client_for, request, persona):
    CaseFactory(area=llr, child_last_name="Ashford")

    response = client_for(request.getfixturevalue(persona)).get("/staff/cases/", {"q": "Ashford"})

    assert response.status_code == 404
    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


# --- The audit of searches ----------------------------------------------------------------


def test_a_search_is_recorded_with_who_searched_for_what(llr, client_for, alice):
    CaseFactory(area=llr, child_last_name="Ashford")

    client_for(alice).get("/staff/cases/", {"q": "Ashford", "status": "notified"})

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert (entry.actor, entry.remote_addr, entry.object_repr) == (
        alice,
        "127.0.0.1",
        "list search",
    )
    assert entry.additional_data == {
        "area_id": llr.pk,
        "search": {"q": "Ashford", "status": "notified"},
        "results": 1,
    }


def test_a_search_that_could_not_be_understood_is_recorded_too(llr, client_for, alice):
    client_for(alice).get("/staff/cases/", {"q": "12345"})

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.additional_data["search"] == {"q": "12345"}
    assert entry.additional_data["results"] == 0


def test_the_list_without_a_search_is_not_recorded(llr, client_for, alice):
    CaseFactory(area=llr)

    client_for(alice).get("/staff/cases/", {"status": "notified"})

    assert not LogEntry.objects.filter(action=LogEntry.Action.ACCESS).exists()


def test_a_search_is_recorded_under_the_searchers_area_only(llr, other_area, client_for, olu):
    client_for(olu).get("/staff/cases/", {"q": "Ashford"})

    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)
    assert entry.additional_data["area_id"] == other_area.pk


# --- The stored keys ----------------------------------------------------------------------


def test_saving_a_case_fills_its_search_keys_as_blind_indexes(llr):
    case = CaseFactory(area=llr, child_first_name="Zoë", child_last_name="Smith-Jones")

    case.refresh_from_db()
    # Deliberate change: the keys are HMACs of the normalised names, never the names.
    assert (case.search_first_name, case.search_last_name) == (
        blind_index("first_name", "zoe"),
        blind_index("last_name", "smithjones"),
    )
    assert case.search_last_sound == blind_index("last_sound", phonetic_key("Smith Jones"))
    assert case.search_last_prefix == blind_index("last_prefix", "smi")
    assert "smith" not in case.search_last_name


def test_a_name_corrected_with_update_fields_refreshes_the_keys(llr):
    case = CaseFactory(area=llr, child_last_name="Ashford")

    case.child_last_name = "Bramley"
    case.save(update_fields=["child_last_name"])

    case.refresh_from_db()
    assert case.search_last_name == blind_index("last_name", "bramley")


def test_the_migration_encrypts_cases_stored_before_it_and_fills_their_keys(llr):
    case = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="O'Brien")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE cases_case SET child_first_name = %s, child_last_name = %s, "
            "child_nhs_number = %s, search_first_name = '', search_last_name = '', "
            "child_nhs_number_index = '' WHERE id = %s",
            ["Amelia", "O'Brien", "9990000018", case.pk],
        )
    migration = importlib.import_module("cdop.cases.migrations.0017_encrypted_fields")

    migration.encrypt_cases(django_apps, SimpleNamespace(connection=connection))
    migration.encrypt_cases(django_apps, SimpleNamespace(connection=connection))  # idempotent

    case.refresh_from_db()
    assert (case.child_first_name, case.child_last_name) == ("Amelia", "O'Brien")
    assert case.search_last_name == blind_index("last_name", "obrien")
    assert case.child_nhs_number_index == index_of("nhs_number", "9990000018")
    with connection.cursor() as cursor:
        cursor.execute("SELECT child_last_name FROM cases_case WHERE id = %s", [case.pk])
        (stored,) = cursor.fetchone()
    assert stored.startswith("aes1.")
    assert "Brien" not in stored


def test_the_migration_back_decrypts_and_puts_back_the_plaintext_keys(llr):
    case = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="O'Brien")
    migration = importlib.import_module("cdop.cases.migrations.0017_encrypted_fields")

    migration.decrypt_cases(django_apps, SimpleNamespace(connection=connection))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT child_last_name, search_last_name FROM cases_case WHERE id = %s", [case.pk]
        )
        assert cursor.fetchone() == ("O'Brien", "obrien")


def test_a_longer_start_of_a_name_is_checked_on_the_decrypted_names(llr, client_for, alice):
    ashford = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Ashford")
    ashton = CaseFactory(area=llr, child_first_name="Oliver", child_last_name="Ashton")
    ashby = CaseFactory(area=llr, child_first_name="Ashbel", child_last_name="Bramley")

    page = search_page(client_for(alice), "Ashf")
    assert is_listed(page, ashford)
    assert not is_listed(page, ashton)
    assert not is_listed(page, ashby)

    page = search_page(client_for(alice), "Ash")
    assert all(is_listed(page, c) for c in (ashford, ashton, ashby))

    page = search_page(client_for(alice), "Amel Ashf")
    assert is_listed(page, ashford)
    assert not is_listed(page, ashton)


def test_an_administrator_reads_the_search_in_the_audit_log(llr, client_for, alice, ada):
    client_for(alice).get("/staff/cases/?q=Ashford&status=notified&status=awaiting_panel")
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)

    listed = client_for(ada).get("/staff/audit/").text
    detail = client_for(ada).get(f"/staff/audit/{entry.pk}/").text

    assert "Searched" in listed
    assert "Case list search" in listed
    assert "Ashford" in detail
    assert "notified, awaiting_panel" in detail
    assert "Records found" in detail


def test_only_administrators_read_what_was_searched_for(llr, client_for, alice):
    client_for(alice).get("/staff/cases/", {"q": "Ashford"})
    entry = LogEntry.objects.get(action=LogEntry.Action.ACCESS)

    assert client_for(alice).get(f"/staff/audit/{entry.pk}/").status_code == 404
