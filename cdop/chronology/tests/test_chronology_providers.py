from __future__ import annotations

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from cdop.chronology.registry import chronology_for_case
from cdop.chronology.tests.conftest import at
from cdop.documents.services import document_upload, document_withdraw
from cdop.transfers.services import notification_transfer_outside, notification_undo_add_to_case


def by_title(entries):
    return {e.title: e for e in entries}


def test_a_transfer_outside_and_its_pack_download_are_on_the_chronology(alice, story, mailoutbox):
    first = story.notifications.order_by("received_at").first()
    with time_machine.travel(at(12), tick=False):
        notification_transfer_outside(
            notification=first,
            panel_name="Synthetic Panel",
            panel_email="panel@synthetic.invalid",
            by=alice,
            reason="The family moved before the death",
        )

    entries = by_title(chronology_for_case(user=alice, case=story, kinds=["transfer", "status"]))

    transfer = entries[
        f"Notification {first.reference} transferred to Synthetic Panel (panel@synthetic.invalid)"
    ]
    assert (transfer.at, transfer.by, transfer.detail) == (
        at(12),
        "Alice Manager",
        "The family moved before the death",
    )
    assert "Status changed: Information gathering → Transferred to another area" in entries


def test_a_notification_taken_out_of_the_case_stays_on_its_chronology(ada, alice, story):
    second = story.notifications.order_by("received_at").last()
    with time_machine.travel(at(13), tick=False):
        notification_undo_add_to_case(notification=second, by=ada, reason="Another child")

    entries = by_title(chronology_for_case(user=alice, case=story, kinds=["transfer"]))

    taken_out = entries[f"Notification {second.reference} taken out of this case"]
    assert (taken_out.at, taken_out.by, taken_out.detail) == (
        at(13),
        "Ada Administrator",
        "Another child",
    )
    assert f"Notification {second.reference} added to this case" in entries


def test_documents_added_and_withdrawn_are_on_the_chronology(alice, story, settings, tmp_path):
    settings.DOCUMENTS_ROOT = tmp_path
    with time_machine.travel(at(14), tick=False):
        document = document_upload(
            case=story,
            by=alice,
            file=SimpleUploadedFile("pm.pdf", b"%PDF-1.4\n%%EOF\n"),
            filename="pm.pdf",
            category="post_mortem_report",
            title="Final post-mortem report",
        )
    with time_machine.travel(at(15), tick=False):
        document_withdraw(document=document, by=alice, reason="Wrong child")

    entries = by_title(chronology_for_case(user=alice, case=story, kinds=["document"]))

    added = entries["Post-mortem report added: Final post-mortem report"]
    assert (added.at, added.by, added.url) == (at(14), "Alice Manager", "")
    assert ("File", "pm.pdf") in added.extra
    assert entries["Document withdrawn: Final post-mortem report"].detail == "Wrong child"


def test_each_provider_runs_the_same_number_of_queries_however_much_the_case_holds(
    alice, llr, story, django_assert_num_queries
):
    from cdop.chronology import providers
    from cdop.core.tests.factories import CaseFactory

    empty = CaseFactory(area=llr)
    cases = [
        # (provider, queries for the story's case, queries for a case with nothing yet)
        (providers.notification_entries, 2, 1),  # notifications; the audit log's decisions
        (providers.status_entries, 1, 1),
        (providers.transfer_entries, 2, 2),  # additions; transfers
    ]
    for provider, busy, quiet in cases:
        with django_assert_num_queries(busy):
            list(provider(alice, story))
        with django_assert_num_queries(quiet):
            list(provider(alice, empty))


def test_a_reading_skips_the_queries_that_find_nothing_and_loses_no_entry(alice, llr, story):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cdop.chronology.registry import _PROVIDERS
    from cdop.core.tests.factories import CaseFactory

    quiet = CaseFactory(area=llr)
    chronology_for_case(user=alice, case=story)  # the providers' queries, seen once
    every_query = sorted(
        (e for provider in _PROVIDERS.values() for e in provider(alice, story)),
        key=lambda e: e.at,
    )

    with CaptureQueriesContext(connection) as for_story:
        entries = chronology_for_case(user=alice, case=story)
    with CaptureQueriesContext(connection) as for_quiet:
        chronology_for_case(user=alice, case=quiet)

    assert entries == every_query
    assert len({e.kind for e in entries}) >= 3  # notifications, status changes, tasks
    # One statement first asks which queries find rows: a case with nothing yet asks
    # fewer than one with a story, and neither asks each provider's every query.
    assert "EXISTS" in for_story.captured_queries[0]["sql"]
    assert len(for_quiet) < len(for_story)
