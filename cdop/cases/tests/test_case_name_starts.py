"""A start of a name longer than three letters ("Ashf", "Smith") is found through the cases'
name-start keys (CaseNameStart): kept right on every path that writes a name, looked up in
the search's own statement, with nothing decrypted."""

from __future__ import annotations

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from cdop.cases.models import Case, CaseNameStart
from cdop.cases.search import START_KEY_LIMIT, name_start_keys, search_parse
from cdop.cases.selectors import CaseListFilters, case_list_for_user
from cdop.cases.tests.pages import is_listed, search_page
from cdop.core import crypto
from cdop.core.crypto import blind_index
from cdop.core.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

# A real surname of 35 letters; its first START_KEY_LIMIT (24) letters are "wolfeschlegel-
# steinhausen", which the made-up "Wolfeschlegelsteinhausenmann" shares.
LONG = "Wolfeschlegelsteinhausenbergerdorff"
SAME_START = "Wolfeschlegelsteinhausenmann"


def _keys(case: Case) -> set[str]:
    return set(CaseNameStart.objects.filter(case=case).values_list("key", flat=True))


# --- Finding -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["Ashf", "Ashfo", "ashford", "Smith", "Smiths"])
def test_a_start_of_four_letters_or_more_finds_the_longer_surnames(llr, client_for, alice, typed):
    ashford = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Ashford")
    smithson = CaseFactory(area=llr, child_first_name="Oliver", child_last_name="Smithson")
    bramley = CaseFactory(area=llr, child_first_name="Oliver", child_last_name="Bramley")

    page = search_page(client_for(alice), typed)

    wanted = ashford if typed.lower().startswith("ash") else smithson
    assert is_listed(page, wanted)
    assert not is_listed(page, bramley)


def test_a_start_of_four_letters_or_more_finds_the_longer_first_names(llr, client_for, alice):
    amelia = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Bramley")
    amelie = CaseFactory(area=llr, child_first_name="Ameline", child_last_name="Ashford")
    oliver = CaseFactory(area=llr, child_first_name="Oliver", child_last_name="Bramley")

    page = search_page(client_for(alice), "Amel")
    assert all(is_listed(page, c) for c in (amelia, amelie))
    assert not is_listed(page, oliver)

    page = search_page(client_for(alice), "Ameli")
    assert all(is_listed(page, c) for c in (amelia, amelie))

    page = search_page(client_for(alice), "Amelin")
    assert is_listed(page, amelie)
    assert not is_listed(page, amelia)


@pytest.mark.parametrize("typed", ["Amel Ashf", "Ashf, Amel", "AMELIA ashfo", "Amel Ashford"])
def test_starts_of_a_first_name_and_surname_narrow_the_search_in_either_order(
    llr, client_for, alice, typed
):
    amelia = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Ashford")
    brother = CaseFactory(area=llr, child_first_name="Oliver", child_last_name="Ashford")
    namesake = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Bramley")

    page = search_page(client_for(alice), typed)

    assert is_listed(page, amelia)
    assert not is_listed(page, brother)
    assert not is_listed(page, namesake)


def test_a_surname_written_in_two_words_is_found_by_its_start(llr, client_for, alice):
    case = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Smith-Jones")
    other = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Smithers")

    page = search_page(client_for(alice), "Smith Jon")

    assert is_listed(page, case)
    assert not is_listed(page, other)


def test_a_start_longer_than_the_limit_is_checked_on_the_names(llr, client_for, alice):
    long = CaseFactory(area=llr, child_first_name="Oliver", child_last_name=LONG)
    same_start = CaseFactory(area=llr, child_first_name="Oliver", child_last_name=SAME_START)
    assert len("wolfeschlegelsteinhausen") == START_KEY_LIMIT
    client = client_for(alice)

    page = search_page(client, LONG[: START_KEY_LIMIT + 1])
    assert is_listed(page, long)
    assert not is_listed(page, same_start)

    page = search_page(client, LONG)
    assert is_listed(page, long)
    assert not is_listed(page, same_start)

    page = search_page(client, f"Oliver {LONG[:30]}")
    assert is_listed(page, long)
    assert not is_listed(page, same_start)

    page = search_page(client, LONG[:START_KEY_LIMIT])
    assert is_listed(page, long)
    assert is_listed(page, same_start)


# --- What it costs -------------------------------------------------------------------------


def _count_queries(client, q: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        search_page(client, q)
    return len(queries)


def test_a_longer_start_makes_no_more_queries_than_three_letters(llr, client_for, alice):
    for name in ("Ashford", "Ashton", "Bramley", LONG):
        CaseFactory(area=llr, child_first_name="Amelia", child_last_name=name)
    client = client_for(alice)
    search_page(client, "Ash")  # warm: the first request of a session reads more

    three = _count_queries(client, "Ash")

    assert _count_queries(client, "Ashf") == three
    assert _count_queries(client, "Amelia Ashford") == three
    assert _count_queries(client, LONG[: START_KEY_LIMIT + 1]) == three + 1


def _counting_decrypt(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = crypto.decrypt

    def counted(token: str) -> str:
        calls.append(token)
        return real(token)

    monkeypatch.setattr(crypto, "decrypt", counted)
    return calls


@pytest.mark.parametrize("typed", ["Ashf", "Amel Ashford", LONG[:START_KEY_LIMIT]])
def test_a_start_up_to_the_limit_decrypts_nothing_to_find_the_cases(llr, alice, monkeypatch, typed):
    for name in ("Ashford", "Ashton", LONG):
        CaseFactory(area=llr, child_first_name="Amelia", child_last_name=name)
    calls = _counting_decrypt(monkeypatch)

    with CaptureQueriesContext(connection) as queries:
        cases = case_list_for_user(user=alice, filters=CaseListFilters(search=search_parse(typed)))
    ids = list(cases.values_list("pk", flat=True))

    assert ids
    assert calls == []
    assert not [q for q in queries if "cases_case" in q["sql"]]


def test_a_start_longer_than_the_limit_decrypts_the_candidates_only(llr, alice, monkeypatch):
    for name in ("Ashford", LONG, SAME_START):
        CaseFactory(area=llr, child_first_name="Amelia", child_last_name=name)
    calls = _counting_decrypt(monkeypatch)

    cases = case_list_for_user(
        user=alice, filters=CaseListFilters(search=search_parse(LONG[: START_KEY_LIMIT + 1]))
    )

    assert len(list(cases.values_list("pk", flat=True))) == 1
    assert len(calls) == 4  # both names of the two cases sharing the first 24 letters


# --- Keeping the rows right ----------------------------------------------------------------


def test_a_new_case_has_a_key_for_each_start_of_four_letters_and_more(llr):
    case = CaseFactory(area=llr, child_first_name="Zoë", child_last_name="Smith-Jones")

    assert _keys(case) == {
        *(blind_index("last_start", text) for text in ("smit", "smith", "smithj", "smithjo")),
        *(blind_index("last_start", text) for text in ("smithjon", "smithjone", "smithjones")),
    }  # Zoë has three letters: her prefix key alone finds her


def test_a_long_name_keeps_starts_up_to_the_limit(llr):
    case = CaseFactory(area=llr, child_first_name="Oliver", child_last_name=LONG)

    assert len(_keys(case)) == (6 - 3) + (START_KEY_LIMIT - 3)


def test_a_renamed_child_is_found_by_the_new_name_and_not_the_old(llr, client_for, alice):
    case = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Ashford")
    client = client_for(alice)

    case.child_last_name = "Bramley"
    case.save()

    assert is_listed(search_page(client, "Bram"), case)
    assert not is_listed(search_page(client, "Ashf"), case)

    case.child_first_name = "Isabella"
    case.save(update_fields=["child_first_name"])

    assert is_listed(search_page(client, "Isab"), case)
    assert not is_listed(search_page(client, "Amel"), case)
    assert _keys(case) == name_start_keys(first="isabella", last="bramley")


def test_a_status_change_or_a_save_with_the_same_names_leaves_the_rows_alone(llr):
    case = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Ashford")
    case = Case.objects.get(pk=case.pk)

    with CaptureQueriesContext(connection) as queries:
        case.status_changed_at = case.opened_at
        case.save(update_fields=["status", "status_changed_at"])
        case.expectedness = "unexpected"
        case.save()
        case.child_last_name = "ASHFORD"  # the same name once normalised
        case.save()

    assert [q for q in queries if "cases_case" in q["sql"]]
    assert not [q for q in queries if "casenamestart" in q["sql"]]
    assert _keys(case) == name_start_keys(first="amelia", last="ashford")


def test_a_name_changed_in_memory_but_not_saved_leaves_the_rows_alone(llr):
    case = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Ashford")

    case.child_last_name = "Bramley"
    case.save(update_fields=["status"])

    assert _keys(case) == name_start_keys(first="amelia", last="ashford")


def test_deleting_a_case_deletes_its_rows(llr):
    case = CaseFactory(area=llr, child_last_name="Ashford")

    Case.objects.filter(pk=case.pk).delete()

    assert not CaseNameStart.objects.exists()


def _rotate() -> str:
    out = io.StringIO()
    call_command("rotate_field_keys", "--blind-index", stdout=out)
    return out.getvalue()


def test_a_new_blind_index_key_finds_the_starts_once_the_indexes_are_recomputed(
    llr, client_for, alice
):
    case = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Ashford")
    other = CaseFactory(area=llr, child_first_name="Oliver", child_last_name="Bramley")
    client = client_for(alice)

    with override_settings(BLIND_INDEX_KEY="a-new-blind-index-key-" + "x" * 20):
        assert not is_listed(search_page(client, "Ashf"), case)

        output = _rotate()
        again = _rotate()

        assert "cases.Case: 2 rows, 2 with indexes recomputed" in output
        assert "cases.Case: 2 rows, 0 with indexes recomputed" in again
        assert is_listed(search_page(client, "Ashf"), case)
        assert is_listed(search_page(client, "Amel Ashfo"), case)
        assert not is_listed(search_page(client, "Ashf"), other)
        assert _keys(case) == name_start_keys(first="amelia", last="ashford")


def test_rotation_also_mends_rows_that_went_missing(llr):
    case = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="Ashford")
    CaseNameStart.objects.filter(case=case).delete()

    output = _rotate()

    assert "cases.Case: 1 rows, 1 with indexes recomputed" in output
    assert _keys(case) == name_start_keys(first="amelia", last="ashford")


# --- The migration -------------------------------------------------------------------------


def test_the_migration_fills_the_starts_of_cases_stored_before_it(llr, client_for, alice):
    case = CaseFactory(area=llr, child_first_name="Amelia", child_last_name="O'Brien")
    CaseNameStart.objects.all().delete()
    migration = importlib.import_module("cdop.cases.migrations.0020_case_name_starts_fill")
    editor = SimpleNamespace(connection=connection)

    migration.fill_name_starts(django_apps, editor)

    assert _keys(case) == name_start_keys(first="amelia", last="obrien")
    assert is_listed(search_page(client_for(alice), "OBri"), case)

    migration.empty_name_starts(django_apps, editor)
    assert not CaseNameStart.objects.exists()
