"""The NCMD pages: for the area's administrators and CDR managers only; everyone else gets
the 404 of a page that does not exist."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone

from cdop.cases.services import case_reopen
from cdop.core.tests.factories import CaseFactory
from cdop.ncmd.models import NcmdBatch, NcmdExport
from cdop.ncmd.services import ncmd_export_case
from cdop.ncmd.tests.factories import finalised_case

pytestmark = pytest.mark.django_db

# charlie (no role, no second factor) is sent to set one up before anything else.
OUTSIDERS = ["olu", "devi", "kim", "chris", "pat"]


@pytest.fixture
def case(llr, alice):  # type: ignore[no-untyped-def]
    return finalised_case(area=llr, by=alice, date_of_death=datetime.date(2025, 6, 1))


def _case_url(case, tail: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/staff/cases/{case.reference}/ncmd/{tail}"


def _bulk_post(**overrides: str) -> dict[str, str]:
    data = {
        "basis": "date_of_death",
        "date_from_day": "1",
        "date_from_month": "4",
        "date_from_year": "2025",
        "date_to_day": "31",
        "date_to_month": "3",
        "date_to_year": "2026",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_only_the_areas_managers_and_administrators_reach_the_ncmd_pages(
    case, client_for, request, persona
):
    client = client_for(request.getfixturevalue(persona))

    assert client.get(_case_url(case)).status_code == 404
    assert client.post(_case_url(case, "send/")).status_code == 404
    assert client.get("/staff/ncmd/llr/").status_code == 404
    assert client.post("/staff/ncmd/llr/", _bulk_post()).status_code == 404
    # The list of areas leads olu to his own area only, and nobody else anywhere.
    index = client.get("/staff/ncmd/")
    if persona == "olu":
        assert index["Location"] == "/staff/ncmd/demo-shire/"
    else:
        assert index.status_code == 404
    assert not NcmdExport.objects.exists()
    assert not NcmdBatch.objects.exists()


def test_someone_signed_out_is_sent_to_sign_in(case):
    for url in (_case_url(case), "/staff/ncmd/", "/staff/ncmd/llr/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_an_unknown_area_is_a_404(client_for, alice):
    assert client_for(alice).get("/staff/ncmd/nowhere/").status_code == 404


@pytest.mark.parametrize("persona", ["alice", "ada"])
def test_a_manager_or_administrator_sends_a_case_from_its_page(
    case, client_for, request, persona, export_dir
):
    user = request.getfixturevalue(persona)
    client = client_for(user)

    page = client.get(_case_url(case))
    assert page.status_code == 200
    assert "Send the case to NCMD" in page.text
    assert LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.ACCESS).exists()

    response = client.post(_case_url(case, "send/"), follow=True)

    export = NcmdExport.objects.get(case=case)
    assert export.by == user
    assert (export_dir / export.file_name).exists()
    assert f"was sent to NCMD as {export.file_name}" in response.text
    assert "NCMD has the latest version of this case" in response.text


def test_the_case_page_says_a_reopened_case_must_be_sent_again(case, client_for, alice):
    ncmd_export_case(case=case, by=alice)
    case_reopen(case=case, by=alice, reason="New evidence from the inquest")

    page = client_for(alice).get(_case_url(case)).text

    assert "the review was reopened after it was finalised" in page
    assert "Send the case again" in page


def test_a_merged_case_cannot_be_sent_and_the_page_says_why(llr, client_for, alice):
    case = CaseFactory(area=llr, status="merged")

    response = client_for(alice).post(_case_url(case, "send/"), follow=True)

    assert "merged into another as a duplicate" in response.text
    assert not NcmdExport.objects.exists()


def test_alice_starts_a_bulk_export_and_the_job_sends_it(
    case, client_for, alice, django_capture_on_commit_callbacks, export_dir
):
    client = client_for(alice)
    assert client.get("/staff/ncmd/").status_code == 302

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/ncmd/llr/", _bulk_post())

    assert response.status_code == 302
    batch = NcmdBatch.objects.get()
    assert (batch.status, batch.case_count, batch.requested_by) == ("done", 1, alice)
    assert (export_dir / batch.file_name).exists()
    page = client.get("/staff/ncmd/llr/").text
    assert batch.file_name in page
    assert "has started" in page


def test_the_area_page_lists_cases_needing_to_be_sent_again(case, client_for, alice):
    ncmd_export_case(case=case, by=alice)
    case_reopen(case=case, by=alice, reason="New evidence from the inquest")

    page = client_for(alice).get("/staff/ncmd/llr/").text

    assert case.reference in page
    assert "Reopened after it was finalised" in page


def test_the_area_page_takes_a_fixed_number_of_queries(
    llr, client_for, alice, django_assert_max_num_queries
):
    # The clock stands still: on a slow machine the minute-by-minute session write of the
    # idle time-out could otherwise land in the second measured request only.
    with time_machine.travel(timezone.now(), tick=False):
        client = client_for(alice)
        for _ in range(3):
            c = finalised_case(area=llr, by=alice)
            ncmd_export_case(case=c, by=alice)
            case_reopen(case=c, by=alice, reason="Amended")
        client.get("/staff/ncmd/llr/")  # warm the session's caches

        with django_assert_max_num_queries(12) as few:
            client.get("/staff/ncmd/llr/")
        for _ in range(5):
            c = finalised_case(area=llr, by=alice)
            ncmd_export_case(case=c, by=alice)
            case_reopen(case=c, by=alice, reason="Amended")
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get("/staff/ncmd/llr/")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _bulk_post(date_from_day="", date_from_month="", date_from_year=""),
            "Enter the start of the period",
        ),
        (
            _bulk_post(date_to_day="31", date_to_month="2", date_to_year="2026"),
            "End of the period must be a real date",
        ),
        (_bulk_post(date_from_year="25"), "Start of the period must have a 4-digit year"),
        (
            _bulk_post(date_from_year="2026", date_to_year="2025"),
            "The end of the period must be the same as or after its start",
        ),
        (
            _bulk_post(basis="birthday"),
            "Select whether the period is of dates of death or finalised dates",
        ),
        (
            _bulk_post(date_from_year="2099", date_to_year="2100"),
            "The start of the period must be today or in the past",
        ),
    ],
)
def test_a_bulk_export_with_bad_dates_is_refused_with_a_clear_message(
    case, client_for, alice, data, message
):
    response = client_for(alice).post("/staff/ncmd/llr/", data)

    assert response.status_code == 400
    assert message in response.text
    assert "There is a problem" in response.text
    assert not NcmdBatch.objects.exists()


def test_the_case_has_an_ncmd_section_for_the_people_who_send_it(case, client_for, alice, devi):
    ncmd_export_case(case=case, by=alice)
    url = f"/staff/cases/{case.reference}/section/ncmd/"

    page = client_for(alice).get(url)

    assert page.status_code == 200
    assert "Last sent to NCMD on" in page.text
    assert _case_url(case) in page.text
    assert client_for(devi).get(url).status_code == 404
