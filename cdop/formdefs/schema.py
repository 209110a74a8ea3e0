"""Checks that a form definition's schema is well formed (its shape: cdop.formdefs.models).

A malformed definition must never reach an agency: every problem found is reported at once,
each naming where it is, so whoever writes a new national version can fix them in one pass.
"""

from __future__ import annotations

import re
from typing import Any

QUESTION_TYPES = frozenset({"text", "textarea", "number", "date", "choice", "multi", "yesno"})
CHOICE_TYPES = frozenset({"choice", "multi"})
SUGGEST_KEYS = frozenset(
    {"min_age_days", "max_age_days", "expectedness", "place_of_death", "keywords"}
)
# suggest_when may instead be {"any": [rules, rules, ...]}: suggested when any set holds.
_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# "not_known" is how "Not known" is offered on a choice question: no choice may take it.
RESERVED_VALUES = frozenset({"not_known"})


class SchemaError(ValueError):
    """The definition cannot be used; `problems` lists every reason, in plain English."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _check_question(q: Any, where: str, seen: dict[str, str], problems: list[str]) -> str | None:
    if not isinstance(q, dict):
        problems.append(f"{where} must be an object")
        return None
    qid = q.get("id")
    if not isinstance(qid, str) or not _ID.match(qid):
        problems.append(f"{where} needs an id of lower-case letters, digits and underscores")
        return None
    where = f"question '{qid}'"
    if qid in seen:
        problems.append(f"{where} is used twice (question ids must be unique in a definition)")
    if not isinstance(q.get("label"), str) or not q["label"].strip():
        problems.append(f"{where} needs a label")
    qtype = q.get("type")
    if qtype not in QUESTION_TYPES:
        problems.append(
            f"{where} has an unknown type {qtype!r}: use one of {', '.join(sorted(QUESTION_TYPES))}"
        )
    if qtype in CHOICE_TYPES:
        choices = q.get("choices")
        if not isinstance(choices, list) or not choices:
            problems.append(f"{where} is a {qtype} question and needs a list of choices")
        else:
            values: set[str] = set()
            for choice in choices:
                if (
                    not isinstance(choice, dict)
                    or not isinstance(choice.get("value"), str)
                    or not isinstance(choice.get("label"), str)
                ):
                    problems.append(f"{where} has a choice without a value and a label")
                    continue
                if choice["value"] in values:
                    problems.append(f"{where} has the choice {choice['value']!r} twice")
                if choice["value"] in RESERVED_VALUES:
                    problems.append(
                        f"{where} may not use {choice['value']!r} as a choice: "
                        'set "not_known": true instead'
                    )
                values.add(choice["value"])
    elif "choices" in q:
        problems.append(f"{where} is a {qtype} question and cannot have choices")
    for flag in ("required", "not_known"):
        if flag in q and not isinstance(q[flag], bool):
            problems.append(f"{where}: {flag} must be true or false")
    if "max_length" in q and (not isinstance(q["max_length"], int) or q["max_length"] < 1):
        problems.append(f"{where}: max_length must be a positive whole number")
    show_if = q.get("show_if")
    if show_if is not None:
        target = show_if.get("question") if isinstance(show_if, dict) else None
        wanted = show_if.get("in") if isinstance(show_if, dict) else None
        if not isinstance(target, str) or not isinstance(wanted, list) or not wanted:
            problems.append(
                f'{where}: show_if must look like {{"question": "an_earlier_id", "in": ["yes"]}}'
            )
        elif target == qid or target not in seen:
            problems.append(
                f"{where} is shown only after question '{target}', which is not an earlier "
                "question in this definition"
            )
    seen[qid] = qtype if isinstance(qtype, str) else ""
    return qid


def schema_validate(schema: Any) -> None:
    """Raise SchemaError listing every problem in the schema; return quietly if it is sound."""
    problems: list[str] = []
    if not isinstance(schema, dict) or not isinstance(schema.get("sections"), list):
        raise SchemaError(['The definition needs a "sections" list'])
    if not schema["sections"]:
        problems.append("The definition needs at least one section")
    seen_questions: dict[str, str] = {}
    seen_sections: set[str] = set()
    for index, section in enumerate(schema["sections"], start=1):
        where = f"section {index}"
        if not isinstance(section, dict):
            problems.append(f"{where} must be an object")
            continue
        sid = section.get("id")
        if not isinstance(sid, str) or not _ID.match(sid):
            problems.append(f"{where} needs an id of lower-case letters, digits and underscores")
        elif sid in seen_sections:
            problems.append(f"section '{sid}' is used twice")
        else:
            seen_sections.add(sid)
            where = f"section '{sid}'"
        if not isinstance(section.get("title"), str) or not section["title"].strip():
            problems.append(f"{where} needs a title")
        questions = section.get("questions")
        if not isinstance(questions, list) or not questions:
            problems.append(f"{where} needs at least one question")
            continue
        for number, question in enumerate(questions, start=1):
            _check_question(question, f"question {number} of {where}", seen_questions, problems)
    if problems:
        raise SchemaError(problems)


def suggest_when_validate(rules: Any) -> None:
    """Raise SchemaError if the suggestion rules use keys the selectors do not understand."""
    if not isinstance(rules, dict):
        raise SchemaError(["suggest_when must be an object"])
    if "any" in rules:
        if set(rules) != {"any"} or not isinstance(rules["any"], list) or not rules["any"]:
            raise SchemaError(['suggest_when: "any" must be the only key, with a list of rules'])
        for alternative in rules["any"]:
            suggest_when_validate(alternative)
        return
    problems = [
        f"suggest_when has an unknown rule {key!r}: use one of {', '.join(sorted(SUGGEST_KEYS))}"
        for key in rules
        if key not in SUGGEST_KEYS
    ]
    for key in ("min_age_days", "max_age_days"):
        if key in rules and not isinstance(rules[key], int):
            problems.append(f"suggest_when: {key} must be a whole number of days")
    for key in ("expectedness", "place_of_death", "keywords"):
        if key in rules and (
            not isinstance(rules[key], list) or not all(isinstance(v, str) for v in rules[key])
        ):
            problems.append(f"suggest_when: {key} must be a list of words")
    if problems:
        raise SchemaError(problems)
