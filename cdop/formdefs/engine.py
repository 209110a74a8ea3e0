"""Forms built from a definition: one GOV.UK page per section, and the answers read back.

Answers are {question_id: {"value": ...}} or {question_id: {"not_known": True}}; a question
with no entry is blank. Values: text/textarea/choice/yesno a string, number an int or float,
date an ISO date string, multi a list of strings.

Conditions (`show_if`) name an earlier question. If it is on an earlier page, the saved
answer decides whether the question is asked at all. If it is on the same page, both are
shown (the page works without JavaScript) and the follow-up's answer is kept only when the
earlier answer calls for it. An answer whose condition no longer holds is dropped whenever
answers are merged, so a changed mind never leaves a stray answer behind.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms

from cdop.core.forms import DateField, GovUKFormMixin

if TYPE_CHECKING:
    from cdop.formdefs.models import FormDefinition

NOT_KNOWN = "not_known"
NOT_KNOWN_LABEL = "Not known"
NOT_ANSWERED_LABEL = "Not answered"
NK_SUFFIX = "__not_known"
YESNO_CHOICES = [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}]

Answers = dict[str, dict[str, Any]]


class SectionStatus:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    NOT_NEEDED = "not_needed"  # every question on it is a follow-up not called for
    LABELS = {
        "not_needed": "Not needed",
        "not_started": "Not started",
        "in_progress": "In progress",
        "completed": "Completed",
    }


# ---- reading the schema ---------------------------------------------------------------


def sections(definition: FormDefinition) -> list[dict[str, Any]]:
    return list(definition.schema.get("sections", []))


def section_get(definition: FormDefinition, section_id: str) -> dict[str, Any] | None:
    return next((s for s in sections(definition) if s["id"] == section_id), None)


def questions(definition: FormDefinition) -> list[dict[str, Any]]:
    return [q for s in sections(definition) for q in s["questions"]]


def choices_of(question: dict[str, Any]) -> list[dict[str, str]]:
    if question["type"] == "yesno":
        return YESNO_CHOICES
    return list(question.get("choices", []))


def _answer_values(entry: dict[str, Any] | None) -> set[str]:
    """The values an answer offers to a condition (a multi answer offers each choice)."""
    if not entry:
        return set()
    if entry.get("not_known"):
        return {NOT_KNOWN}
    value = entry.get("value")
    if isinstance(value, list):
        return {str(v) for v in value}
    return {str(value)} if value not in (None, "") else set()


def visible_ids(definition: FormDefinition, answers: Answers) -> set[str]:
    """The questions asked, given these answers (a follow-up of a hidden question is hidden)."""
    shown: set[str] = set()
    for question in questions(definition):
        condition = question.get("show_if")
        if condition is None or (
            condition["question"] in shown
            and _answer_values(answers.get(condition["question"])) & set(condition["in"])
        ):
            shown.add(question["id"])
    return shown


# ---- the section page -----------------------------------------------------------------


@dataclass
class QuestionRow:
    """One question on a page, with its field and (for typed answers) its Not known box."""

    question: dict[str, Any]
    field: forms.BoundField
    not_known: forms.BoundField | None = None


class SectionForm(GovUKFormMixin, forms.Form):
    """The questions of one section. Nothing is required here: required questions are
    checked when the whole return is submitted (answers_missing), so a half-filled page can
    be saved and finished later."""

    definition: FormDefinition
    section: dict[str, Any]
    asked: list[dict[str, Any]]

    def rows(self) -> list[QuestionRow]:
        return [
            QuestionRow(
                question=question,
                field=self[question["id"]],
                not_known=(
                    self[question["id"] + NK_SUFFIX]
                    if question["id"] + NK_SUFFIX in self.fields
                    else None
                ),
            )
            for question in self.asked
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for question in self.asked:
            qid = question["id"]
            if question["type"] == "multi":
                picked = cleaned.get(qid) or []
                if NOT_KNOWN in picked and len(picked) > 1:
                    self.add_error(
                        qid, f"Select ‘{NOT_KNOWN_LABEL}’ or the answers that apply, not both"
                    )
            elif cleaned.get(qid + NK_SUFFIX) and cleaned.get(qid) not in (None, ""):
                self.add_error(
                    qid, f"Either answer this question or tick ‘{NOT_KNOWN_LABEL}’, not both"
                )
        return cleaned

    def section_answers(self) -> Answers:
        """The answers typed on this page (after is_valid()); blanks are left out."""
        result: Answers = {}
        for question in self.asked:
            qid = question["id"]
            value = self.cleaned_data.get(qid)
            if self.cleaned_data.get(qid + NK_SUFFIX) or value == NOT_KNOWN or value == [NOT_KNOWN]:
                result[qid] = {"not_known": True}
            elif value in (None, "", []):
                continue
            elif isinstance(value, Decimal):
                result[qid] = {
                    "value": int(value) if value == value.to_integral() else float(value)
                }
            elif isinstance(value, datetime.date):
                result[qid] = {"value": value.isoformat()}
            elif isinstance(value, str):
                result[qid] = {"value": value.strip()}
            else:
                result[qid] = {"value": list(value) if isinstance(value, list) else value}
        # A follow-up whose earlier answer on this page does not call for it is dropped.
        page_ids = {q["id"] for q in self.section["questions"]}
        earlier = {k: v for k, v in self._saved.items() if k not in page_ids}
        shown = visible_ids(self.definition, {**earlier, **result})
        return {qid: entry for qid, entry in result.items() if qid in shown}

    _saved: Answers


def _field_for(question: dict[str, Any]) -> tuple[forms.Field, forms.Field | None]:
    """The form field for a question, and its separate Not known box if it needs one."""
    label = question["label"]
    hint = question.get("hint", "")
    qtype = question["type"]
    offers_not_known = bool(question.get("not_known"))
    common: dict[str, Any] = {"label": label, "help_text": hint, "required": False}
    not_known_box: forms.Field | None = None
    field: forms.Field
    if qtype in ("choice", "yesno"):
        options = [(c["value"], c["label"]) for c in choices_of(question)]
        if offers_not_known:
            options.append((NOT_KNOWN, NOT_KNOWN_LABEL))
        field = forms.ChoiceField(
            choices=options,
            widget=forms.RadioSelect,
            error_messages={"invalid_choice": f"Choose an answer to ‘{label}’ from the list"},
            **common,
        )
    elif qtype == "multi":
        options = [(c["value"], c["label"]) for c in choices_of(question)]
        if offers_not_known:
            options.append((NOT_KNOWN, NOT_KNOWN_LABEL))
        field = forms.MultipleChoiceField(
            choices=options,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"invalid_choice": f"Choose answers to ‘{label}’ from the list"},
            **common,
        )
    else:
        if qtype == "number":
            field = forms.DecimalField(
                max_digits=12,
                decimal_places=3,
                min_value=0,
                error_messages={
                    "invalid": f"‘{label}’ must be a number, for example 12 or 3.5",
                    "min_value": f"‘{label}’ must be 0 or more",
                    "max_digits": f"‘{label}’ must be a smaller number",
                    "max_decimal_places": f"‘{label}’ can have up to 3 decimal places",
                    "max_whole_digits": f"‘{label}’ must be a smaller number",
                },
                widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
                **common,
            )
        elif qtype == "date":
            field = DateField(**common)
        else:
            max_length = int(question.get("max_length") or (5000 if qtype == "textarea" else 500))
            field = forms.CharField(
                max_length=max_length,
                widget=forms.Textarea if qtype == "textarea" else forms.TextInput,
                error_messages={
                    "max_length": f"‘{label}’ must be {max_length} characters or fewer"
                },
                **common,
            )
        if offers_not_known:
            not_known_box = forms.BooleanField(required=False, label=NOT_KNOWN_LABEL)
    return field, not_known_box


def _follows(definition: FormDefinition, question: dict[str, Any], page_ids: set[str]) -> str:
    """For a follow-up shown on the same page as the question it depends on, a hint saying
    when to answer it (the page works without JavaScript, so both are always visible)."""
    condition = question.get("show_if")
    if not condition or condition["question"] not in page_ids:
        return ""
    earlier = next(q for q in questions(definition) if q["id"] == condition["question"])
    labels = {c["value"]: c["label"] for c in choices_of(earlier)}
    labels[NOT_KNOWN] = NOT_KNOWN_LABEL
    wanted = " or ".join(f"‘{labels.get(v, v)}’" for v in condition["in"])
    return f"Answer this only if you answered {wanted} to ‘{earlier['label']}’."


def _initial(question: dict[str, Any], entry: dict[str, Any] | None) -> tuple[Any, bool]:
    if not entry:
        return None, False
    if entry.get("not_known"):
        if question["type"] in ("choice", "yesno"):
            return NOT_KNOWN, False
        if question["type"] == "multi":
            return [NOT_KNOWN], False
        return None, True
    value = entry.get("value")
    if question["type"] == "date" and isinstance(value, str):
        try:
            return datetime.date.fromisoformat(value), False
        except ValueError:
            return None, False
    return value, False


def section_form(
    *,
    definition: FormDefinition,
    section_id: str,
    answers: Answers,
    data: Any = None,
    prefix: str | None = None,
) -> SectionForm:
    """The page for one section, filled with the answers saved so far (or the posted data).

    Questions whose condition rests on an earlier page's answer that does not call for them
    are not asked."""
    section = section_get(definition, section_id)
    if section is None:
        raise KeyError(section_id)
    shown = visible_ids(definition, answers)
    page_ids = {q["id"] for q in section["questions"]}
    asked = [
        q
        for q in section["questions"]
        if q["id"] in shown or (q.get("show_if") and q["show_if"]["question"] in page_ids)
    ]
    fields: dict[str, forms.Field] = {}
    initial: dict[str, Any] = {}
    for question in asked:
        field, box = _field_for(question)
        follows = _follows(definition, question, page_ids)
        if follows:
            field.help_text = f"{follows} {field.help_text}".strip()
        fields[question["id"]] = field
        value, not_known = _initial(question, answers.get(question["id"]))
        initial[question["id"]] = value
        if box is not None:
            fields[question["id"] + NK_SUFFIX] = box
            initial[question["id"] + NK_SUFFIX] = not_known
    form_class = type(
        "SectionForm",
        (SectionForm,),
        {**fields, "definition": definition, "section": section, "asked": asked},
    )
    form: SectionForm = form_class(data=data, initial=initial, prefix=prefix)
    form._saved = answers
    return form


# ---- answers --------------------------------------------------------------------------


def answers_prune(*, definition: FormDefinition, answers: Answers) -> Answers:
    """Only the answers to questions that exist and are asked, given the other answers."""
    shown = visible_ids(definition, answers)
    return {qid: entry for qid, entry in answers.items() if qid in shown}


def answers_merge(
    *, definition: FormDefinition, section_id: str, answers: Answers, section_answers: Answers
) -> Answers:
    """The saved answers with one section's page replaced by what was just typed."""
    section = section_get(definition, section_id)
    if section is None:
        raise KeyError(section_id)
    page_ids = {q["id"] for q in section["questions"]}
    merged = {qid: entry for qid, entry in answers.items() if qid not in page_ids}
    merged.update({qid: entry for qid, entry in section_answers.items() if qid in page_ids})
    return answers_prune(definition=definition, answers=merged)


def answers_missing(
    *, definition: FormDefinition, answers: Answers, section_id: str | None = None
) -> list[tuple[str, str, str]]:
    """(section id, question id, label) of each required question asked and not answered.
    "Not known" is an answer; a blank is not."""
    shown = visible_ids(definition, answers)
    return [
        (section["id"], question["id"], question["label"])
        for section in sections(definition)
        if section_id is None or section["id"] == section_id
        for question in section["questions"]
        if question.get("required") and question["id"] in shown and not answers.get(question["id"])
    ]


def section_status(*, definition: FormDefinition, section_id: str, answers: Answers) -> str:
    section = section_get(definition, section_id)
    if section is None:
        raise KeyError(section_id)
    shown = visible_ids(definition, answers)
    if not any(q["id"] in shown for q in section["questions"]):
        return SectionStatus.NOT_NEEDED
    if not any(answers.get(q["id"]) for q in section["questions"]):
        return SectionStatus.NOT_STARTED
    if answers_missing(definition=definition, answers=answers, section_id=section_id):
        return SectionStatus.IN_PROGRESS
    return SectionStatus.COMPLETED


@dataclass
class AnswerRow:
    question_id: str
    label: str
    display: str  # what was answered, "Not known" or "Not answered"
    state: str  # "answered", "not_known" or "blank"
    required: bool = False
    lines: list[str] = field(default_factory=list)  # a multi answer, one choice a line


@dataclass
class SectionDisplay:
    id: str
    title: str
    rows: list[AnswerRow]


def display_value(question: dict[str, Any], entry: dict[str, Any] | None) -> AnswerRow:
    base = {
        "question_id": question["id"],
        "label": question["label"],
        "required": bool(question.get("required")),
    }
    if not entry:
        return AnswerRow(display=NOT_ANSWERED_LABEL, state="blank", **base)
    if entry.get("not_known"):
        return AnswerRow(display=NOT_KNOWN_LABEL, state="not_known", **base)
    value = entry.get("value")
    qtype = question["type"]
    labels = {c["value"]: c["label"] for c in choices_of(question)}
    lines: list[str] = []
    if qtype in ("choice", "yesno"):
        text = labels.get(str(value), str(value))
    elif qtype == "multi":
        lines = [labels.get(str(v), str(v)) for v in (value or [])]
        text = ", ".join(lines)
    elif qtype == "date":
        try:
            text = datetime.date.fromisoformat(str(value)).strftime("%-d %B %Y")
        except ValueError:
            text = str(value)
    elif qtype == "number":
        text = f"{value} {question['unit']}" if question.get("unit") else str(value)
    else:
        text = str(value)
    return AnswerRow(display=text, state="answered", lines=lines, **base)


def answers_display(*, definition: FormDefinition, answers: Answers) -> list[SectionDisplay]:
    """Every section, with each question asked, in the labels of THIS definition version."""
    shown = visible_ids(definition, answers)
    return [
        SectionDisplay(
            id=section["id"],
            title=section["title"],
            rows=[
                display_value(question, answers.get(question["id"]))
                for question in section["questions"]
                if question["id"] in shown
            ],
        )
        for section in sections(definition)
    ]
