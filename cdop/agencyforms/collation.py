"""All returned Reporting Forms of a case side by side, for the Child Death Review Meeting.

Returns are grouped by form (its code); within a form, by section and question, with one
column per agency that returned it. Question ids are never reused across versions, so the
same id means the same question even when returns were completed on different versions;
each answer is shown in the words of the version it was given on.

Marked for the reader:
- a difference: agencies gave different answers to the same question. Only for questions
  with a fixed kind of answer (choices, yes/no, numbers, dates): free text always differs,
  so flagging it would hide the differences that matter.
- a gap: an agency left the question blank or answered "Not known".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from auditlog.models import LogEntry
from django.template.loader import render_to_string
from django.utils import timezone

from cdop.agencyforms.models import FormRequest, RequestedForm
from cdop.agencyforms.services import form_request_reference
from cdop.formdefs.engine import AnswerRow, display_value, sections, visible_ids

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case

COMPARED_TYPES = frozenset({"choice", "multi", "yesno", "number", "date"})
NOT_ASKED = "Not asked"


@dataclass
class Column:
    request: FormRequest
    number: str
    form: RequestedForm


@dataclass
class Cell:
    row: AnswerRow | None  # None: this version did not ask it, or a condition left it out

    @property
    def state(self) -> str:
        return self.row.state if self.row else "not_asked"

    @property
    def display(self) -> str:
        return self.row.display if self.row else NOT_ASKED


@dataclass
class CollatedQuestion:
    id: str
    label: str
    cells: list[Cell]
    compared: bool

    @property
    def differs(self) -> bool:
        answered = {c.display.strip().lower() for c in self.cells if c.state == "answered"}
        return self.compared and len(answered) > 1

    @property
    def gaps(self) -> int:
        return sum(1 for c in self.cells if c.state in ("blank", "not_known"))


@dataclass
class CollatedSection:
    id: str
    title: str
    questions: list[CollatedQuestion]

    @property
    def differences(self) -> int:
        return sum(1 for q in self.questions if q.differs)

    @property
    def gaps(self) -> int:
        return sum(q.gaps for q in self.questions)


@dataclass
class CollatedForm:
    code: str
    title: str
    columns: list[Column]
    sections: list[CollatedSection] = field(default_factory=list)

    @property
    def differences(self) -> int:
        return sum(s.differences for s in self.sections)

    @property
    def gaps(self) -> int:
        return sum(s.gaps for s in self.sections)


def returned_forms_for_case(*, case: Case) -> list[RequestedForm]:
    return list(
        RequestedForm.objects.filter(
            request__case=case, request__status=FormRequest.Status.SUBMITTED
        )
        .select_related("definition", "request", "request__organisation", "request__contact")
        .order_by("request__submitted_at", "request_id", "pk")
    )


def _collate_one(code: str, forms: list[RequestedForm]) -> CollatedForm:
    # The newest version sets the order and the headings; older versions' own questions
    # follow in their order.
    newest = max(forms, key=lambda f: f.definition.version).definition
    ordered_sections: list[dict[str, Any]] = [
        {"id": s["id"], "title": s["title"], "questions": list(s["questions"])}
        for s in sections(newest)
    ]
    seen = {q["id"] for s in ordered_sections for q in s["questions"]}
    for form in sorted(forms, key=lambda f: -f.definition.version):
        for section in sections(form.definition):
            target = next((s for s in ordered_sections if s["id"] == section["id"]), None)
            if target is None:
                target = {"id": section["id"], "title": section["title"], "questions": []}
                ordered_sections.append(target)
            for question in section["questions"]:
                if question["id"] not in seen:
                    seen.add(question["id"])
                    target["questions"].append(question)
    columns = [
        Column(request=f.request, number=form_request_reference(f.request), form=f) for f in forms
    ]
    lookups = []
    for form in forms:
        own = {q["id"]: q for s in sections(form.definition) for q in s["questions"]}
        lookups.append((form, own, visible_ids(form.definition, form.answers)))
    collated = CollatedForm(code=code, title=newest.title, columns=columns)
    for section in ordered_sections:
        rows = []
        for question in section["questions"]:
            cells = []
            for form, own, shown in lookups:
                asked = own.get(question["id"])
                if asked is None or question["id"] not in shown:
                    cells.append(Cell(row=None))
                else:
                    cells.append(Cell(row=display_value(asked, form.answers.get(question["id"]))))
            rows.append(
                CollatedQuestion(
                    id=question["id"],
                    label=question["label"],
                    cells=cells,
                    compared=question["type"] in COMPARED_TYPES,
                )
            )
        collated.sections.append(
            CollatedSection(id=section["id"], title=section["title"], questions=rows)
        )
    return collated


def collation_for_case(*, case: Case) -> list[CollatedForm]:
    """Every returned form of the case, collated; the core Reporting Form first."""
    by_code: dict[str, list[RequestedForm]] = {}
    for form in returned_forms_for_case(case=case):
        by_code.setdefault(form.definition.code, []).append(form)
    collated = [_collate_one(code, forms) for code, forms in by_code.items()]
    kinds = {code: forms[0].definition.kind for code, forms in by_code.items()}
    return sorted(collated, key=lambda c: (kinds[c.code] != "core", c.title))


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> Any:
    raise ValueError(f"The collation PDF fetches nothing ({url})")


def collation_pdf(*, case: Case, collated: list[CollatedForm], prepared_by: str) -> bytes:
    from weasyprint import HTML  # imported when needed: it is slow to load

    html = render_to_string(
        "agencyforms/collation_pdf.html",
        {
            "case": case,
            "collated": collated,
            "prepared_by": prepared_by,
            "generated_at": timezone.localtime(),
        },
    )
    return bytes(HTML(string=html, url_fetcher=_no_fetching).write_pdf())


def collation_read_record(*, case: Case, by: User, collated: list[CollatedForm]) -> None:
    """Each return read on the collation is recorded as read, like opening it on its own."""
    from cdop.audit.services import audit_actor, audit_read

    with audit_actor(by):
        for form_request in {c.request.pk: c.request for f in collated for c in f.columns}.values():
            audit_read(obj=form_request)


def collation_export_record(*, case: Case, by: User, collated: list[CollatedForm]) -> LogEntry:
    """The collation left the service as a PDF: a read of the case marked as an export,
    naming the returns it held (the audit search lists it with the case's other exports)."""
    from cdop.audit.services import audit_actor

    with audit_actor(by):
        entry: LogEntry = LogEntry.objects.log_create(
            case,
            action=LogEntry.Action.ACCESS,
            changes=None,
            force_log=True,
            additional_data={
                **case.get_additional_data(),
                "case": case.reference,
                "export": "reporting_forms_collation_pdf",
                "returns": sorted({c.number for f in collated for c in f.columns}),
            },
        )
    return entry
