"""Sending cases to NCMD: one case from its page, or every finalised case of an area for a
period as one zip file (a background job or `manage.py ncmd_export`).

Each case sent is recorded (NcmdExport: when, by whom, the schema version and the version
of every form it carried, how and in which file) and its "needs re-sending" flag cleared.
The bulk export streams: the zip is written member by member to a file, cases are read in
batches by keyset, and the per-case records wait in a small file on disk until the zip has
been sent, so memory stays flat however many cases there are.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from cdop.accounts import permissions
from cdop.audit.services import audit_actor
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.errors import DomainError
from cdop.ncmd import selectors
from cdop.ncmd.models import NcmdBatch, NcmdExport, PeriodBasis
from cdop.ncmd.schema import SCHEMA_VERSION, schema_errors
from cdop.ncmd.transport import Transport, export_dir, transport_get

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.areas.models import Area

RECORD_BATCH = 1000


def _json_bytes(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


def _stamp(at: dt.datetime) -> str:
    return timezone.localtime(at).strftime("%Y%m%dT%H%M%S")


@contextmanager
def _work_file(suffix: str) -> Iterator[tuple[Path, IO[bytes]]]:
    """A file to build an export in, next to where exports go (so the transport's move is a
    rename), removed afterwards if the transport did not take it."""
    directory = export_dir() / ".work"
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    handle = tempfile.NamedTemporaryFile(dir=directory, suffix=suffix, delete=False)  # noqa: SIM115
    path = Path(handle.name)
    try:
        yield path, handle
    finally:
        handle.close()
        if path.exists():
            path.unlink()


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _actor(user: User | None) -> AbstractContextManager[None]:
    """Audit entries name the person who asked; the command line has nobody to name."""
    return audit_actor(user) if user is not None else nullcontext()


def _check(document: dict[str, Any], reference: str) -> None:
    errors = schema_errors(document)
    if errors:
        # A bug of ours, not something the user can fix: say so, and send nothing.
        raise DomainError(
            f"Case {reference} could not be exported: its data does not fit the published "
            f"NCMD schema ({errors[0]}). Nothing was sent. Tell the service's support team."
        )


def ncmd_export_case(*, case: Case, by: User, transport: Transport | None = None) -> NcmdExport:
    """Send one case's national data set now, at any stage (NCMD takes the notification
    first and the review later): record it and clear the case's re-send flag."""
    if not permissions.can_export_ncmd(by, case.area_id):
        raise DomainError("Your role does not allow you to send cases to NCMD.")
    if case.status == Status.MERGED:
        raise DomainError(
            "This case was merged into another as a duplicate: send that case instead."
        )
    transport = transport or transport_get()
    with transaction.atomic(), audit_actor(by):
        locked = Case.objects.select_for_update().get(pk=case.pk)
        (document,) = selectors.ncmd_documents(case_ids=[locked.pk])
        _check(document.document, locked.reference)
        now = timezone.now()
        data = _json_bytes(document.document)
        name = f"ncmd-{locked.reference}-{_stamp(now)}.json"
        with _work_file(".json") as (path, handle):
            handle.write(data)
            handle.close()
            receipt = transport.send(path, name)
        export = NcmdExport.objects.create(
            case=locked,
            area_id=locked.area_id,
            kind=NcmdExport.Kind.SINGLE,
            at=now,
            by=by,
            schema_version=SCHEMA_VERSION,
            form_versions=document.form_versions,
            case_status=locked.status,
            transport=receipt.transport,
            file_name=receipt.file_name,
            sha256=hashlib.sha256(data).hexdigest(),
        )
        if locked.ncmd_resend_needed:
            locked.ncmd_resend_needed = False
            locked.save(update_fields=["ncmd_resend_needed"])
    return export


# --- Bulk ------------------------------------------------------------------------------------


def year_to_31_march(today: dt.date) -> tuple[dt.date, dt.date]:
    """The NCMD year (1 April to 31 March) that today falls in: the default period of a bulk
    export. The annual return closes on 31 March (domain.md §4)."""
    start = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    end = dt.date(start.year + 1, 3, 31)
    return start, end


def _period_check(*, basis: str, date_from: dt.date, date_to: dt.date) -> None:
    if basis not in PeriodBasis.values:
        raise DomainError("Choose whether the period is of dates of death or finalised dates.")
    if date_from > date_to:
        raise DomainError(
            "The start of the period must be the same as or before its end.", field="date_from"
        )
    if date_from > timezone.localdate():
        raise DomainError(
            "The start of the period must be today or in the past.", field="date_from"
        )


def ncmd_bulk_request(
    *, area: Area, by: User, basis: str, date_from: dt.date, date_to: dt.date
) -> NcmdBatch:
    """Queue a bulk export of the area's finalised cases in the period (a background job)."""
    if not permissions.can_export_ncmd(by, area.pk):
        raise DomainError("Your role does not allow you to send cases to NCMD.")
    _period_check(basis=basis, date_from=date_from, date_to=date_to)
    with transaction.atomic(), audit_actor(by):
        batch = NcmdBatch.objects.create(
            area=area,
            basis=basis,
            date_from=date_from,
            date_to=date_to,
            requested_at=timezone.now(),
            requested_by=by,
            schema_version=SCHEMA_VERSION,
        )
        transaction.on_commit(partial(_enqueue_bulk, batch.pk))
    return batch


def _enqueue_bulk(batch_id: int) -> None:
    from cdop.ncmd.tasks import ncmd_bulk_export

    ncmd_bulk_export.enqueue(batch_id=batch_id)


@dataclass(frozen=True)
class BulkResult:
    batch: NcmdBatch
    cases: int


def ncmd_bulk_run(
    *,
    batch_id: int,
    transport: Transport | None = None,
    validate: bool = True,
    progress: Callable[[int], None] | None = None,
) -> BulkResult:
    """Run a queued bulk export: write the zip, send it, then record every case in it.

    Runs once: a batch that is no longer queued is left alone (a job delivered twice).
    A failure marks the batch failed with the reason, and records nothing as sent.
    """
    with transaction.atomic():
        batch = (
            NcmdBatch.objects.select_for_update(of=("self",))
            .select_related("area", "requested_by")
            .get(pk=batch_id)
        )
        if batch.status != NcmdBatch.Status.QUEUED:
            return BulkResult(batch=batch, cases=batch.case_count)
        with _actor(batch.requested_by):
            batch.status = NcmdBatch.Status.RUNNING
            batch.started_at = timezone.now()
            batch.save(update_fields=["status", "started_at"])
    transport = transport or transport_get()
    with _actor(batch.requested_by):
        try:
            return _bulk_write_and_send(batch, transport, validate=validate, progress=progress)
        except (DomainError, OSError, zipfile.BadZipFile) as error:
            message = error.message if isinstance(error, DomainError) else str(error)
            batch.status = NcmdBatch.Status.FAILED
            batch.finished_at = timezone.now()
            batch.error = message[:2000]
            batch.save(update_fields=["status", "finished_at", "error"])
            raise DomainError(f"The bulk export failed: {message}") from error


def _bulk_write_and_send(
    batch: NcmdBatch,
    transport: Transport,
    *,
    validate: bool,
    progress: Callable[[int], None] | None,
) -> BulkResult:
    area = batch.area
    name = (
        f"ncmd-{area.code}-{batch.basis}-{batch.date_from:%Y%m%d}-{batch.date_to:%Y%m%d}"
        f"-{_stamp(batch.started_at or timezone.now())}.zip"
    )
    count = 0
    with (
        _work_file(".zip") as (zip_path, zip_handle),
        _work_file(".jsonl") as (records_path, records),
    ):
        with zipfile.ZipFile(zip_handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for ids in selectors.bulk_case_id_batches(
                area=area, basis=batch.basis, date_from=batch.date_from, date_to=batch.date_to
            ):
                exported_before = set(
                    NcmdExport.objects.filter(case_id__in=ids).values_list("case_id", flat=True)
                )
                for doc in selectors.ncmd_documents(case_ids=ids, exported_before=exported_before):
                    if validate:
                        _check(doc.document, doc.reference)
                    data = _json_bytes(doc.document)
                    member = f"cases/{doc.reference}.json"
                    archive.writestr(member, data)
                    line = {
                        "case_id": doc.case_id,
                        "reference": doc.reference,
                        "file": member,
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "status": doc.case_status,
                        "form_versions": doc.form_versions,
                    }
                    records.write(json.dumps(line, separators=(",", ":")).encode() + b"\n")
                    count += 1
                if progress is not None:
                    progress(count)
            records.flush()
            _write_manifest(archive, batch, records_path, count)
        zip_handle.close()
        sha = _sha256_file(zip_path)
        size = zip_path.stat().st_size
        receipt = transport.send(zip_path, name)
        _record_bulk(batch, records_path, receipt_transport=receipt.transport, file_name=name)
    batch.status = NcmdBatch.Status.DONE
    batch.finished_at = timezone.now()
    batch.case_count = count
    batch.transport = receipt.transport
    batch.file_name = receipt.file_name
    batch.sha256 = sha
    batch.size_bytes = size
    batch.receipt = receipt.detail[:500]
    batch.save()
    return BulkResult(batch=batch, cases=count)


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as f:
        for line in f:
            yield json.loads(line)


def _write_manifest(archive: zipfile.ZipFile, batch: NcmdBatch, records: Path, count: int) -> None:
    """manifest.json: what the zip holds, streamed from the records file a case at a time."""
    head = {
        "schema_version": SCHEMA_VERSION,
        "schema": "case-export-v1.json",
        "area_code": batch.area.code,
        "area_name": batch.area.name,
        "period": {
            "basis": batch.basis,
            "from": batch.date_from.isoformat(),
            "to": batch.date_to.isoformat(),
        },
        "generated_at": timezone.localtime().isoformat(),
        "case_count": count,
    }
    with archive.open("manifest.json", "w") as out:
        out.write(json.dumps(head, indent=1)[:-2].encode() + b',\n "cases": [\n')
        for i, record in enumerate(_records(records)):
            entry = {k: record[k] for k in ("reference", "file", "sha256", "status")}
            out.write((",\n" if i else "").encode() + b"  " + json.dumps(entry).encode())
        out.write(b"\n ]\n}\n")


def _record_bulk(
    batch: NcmdBatch, records: Path, *, receipt_transport: str, file_name: str
) -> None:
    """Record every case as sent (after the file has gone), a thousand rows at a time, and
    clear their re-send flags; one transaction, so a case is recorded with all or none."""
    now = timezone.now()
    with transaction.atomic():
        chunk: list[NcmdExport] = []

        def flush() -> None:
            NcmdExport.objects.bulk_create(chunk)
            Case.objects.filter(pk__in=[e.case_id for e in chunk], ncmd_resend_needed=True).update(
                ncmd_resend_needed=False
            )
            chunk.clear()

        for record in _records(records):
            chunk.append(
                NcmdExport(
                    case_id=record["case_id"],
                    area_id=batch.area_id,
                    batch=batch,
                    kind=NcmdExport.Kind.BULK,
                    at=now,
                    by_id=batch.requested_by_id,
                    schema_version=SCHEMA_VERSION,
                    form_versions=record["form_versions"],
                    case_status=record["status"],
                    transport=receipt_transport,
                    file_name=f"{file_name}:{record['file']}",
                    sha256=record["sha256"],
                )
            )
            if len(chunk) >= RECORD_BATCH:
                flush()
        if chunk:
            flush()


def ncmd_bulk_now(
    *,
    area: Area,
    by: User | None,
    basis: str,
    date_from: dt.date,
    date_to: dt.date,
    transport: Transport | None = None,
    validate: bool = True,
    progress: Callable[[int], None] | None = None,
) -> BulkResult:
    """The command line's bulk export: queue and run at once in this process."""
    _period_check(basis=basis, date_from=date_from, date_to=date_to)
    with _actor(by):
        batch = NcmdBatch.objects.create(
            area=area,
            basis=basis,
            date_from=date_from,
            date_to=date_to,
            requested_at=timezone.now(),
            requested_by=by,
            schema_version=SCHEMA_VERSION,
        )
    return ncmd_bulk_run(
        batch_id=batch.pk, transport=transport, validate=validate, progress=progress
    )
