"""Writing documents: upload (checked, scanned, stored, recorded) and withdrawal."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.audit.services import audit_actor
from cdop.core.errors import DomainError
from cdop.documents.content import check_file_type
from cdop.documents.models import Category, Document, ScanStatus
from cdop.documents.scanning import Verdict, scanner
from cdop.documents.storage import new_storage_name, storage_remove, storage_write

if TYPE_CHECKING:
    from collections.abc import Iterator

    from cdop.accounts.models import User
    from cdop.cases.models import Case

logger = logging.getLogger(__name__)
CHUNK = 64 * 1024


def max_upload_bytes() -> int:
    return int(settings.DOCUMENTS_MAX_BYTES)


def size_limit_text() -> str:
    limit = max_upload_bytes()
    if limit >= 1024 * 1024:
        return f"{round(limit / (1024 * 1024), 1):g} MB"
    if limit >= 1024:
        return f"{round(limit / 1024, 1):g} KB"
    return f"{limit} bytes"


def too_big_message() -> str:
    return f"The selected file must be smaller than {size_limit_text()}"


def file_chunks(file: IO[bytes]) -> Iterator[bytes]:
    file.seek(0)
    while chunk := file.read(CHUNK):
        yield chunk
    file.seek(0)


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    size: int
    sha256: str
    mime: str
    scan_status: str


def document_file_check(*, file: IO[bytes], filename: str) -> CheckedFile:
    """Every check a file must pass before it is stored, for any upload (a case document,
    a file an agency attaches to its return): the name, the size counted, the type by
    content, the virus scan when configured. DomainError says what is wrong with it."""
    # Only the name is kept (shown, and given back on download): no folders, no control
    # characters. It is never used for a path.
    filename = "".join(c for c in filename.replace("\\", "/").rsplit("/", 1)[-1] if c.isprintable())
    filename = filename.strip()
    if not filename:
        raise DomainError("Select a file", field="file")
    # Count the bytes rather than trust a size someone else worked out.
    size = 0
    digest = hashlib.sha256()
    for chunk in file_chunks(file):
        size += len(chunk)
        if size > max_upload_bytes():
            raise DomainError(too_big_message(), field="file")
        digest.update(chunk)
    if size == 0:
        raise DomainError("The selected file is empty", field="file")
    accepted = check_file_type(file=file, filename=filename)
    scan_status = ScanStatus.NOT_SCANNED
    active = scanner()
    if active is not None:
        verdict = active.scan(file)
        if verdict is Verdict.INFECTED:
            raise DomainError(
                "The selected file contains a virus. Do not open it again; tell your IT "
                "service desk where it came from",
                field="file",
            )
        if verdict is not Verdict.CLEAN:
            raise DomainError(
                "The selected file could not be checked for viruses just now, so it was not "
                "added. Try again in a few minutes",
                field="file",
            )
        scan_status = ScanStatus.CLEAN
    return CheckedFile(
        filename=filename,
        size=size,
        sha256=digest.hexdigest(),
        mime=accepted.mime,
        scan_status=scan_status,
    )


def document_upload(
    *,
    case: Case,
    by: User,
    file: IO[bytes],
    filename: str,
    category: str,
    title: str = "",
) -> Document:
    """Check the file (size, type by content, virus scan when configured), store it outside
    the web root under a random name, and record it on the case.

    Every check runs before anything is written, so a refused file leaves no file and no row.
    """
    if not permissions.can_view_case(by, case):
        raise Http404("No such case")
    if not permissions.can_work_on_case(by, case):
        raise PermissionDenied("Your role does not allow you to add documents to this case.")
    if category not in Category.values:
        raise DomainError("Select what kind of document this is", field="category")
    checked = document_file_check(file=file, filename=filename)
    filename = checked.filename
    title = title.strip() or filename.rsplit(".", 1)[0] or filename
    storage_name = new_storage_name()
    storage_write(storage_name=storage_name, chunks=file_chunks(file))
    try:
        with audit_actor(by), transaction.atomic():
            return Document.objects.create(
                case=case,
                category=category,
                title=title[:200],
                original_filename=filename[:255],
                mime_type=checked.mime,
                size=checked.size,
                sha256=checked.sha256,
                storage_name=storage_name,
                uploaded_by=by,
                uploaded_at=timezone.now(),
                scan_status=checked.scan_status,
            )
    except BaseException:
        # No row, so no file: an orphan would be personal data nobody can find.
        storage_remove(storage_name)
        raise


def document_withdraw(*, document: Document, by: User, reason: str) -> Document:
    """Take a document off the case (uploaded to the wrong case, or the wrong file).

    The row and the file are kept for the record; a withdrawn document is no longer
    offered for download."""
    if not permissions.can_view_case(by, document.case):
        raise Http404("No such document")
    if not permissions.can_manage_case(by, document.case):
        raise PermissionDenied("Your role does not allow you to withdraw documents.")
    reason = reason.strip()
    if not reason:
        raise DomainError("Enter why the document is being withdrawn", field="reason")
    with audit_actor(by), transaction.atomic():
        locked = Document.objects.select_for_update().select_related("case").get(pk=document.pk)
        if locked.withdrawn_at is not None:
            raise DomainError("This document has already been withdrawn.")
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = by
        locked.withdrawn_reason = reason
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason"])
    return locked
