"""Sending one case, and the bulk export of a period: the files, the records, the re-send
mark, the audit trail, and what happens with bad input."""

from __future__ import annotations

import datetime
import hashlib
import json
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cdop.analysis.models import Analysis
from cdop.cases.services import case_reopen
from cdop.cases.workflow import Status
from cdop.core.errors import DomainError
from cdop.core.tests.factories import CaseFactory
from cdop.ncmd import services
from cdop.ncmd.models import NcmdBatch, NcmdExport
from cdop.ncmd.schema import schema_errors
from cdop.ncmd.selectors import case_needs_resend, cases_needing_resend
from cdop.ncmd.tests.factories import finalised_case
from cdop.ncmd.transport import Receipt

pytestmark = pytest.mark.django_db

APRIL_2026 = datetime.datetime(2026, 5, 1, 9, 0, tzinfo=datetime.UTC)


# --- One case ---------------------------------------------------------------------------------


def test_alice_sends_a_case_and_it_is_written_recorded_and_audited(llr, alice, export_dir):
    case = finalised_case(area=llr, by=alice)

    export = services.ncmd_export_case(case=case, by=alice)

    written = export_dir / export.file_name
    data = written.read_bytes()
    assert export.file_name == f"ncmd-{case.reference}-" + export.file_name.split("-")[-1]
    assert export.sha256 == hashlib.sha256(data).hexdigest()
    assert (export.kind, export.by, export.transport, export.schema_version) == (
        "single",
        alice,
        "file",
        "1.0.0",
    )
    assert export.form_versions == {
        "notification_form": 1,
        "forms": {"reporting-form": 1, "asthma-anaphylaxis": 1},
        "analysis": 1,
    }
    assert export.case_status == Status.FINALISED
    document = json.loads(data)
    assert schema_errors(document) == []
    assert document["case"]["resend"] is False
    assert LogEntry.objects.get_for_object(export).get().actor == alice
    assert written.stat().st_mode & 0o777 == 0o600
    assert not list((export_dir / ".work").iterdir())


def test_a_case_sent_again_says_it_replaces_the_earlier_document(llr, alice, export_dir):
    case = finalised_case(area=llr, by=alice)
    services.ncmd_export_case(case=case, by=alice)

    again = services.ncmd_export_case(case=case, by=alice)

    assert json.loads((export_dir / again.file_name).read_bytes())["case"]["resend"] is True
    assert NcmdExport.objects.filter(case=case).count() == 2


def test_a_reopened_case_needs_resending_until_it_is_sent(llr, alice):
    case = finalised_case(area=llr, by=alice)
    services.ncmd_export_case(case=case, by=alice)
    case_reopen(case=case, by=alice, reason="The inquest found a new cause")
    case.refresh_from_db()
    assert case_needs_resend(case=case)

    services.ncmd_export_case(case=case, by=alice)

    case.refresh_from_db()
    assert case.ncmd_resend_needed is False
    assert not case_needs_resend(case=case)
    change = LogEntry.objects.get_for_object(case).filter(actor=alice).latest("timestamp")
    assert "ncmd_resend_needed" in change.changes_dict


def test_a_case_amended_after_it_was_sent_is_listed_as_needing_resending(llr, alice, time_machine):
    time_machine.move_to(APRIL_2026)
    case = finalised_case(area=llr, by=alice)
    untouched = finalised_case(area=llr, by=alice)
    never_sent = finalised_case(area=llr, by=alice)
    services.ncmd_export_case(case=case, by=alice)
    services.ncmd_export_case(case=untouched, by=alice)
    assert list(cases_needing_resend(area=llr)) == []

    time_machine.move_to(APRIL_2026 + datetime.timedelta(days=3))
    Analysis.objects.filter(case=case).update(
        learning_points="Amended after the inquest", updated_at=timezone.now()
    )

    assert list(cases_needing_resend(area=llr)) == [case]
    assert never_sent not in cases_needing_resend(area=llr)


def test_a_merged_case_is_not_sent(llr, alice):
    case = CaseFactory(area=llr, status=Status.MERGED)

    with pytest.raises(DomainError, match="merged into another"):
        services.ncmd_export_case(case=case, by=alice)
    assert not NcmdExport.objects.exists()


def test_a_designated_doctor_may_not_send_a_case(llr, alice, devi):
    case = finalised_case(area=llr, by=alice)

    with pytest.raises(DomainError, match="does not allow"):
        services.ncmd_export_case(case=case, by=devi)


def test_a_transport_that_fails_leaves_no_record_and_no_file_behind(llr, alice, export_dir):
    case = finalised_case(area=llr, by=alice)

    class Broken:
        name = "broken"

        def send(self, path: Path, name: str) -> Receipt:
            raise OSError("The upload folder is full")

    with pytest.raises(OSError, match="full"):
        services.ncmd_export_case(case=case, by=alice, transport=Broken())
    assert not NcmdExport.objects.exists()
    assert not list((export_dir / ".work").iterdir())


# --- Bulk -------------------------------------------------------------------------------------


def _period_cases(llr, alice):  # type: ignore[no-untyped-def]
    inside = [
        finalised_case(area=llr, by=alice, date_of_death=datetime.date(2025, 6, d))
        for d in (1, 2, 3)
    ]
    before = finalised_case(area=llr, by=alice, date_of_death=datetime.date(2025, 3, 31))
    open_case = CaseFactory(
        area=llr, status=Status.PANEL_REVIEWED, date_of_death=datetime.date(2025, 6, 1)
    )
    return inside, before, open_case


def test_a_bulk_export_zips_every_finalised_case_of_the_period_with_a_manifest(
    llr, alice, other_area, export_dir
):
    inside, _before, _open_case = _period_cases(llr, alice)
    finalised_case(area=other_area, by=alice, date_of_death=datetime.date(2025, 6, 1))
    reopened = inside[0]
    reopened.ncmd_resend_needed = True
    reopened.save(update_fields=["ncmd_resend_needed"])

    result = services.ncmd_bulk_now(
        area=llr,
        by=alice,
        basis="date_of_death",
        date_from=datetime.date(2025, 4, 1),
        date_to=datetime.date(2026, 3, 31),
    )

    batch = result.batch
    assert (batch.status, batch.case_count, result.cases) == ("done", 3, 3)
    path = export_dir / batch.file_name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == batch.sha256
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        for entry in manifest["cases"]:
            data = archive.read(entry["file"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert schema_errors(json.loads(data)) == []
    assert sorted(names) == sorted(
        ["manifest.json", *(f"cases/{c.reference}.json" for c in inside)]
    )
    assert manifest["case_count"] == 3
    assert manifest["period"] == {
        "basis": "date_of_death",
        "from": "2025-04-01",
        "to": "2026-03-31",
    }
    records = NcmdExport.objects.filter(batch=batch)
    assert sorted(r.case_id for r in records) == sorted(c.pk for c in inside)
    assert {(r.kind, r.by_id, r.schema_version) for r in records} == {("bulk", alice.pk, "1.0.0")}
    reopened.refresh_from_db()
    assert reopened.ncmd_resend_needed is False
    assert LogEntry.objects.get_for_object(batch).filter(actor=alice).exists()


def test_a_bulk_export_by_finalised_date_takes_the_reviews_finalised_in_the_period(
    llr, alice, time_machine
):
    time_machine.move_to(APRIL_2026)
    early = finalised_case(area=llr, by=alice, date_of_death=datetime.date(2025, 1, 1))
    time_machine.move_to(APRIL_2026 + datetime.timedelta(days=40))
    finalised_case(area=llr, by=alice)

    result = services.ncmd_bulk_now(
        area=llr,
        by=alice,
        basis="finalised",
        date_from=datetime.date(2026, 4, 1),
        date_to=datetime.date(2026, 5, 31),
    )

    assert [e.case for e in NcmdExport.objects.filter(batch=result.batch)] == [early]


def test_the_bulk_export_reads_cases_in_batches_so_queries_do_not_grow_per_case(
    llr, alice, monkeypatch
):
    monkeypatch.setattr("cdop.ncmd.selectors.BATCH_SIZE", 50)
    period = {
        "basis": "date_of_death",
        "date_from": datetime.date(2025, 4, 1),
        "date_to": datetime.date(2026, 3, 31),
    }
    finalised_case(area=llr, by=alice, date_of_death=datetime.date(2025, 6, 1))
    with CaptureQueriesContext(connection) as few:
        services.ncmd_bulk_now(area=llr, by=alice, **period)
    for day in range(1, 11):
        finalised_case(area=llr, by=alice, date_of_death=datetime.date(2025, 7, day))
    with CaptureQueriesContext(connection) as many:
        services.ncmd_bulk_now(area=llr, by=alice, **period)

    assert len(many) == len(few)


def test_a_bulk_export_that_cannot_be_sent_is_marked_failed_and_records_nothing(llr, alice):
    _period_cases(llr, alice)

    class Broken:
        name = "broken"

        def send(self, path: Path, name: str) -> Receipt:
            raise OSError("The upload folder is full")

    with pytest.raises(DomainError, match="full"):
        services.ncmd_bulk_now(
            area=llr,
            by=alice,
            basis="date_of_death",
            transport=Broken(),
            date_from=datetime.date(2025, 4, 1),
            date_to=datetime.date(2026, 3, 31),
        )
    batch = NcmdBatch.objects.get()
    assert (batch.status, batch.error) == ("failed", "The upload folder is full")
    assert not NcmdExport.objects.exists()


def test_a_bulk_export_runs_once_even_if_its_job_is_delivered_twice(llr, alice):
    _period_cases(llr, alice)
    result = services.ncmd_bulk_now(
        area=llr,
        by=alice,
        basis="date_of_death",
        date_from=datetime.date(2025, 4, 1),
        date_to=datetime.date(2026, 3, 31),
    )

    again = services.ncmd_bulk_run(batch_id=result.batch.pk)

    assert again.cases == 3
    assert NcmdExport.objects.count() == 3


@pytest.mark.parametrize(
    ("date_from", "date_to", "message"),
    [
        (datetime.date(2026, 3, 31), datetime.date(2025, 4, 1), "same as or before its end"),
        (datetime.date(2099, 1, 1), datetime.date(2099, 3, 1), "today or in the past"),
    ],
)
def test_a_bulk_export_of_an_impossible_period_is_refused(llr, alice, date_from, date_to, message):
    with pytest.raises(DomainError, match=message):
        services.ncmd_bulk_request(
            area=llr, by=alice, basis="date_of_death", date_from=date_from, date_to=date_to
        )
    assert not NcmdBatch.objects.exists()


def test_the_default_period_is_the_ncmd_year_to_31_march():
    assert services.year_to_31_march(datetime.date(2026, 11, 28)) == (
        datetime.date(2026, 4, 1),
        datetime.date(2027, 3, 31),
    )
    assert services.year_to_31_march(datetime.date(2026, 3, 31)) == (
        datetime.date(2025, 4, 1),
        datetime.date(2026, 3, 31),
    )


# --- The command line -------------------------------------------------------------------------


def test_the_command_exports_an_area_for_a_period(llr, alice, export_dir):
    _period_cases(llr, alice)
    out = StringIO()

    call_command(
        "ncmd_export", "--area", "llr", "--from", "2025-04-01", "--to", "2026-03-31", stdout=out
    )

    assert "Sent 3 finalised cases" in out.getvalue()
    batch = NcmdBatch.objects.get()
    assert (export_dir / batch.file_name).exists()
    assert batch.requested_by is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--area", "nowhere"], "There is no area with the slug “nowhere”. Known areas:"),
        (
            ["--area", "llr", "--from", "2025-02-30", "--to", "2025-03-31"],
            "--from must be a real date",
        ),
        (["--area", "llr", "--from", "1/4/2025", "--to", "2026-03-31"], "YYYY-MM-DD"),
        (["--area", "llr", "--from", "2026-03-31", "--to", "2025-04-01"], "same as or before"),
        (["--area", "llr", "--from", "2025-04-01"], "Give both --from and --to"),
    ],
)
def test_the_command_explains_bad_input(llr, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("ncmd_export", *arguments, stdout=StringIO())
    assert not NcmdExport.objects.exists()
