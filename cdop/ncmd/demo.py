"""NCMD exports for the demonstration: the demo area's oldest finalised case is sent to NCMD
(a file in NCMD_EXPORT_DIR, as a real export would be), so its NCMD page has a history and
the area's NCMD page has something in it. Idempotent: an area that has sent anything keeps
what it has."""

from __future__ import annotations

from typing import TextIO

from cdop.accounts.models import Role, User
from cdop.areas.models import Area
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.errors import DomainError
from cdop.ncmd.models import NcmdExport
from cdop.ncmd.services import ncmd_export_case


def load_demo(*, stdout: TextIO) -> None:
    area = Area.objects.filter(slug="llr").first()
    if area is None:
        stdout.write("NCMD exports: no demo area; none made.\n")
        return
    if NcmdExport.objects.filter(area=area).exists():
        stdout.write("NCMD exports: the demo area has already sent cases.\n")
        return
    sender = (
        User.objects.filter(email="manager@demo.invalid").first()
        or User.objects.filter(memberships__area=area, memberships__role=Role.CDR_MANAGER)
        .order_by("pk")
        .first()
    )
    case = (
        Case.objects.filter(area=area, status=Status.FINALISED, analysis__isnull=False)
        .order_by("finalised_at", "pk")
        .first()
    )
    if sender is None or case is None:
        stdout.write("NCMD exports: no CDR manager or no finalised case; none sent.\n")
        return
    try:
        export = ncmd_export_case(case=case, by=sender)
    except DomainError as error:
        stdout.write(f"NCMD exports: {case.reference} was not sent: {error.message}\n")
        return
    stdout.write(f"NCMD exports: sent {case.reference} as {export.file_name}.\n")
