from __future__ import annotations

from auditlog.models import LogEntry

from cdop.audit.templatetags.audit import audit_action


def entry(action: int, extra: object) -> LogEntry:
    return LogEntry(action=action, additional_data=extra)


def test_a_read_marked_as_an_export_says_exported_and_what():
    assert audit_action(entry(LogEntry.Action.ACCESS, {"export": "chronology_pdf"})) == (
        "Exported (chronology pdf)"
    )


def test_a_read_marked_as_a_search_says_searched():
    assert audit_action(entry(LogEntry.Action.ACCESS, {"search": "smith"})) == "Searched"


def test_plain_actions_keep_their_words():
    assert audit_action(entry(LogEntry.Action.ACCESS, None)) == "Viewed"
    assert audit_action(entry(LogEntry.Action.UPDATE, {"area_id": 1})) == "Changed"
