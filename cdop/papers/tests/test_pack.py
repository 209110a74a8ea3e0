"""The papers pack of a meeting of synthetic cases whose records are full of identifiers:
nothing in the PDF's text identifies a child, and the pack is frozen when published."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from cdop.accounts.models import User
from cdop.cases.models import Case
from cdop.core.errors import DomainError
from cdop.meetings.models import AgendaItem, Meeting, MeetingStatus
from cdop.papers.models import PapersPack
from cdop.papers.pdf import pdf_text
from cdop.papers.services import papers_publish
from cdop.papers.synthetic import SyntheticCase

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(meeting: Meeting, alice: User) -> PapersPack:
    return papers_publish(meeting=meeting, by=alice)


@pytest.fixture
def text(published: PapersPack) -> str:
    return pdf_text(bytes(published.pdf))


def _squashed(value: str) -> str:
    return re.sub(r"[\s.\-/]+", "", value).lower()


def test_no_name_of_the_child_or_family_is_in_the_pdf(
    text: str, synthetic_cases: list[SyntheticCase]
) -> None:
    lowered = text.lower()
    for synthetic in synthetic_cases:
        for name in synthetic.names:
            for part in re.split(r"[\s-]+", name.lower()):
                assert not re.search(rf"(?<![a-z]){re.escape(part)}(?![a-z])", lowered), part


def test_no_nhs_number_postcode_address_or_phone_is_in_the_pdf_with_any_spacing(
    text: str, synthetic_cases: list[SyntheticCase]
) -> None:
    squashed = _squashed(text)
    for synthetic in synthetic_cases:
        assert synthetic.nhs_number not in squashed
        assert _squashed(synthetic.postcode) not in squashed
        assert _squashed(synthetic.address) not in squashed
        for phone in synthetic.phones:
            assert _squashed(phone) not in squashed
        assert synthetic.case.reference.lower() not in squashed


def test_no_date_of_birth_is_in_the_pdf_in_any_common_format(
    text: str, synthetic_cases: list[SyntheticCase]
) -> None:
    squashed = _squashed(text)
    for synthetic in synthetic_cases:
        born = synthetic.born
        for written in (
            f"{born:%d/%m/%Y}",
            f"{born.day}/{born.month}/{born.year}",
            born.isoformat(),
            f"{born:%d.%m.%Y}",
            f"{born.day} {born:%B %Y}",
            f"{born:%d %B %Y}",
            f"{born:%B} {born.day}, {born.year}",
            f"{born.day} {born:%b %Y}",
        ):
            assert _squashed(written) not in squashed, written


def test_each_case_is_a_section_in_agenda_order_headed_by_its_label_with_its_triage(
    text: str, meeting: Meeting
) -> None:
    items = list(meeting.items.select_related("case").order_by("position"))
    positions = [text.index(f"{item.label}\nTriage: ") for item in items]
    assert positions == sorted(positions)
    assert "Triage: Short discussion" in text  # the first item, with its reason
    assert "Extreme prematurity with a clear cause; the child's notes agree." in text
    assert text.count("Triage: Full discussion") == len(items) - 1


def test_the_summary_generalises_rather_than_just_deleting(text: str) -> None:
    assert "Age at death:" in text
    assert "Parental responsibility: the mother, the father." in text
    assert re.search(r"Day \d+ after: Post-mortem performed", text)
    assert "the day of the death" in text
    assert "Month of death:" in text


def test_reporting_form_answers_are_there_with_the_agency_that_gave_them(text: str) -> None:
    assert "Who lived in the child's household?" in text
    assert "Synthetic Royal Infirmary" in text
    assert "Safer sleep advice to be repeated at every contact." in text
    assert "Your full name" not in text  # the person completing the form is left out


def test_publishing_records_who_and_when_and_freezes_the_content(
    published: PapersPack, meeting: Meeting, alice: User, synthetic_cases: list[SyntheticCase]
) -> None:
    assert published.version == 1
    assert published.published_by == alice
    assert published.item_count == 3
    assert published.pages >= 3
    assert bytes(published.pdf).startswith(b"%PDF")
    frozen = bytes(published.pdf)
    # A later change to a case does not change the published papers until republished.
    Case.objects.filter(pk=synthetic_cases[0].case.pk).update(child_sex="not_known")
    assert bytes(PapersPack.objects.get(pk=published.pk).pdf) == frozen


def test_republishing_makes_a_new_version_and_keeps_the_old(
    published: PapersPack, meeting: Meeting, ada: User
) -> None:
    again = papers_publish(meeting=meeting, by=ada)
    assert again.version == 2
    assert again.published_by == ada
    assert PapersPack.objects.filter(meeting=meeting).count() == 2


def test_publishing_is_recorded_against_each_case_and_in_the_audit_log(
    published: PapersPack, meeting: Meeting, alice: User
) -> None:
    case_type = ContentType.objects.get_for_model(Case)
    entries = LogEntry.objects.filter(content_type=case_type, additional_data__export="papers_pack")
    assert entries.count() == 3
    assert {e.actor_id for e in entries} == {alice.pk}
    assert LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PapersPack),
        object_id=published.pk,
        action=LogEntry.Action.CREATE,
    ).exists()


def test_a_meeting_with_no_agenda_cannot_be_published(meeting: Meeting, alice: User) -> None:
    AgendaItem.objects.filter(meeting=meeting).delete()
    with pytest.raises(DomainError, match="Add at least one case"):
        papers_publish(meeting=meeting, by=alice)
    assert not PapersPack.objects.exists()


def test_a_cancelled_meeting_cannot_be_published(meeting: Meeting, alice: User) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.CANCELLED)
    meeting.refresh_from_db()
    with pytest.raises(DomainError, match="cancelled"):
        papers_publish(meeting=meeting, by=alice)


def test_only_the_areas_managers_and_administrators_publish(meeting: Meeting, devi: User) -> None:
    with pytest.raises(DomainError):
        papers_publish(meeting=meeting, by=devi)
    assert not PapersPack.objects.exists()


def test_the_final_check_refuses_to_publish_if_an_identifier_survives(
    meeting: Meeting, alice: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the summaries ever let an identifier through, nothing is published."""
    from cdop.papers import services

    real = services.case_summary

    def leaky(**kwargs):  # type: ignore[no-untyped-def]
        summary = real(**kwargs)
        child = kwargs["item"].case
        summary.facts.append(("Leaked", f"{child.child_first_name} {child.child_last_name}"))
        return summary

    monkeypatch.setattr(services, "case_summary", leaky)
    with pytest.raises(DomainError, match="final check"):
        papers_publish(meeting=meeting, by=alice)
    assert not PapersPack.objects.exists()
