"""Demo papers: the demo panel's anonymised papers, published by the demo CDR manager, so
that the demo chair and member find them on the meeting's papers page. Run after the
meetings' demo (it publishes the papers of the panel that one makes).

Idempotent: a second run finds the papers published and does nothing."""

from __future__ import annotations

from typing import TextIO

from cdop.accounts.models import User
from cdop.core.errors import DomainError
from cdop.meetings.models import Meeting
from cdop.papers.models import PapersPack
from cdop.papers.services import papers_publish

DEMO_MEETING_TITLE = "CDOP panel (demo)"  # cdop.meetings.demo.DEMO_TITLE


def load_demo(*, stdout: TextIO) -> None:
    manager = User.objects.filter(email="manager@demo.invalid").first()
    meeting = Meeting.objects.filter(title=DEMO_MEETING_TITLE, area__slug="llr").first()
    if manager is None or meeting is None:
        stdout.write("Papers: the demo panel is not loaded yet; nothing published.\n")
        return
    if PapersPack.objects.filter(meeting=meeting).exists():
        return
    try:
        pack = papers_publish(meeting=meeting, by=manager)
    except DomainError as error:
        stdout.write(f"Papers: the demo panel's papers were not published: {error.message}\n")
        return
    cases = "1 case" if pack.item_count == 1 else f"{pack.item_count} cases"
    stdout.write(f"Papers: published the demo panel's papers ({cases}, {pack.pages} pages).\n")
