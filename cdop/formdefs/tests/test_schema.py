from __future__ import annotations

from typing import Any

import pytest

from cdop.formdefs.loading import definition_files
from cdop.formdefs.schema import SchemaError, schema_validate, suggest_when_validate


def _schema(*questions: dict[str, Any]) -> dict[str, Any]:
    return {"sections": [{"id": "child", "title": "The child", "questions": list(questions)}]}


def _problems(schema: Any) -> list[str]:
    with pytest.raises(SchemaError) as caught:
        schema_validate(schema)
    return caught.value.problems


def test_it_accepts_every_national_form_shipped() -> None:
    codes = [data["code"] for data in definition_files()]
    assert "reporting-form" in codes
    assert len(codes) == len(set(codes)) == 18


def test_it_refuses_an_unknown_question_type() -> None:
    [problem] = _problems(_schema({"id": "a", "label": "A", "type": "slider"}))
    assert "unknown type 'slider'" in problem


def test_it_refuses_a_question_id_used_twice() -> None:
    problems = _problems(
        _schema(
            {"id": "a", "label": "A", "type": "text"}, {"id": "a", "label": "B", "type": "text"}
        )
    )
    assert problems == ["question 'a' is used twice (question ids must be unique in a definition)"]


def test_it_refuses_a_condition_on_a_later_question() -> None:
    problems = _problems(
        _schema(
            {"id": "a", "label": "A", "type": "text", "show_if": {"question": "b", "in": ["yes"]}},
            {"id": "b", "label": "B", "type": "yesno"},
        )
    )
    assert problems == [
        "question 'a' is shown only after question 'b', which is not an earlier question in "
        "this definition"
    ]


def test_it_refuses_a_condition_on_an_unknown_question() -> None:
    problems = _problems(
        _schema(
            {"id": "a", "label": "A", "type": "text", "show_if": {"question": "zz", "in": ["x"]}}
        )
    )
    assert "not an earlier question" in problems[0]


def test_it_refuses_a_choice_question_without_choices() -> None:
    problems = _problems(_schema({"id": "a", "label": "A", "type": "choice"}))
    assert problems == ["question 'a' is a choice question and needs a list of choices"]


def test_it_refuses_not_known_as_a_choice_value() -> None:
    problems = _problems(
        _schema(
            {
                "id": "a",
                "label": "A",
                "type": "choice",
                "choices": [{"value": "not_known", "label": "NK"}],
            }
        )
    )
    assert 'set "not_known": true instead' in problems[0]


def test_it_lists_every_problem_at_once() -> None:
    problems = _problems(
        {"sections": [{"id": "x", "title": "", "questions": [{"id": "Bad Id", "type": "text"}]}]}
    )
    assert len(problems) == 2


def test_it_refuses_a_schema_without_sections() -> None:
    assert _problems({"questions": []}) == ['The definition needs a "sections" list']


def test_it_refuses_unknown_suggestion_rules() -> None:
    with pytest.raises(SchemaError, match="unknown rule 'age'"):
        suggest_when_validate({"age": 3})
    with pytest.raises(SchemaError, match="whole number of days"):
        suggest_when_validate({"any": [{"max_age_days": "young"}]})
