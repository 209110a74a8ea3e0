from __future__ import annotations

from typing import Any

from cdop.formdefs.engine import (
    SectionStatus,
    answers_display,
    answers_merge,
    answers_missing,
    section_form,
    section_status,
)
from cdop.formdefs.models import FormDefinition

SCHEMA: dict[str, Any] = {
    "sections": [
        {
            "id": "child",
            "title": "The child",
            "questions": [
                {
                    "id": "height_cm",
                    "label": "Height",
                    "type": "number",
                    "unit": "cm",
                    "required": True,
                    "not_known": True,
                },
                {
                    "id": "smoke",
                    "label": "Did anyone smoke?",
                    "type": "yesno",
                    "required": True,
                    "not_known": True,
                },
                {
                    "id": "who",
                    "label": "Who smoked?",
                    "type": "text",
                    "required": True,
                    "show_if": {"question": "smoke", "in": ["yes"]},
                },
                {
                    "id": "services",
                    "label": "Services",
                    "type": "multi",
                    "not_known": True,
                    "choices": [
                        {"value": "gp", "label": "GP"},
                        {"value": "police", "label": "Police"},
                    ],
                },
                {"id": "seen_on", "label": "Last seen", "type": "date"},
            ],
        },
        {
            "id": "later",
            "title": "Later",
            "questions": [
                {
                    "id": "smoke_detail",
                    "label": "More about smoking",
                    "type": "textarea",
                    "show_if": {"question": "smoke", "in": ["yes"]},
                },
            ],
        },
    ]
}


def _definition() -> FormDefinition:
    return FormDefinition(code="test", version=1, kind="core", title="Test", schema=SCHEMA)


def _save(
    answers: dict[str, Any], data: dict[str, Any], section_id: str = "child"
) -> dict[str, Any]:
    form = section_form(definition=_definition(), section_id=section_id, answers=answers, data=data)
    assert form.is_valid(), form.errors
    return answers_merge(
        definition=_definition(),
        section_id=section_id,
        answers=answers,
        section_answers=form.section_answers(),
    )


def test_not_known_is_stored_as_an_answer_distinct_from_a_blank() -> None:
    answers = _save({}, {"height_cm": "", "height_cm__not_known": "on", "smoke": ""})
    assert answers == {"height_cm": {"not_known": True}}
    missing = answers_missing(definition=_definition(), answers=answers)
    assert missing == [("child", "smoke", "Did anyone smoke?")]


def test_it_keeps_typed_values_in_their_types() -> None:
    answers = _save(
        {},
        {
            "height_cm": "92.5",
            "smoke": "no",
            "services": ["gp", "police"],
            "seen_on_day": "3",
            "seen_on_month": "9",
            "seen_on_year": "2026",
        },
    )
    assert answers == {
        "height_cm": {"value": 92.5},
        "smoke": {"value": "no"},
        "services": {"value": ["gp", "police"]},
        "seen_on": {"value": "2026-09-03"},
    }


def test_a_follow_up_is_kept_only_when_the_earlier_answer_calls_for_it() -> None:
    answers = _save({}, {"smoke": "no", "who": "Uncle"})
    assert "who" not in answers
    answers = _save({}, {"smoke": "yes", "who": "Uncle"})
    assert answers["who"] == {"value": "Uncle"}
    assert ("child", "who", "Who smoked?") not in answers_missing(
        definition=_definition(), answers=answers
    )


def test_changing_the_earlier_answer_drops_follow_ups_on_later_pages() -> None:
    answers = _save({}, {"smoke": "yes", "who": "Uncle"})
    answers = _save(answers, {"smoke_detail": "Indoors"}, section_id="later")
    assert answers["smoke_detail"] == {"value": "Indoors"}
    answers = _save(answers, {"smoke": "no"})
    assert "smoke_detail" not in answers
    assert "who" not in answers
    later = section_form(definition=_definition(), section_id="later", answers=answers)
    assert later.asked == []
    assert section_status(definition=_definition(), section_id="later", answers=answers) == (
        SectionStatus.NOT_NEEDED
    )


def test_it_refuses_an_answer_and_not_known_together() -> None:
    form = section_form(
        definition=_definition(),
        section_id="child",
        answers={},
        data={"height_cm": "90", "height_cm__not_known": "on", "services": ["gp", "not_known"]},
    )
    assert not form.is_valid()
    assert form.errors["height_cm"] == ["Either answer this question or tick ‘Not known’, not both"]
    assert form.errors["services"] == ["Select ‘Not known’ or the answers that apply, not both"]


def test_it_refuses_a_number_that_is_not_a_number() -> None:
    form = section_form(
        definition=_definition(), section_id="child", answers={}, data={"height_cm": "tall"}
    )
    assert not form.is_valid()
    assert form.errors["height_cm"] == ["‘Height’ must be a number, for example 12 or 3.5"]


def test_the_page_shows_what_was_saved() -> None:
    answers = {"height_cm": {"not_known": True}, "smoke": {"not_known": True}}
    form = section_form(definition=_definition(), section_id="child", answers=answers)
    assert form.initial["height_cm__not_known"] is True
    assert form.initial["smoke"] == "not_known"


def test_sections_move_from_not_started_to_completed() -> None:
    definition = _definition()
    assert section_status(definition=definition, section_id="child", answers={}) == "not_started"
    answers = _save({}, {"height_cm": "90"})
    assert section_status(definition=definition, section_id="child", answers=answers) == (
        "in_progress"
    )
    answers = _save(answers, {"height_cm": "90", "smoke": "not_known"})
    assert section_status(definition=definition, section_id="child", answers=answers) == (
        "completed"
    )


def test_answers_display_says_not_known_and_not_answered() -> None:
    answers = {
        "height_cm": {"value": 90},
        "smoke": {"not_known": True},
        "services": {"value": ["gp"]},
    }
    [child, later] = answers_display(definition=_definition(), answers=answers)
    shown = {row.question_id: row.display for row in child.rows}
    assert shown == {
        "height_cm": "90 cm",
        "smoke": "Not known",
        "services": "GP",
        "seen_on": "Not answered",
    }
    assert later.rows == []
