"""The papers page, publishing, the watermarked download, when papers open, and who gets a
404."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.meetings.models import Meeting, Sector
from cdop.papers.models import PapersDownload, PapersPack, PapersSetting
from cdop.papers.pdf import pdf_text
from cdop.papers.services import papers_publish
from cdop.papers.synthetic import synthetic_case, synthetic_meeting

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MEETING_AT = dt.datetime(2026, 12, 20, 10, 0, tzinfo=LONDON)
BEFORE = dt.datetime(2026, 12, 12, 23, 59, tzinfo=LONDON)  # the day before they open
OPEN = dt.datetime(2026, 12, 13, 0, 1, tzinfo=LONDON)  # seven days before, from midnight

ClientFor = Callable[[User], Client]


@pytest.fixture
def small_meeting(llr: Area, alice: User, chris: User, pat: User) -> Meeting:
    """A panel on 20 December 2026 of one synthetic case; chris chairs, pat is invited."""
    with time_machine.travel(BEFORE - dt.timedelta(days=20), tick=False):
        case = synthetic_case(area=llr, by=alice, n=7).case
        return synthetic_meeting(
            area=llr,
            by=alice,
            cases=[case],
            starts_at=MEETING_AT,
            invitees=[(chris, Sector.CHAIR), (pat, Sector.HEALTH)],
        )


@pytest.fixture
def published(small_meeting: Meeting, alice: User) -> PapersPack:
    with time_machine.travel(BEFORE - dt.timedelta(days=10), tick=False):
        return papers_publish(meeting=small_meeting, by=alice)


def page(meeting: Meeting, name: str = "meeting") -> str:
    return reverse(f"papers:{name}", kwargs={"meeting_id": meeting.pk})


# --- Publishing ------------------------------------------------------------------------------


def test_a_manager_publishes_from_the_papers_page(
    small_meeting: Meeting, alice: User, client_for: ClientFor
) -> None:
    client = client_for(alice)
    response = client.get(page(small_meeting))
    assert response.status_code == 200
    assert "The papers have not been published yet." in response.content.decode()
    response = client.post(page(small_meeting, "publish"))
    assert response.status_code == 302
    pack = PapersPack.objects.get(meeting=small_meeting)
    assert (pack.version, pack.published_by, pack.item_count) == (1, alice, 1)
    shown = client.get(page(small_meeting)).content.decode()
    assert "Published (version 1)" in shown
    assert "Republish the papers" in shown
    assert reverse("papers:setting", args=["llr"]) not in shown  # administrators only


def test_the_page_says_when_the_agenda_changed_since_publishing(
    published: PapersPack, small_meeting: Meeting, alice: User, llr: Area, client_for: ClientFor
) -> None:
    client = client_for(alice)
    assert "The agenda has changed" not in client.get(page(small_meeting)).content.decode()
    other = synthetic_case(area=llr, by=alice, n=8).case
    small_meeting.items.create(case=other, position=2)
    assert "The agenda has changed" in client.get(page(small_meeting)).content.decode()


def test_publishing_a_meeting_with_no_agenda_is_refused_with_a_message(
    small_meeting: Meeting, alice: User, client_for: ClientFor
) -> None:
    small_meeting.items.all().delete()
    response = client_for(alice).post(page(small_meeting, "publish"))
    assert response.status_code == 400
    assert "Add at least one case to the agenda" in response.content.decode()
    assert not PapersPack.objects.exists()


# --- Downloading -----------------------------------------------------------------------------


def test_an_invitee_downloads_a_copy_watermarked_with_their_name_as_an_attachment(
    published: PapersPack, small_meeting: Meeting, pat: User, client_for: ClientFor
) -> None:
    with time_machine.travel(OPEN, tick=False):
        response = client_for(pat).get(page(small_meeting, "download"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert "no-store" in response["Cache-Control"]
    text = pdf_text(response.content)
    assert "Pat Member" in text
    assert "13 December 2026" in text
    # Every page is stamped, and the papers themselves are the frozen ones.
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == published.pages
    assert all("Pat Member" in p.extract_text() for p in reader.pages)


def test_each_download_is_recorded_with_who_which_meeting_and_when(
    published: PapersPack, small_meeting: Meeting, pat: User, chris: User, client_for: ClientFor
) -> None:
    with time_machine.travel(OPEN, tick=False):
        client_for(pat).get(page(small_meeting, "download"))
        client_for(pat).get(page(small_meeting, "download"))
        client_for(chris).get(page(small_meeting, "download"))
    rows = list(PapersDownload.objects.order_by("pk"))
    assert [(r.user, r.meeting, r.pack) for r in rows] == [
        (pat, small_meeting, published),
        (pat, small_meeting, published),
        (chris, small_meeting, published),
    ]
    assert all(r.at == OPEN for r in rows)
    audited = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PapersPack),
        object_id=published.pk,
        action=LogEntry.Action.ACCESS,
    )
    assert sorted(e.actor_id for e in audited) == sorted([pat.pk, pat.pk, chris.pk])
    assert all(e.additional_data["meeting"] == small_meeting.pk for e in audited)


def test_the_manager_sees_who_downloaded(
    published: PapersPack, small_meeting: Meeting, pat: User, alice: User, client_for: ClientFor
) -> None:
    with time_machine.travel(OPEN, tick=False):
        client_for(pat).get(page(small_meeting, "download"))
        shown = client_for(alice).get(page(small_meeting)).content.decode()
    assert "Downloads" in shown
    assert "Pat Member" in shown


# --- When papers open ------------------------------------------------------------------------


def test_before_the_papers_open_the_invitees_page_says_when(
    published: PapersPack, small_meeting: Meeting, pat: User, client_for: ClientFor
) -> None:
    with time_machine.travel(BEFORE, tick=False):
        client = client_for(pat)
        shown = client.get(page(small_meeting)).content.decode()
        assert "The papers will be available from 13 December 2026." in shown
        assert reverse("papers:download", args=[small_meeting.pk]) not in shown
        response = client.get(page(small_meeting, "download"))
    assert response.status_code == 404
    assert "The papers will be available from 13 December 2026." in response.content.decode()
    assert not PapersDownload.objects.exists()


def test_from_the_opening_day_the_invitee_may_download(
    published: PapersPack, small_meeting: Meeting, pat: User, client_for: ClientFor
) -> None:
    with time_machine.travel(OPEN, tick=False):
        shown = client_for(pat).get(page(small_meeting)).content.decode()
    assert "Download the papers (PDF)" in shown


def test_managers_read_the_papers_any_time_after_publishing(
    published: PapersPack, small_meeting: Meeting, alice: User, devi: User, client_for: ClientFor
) -> None:
    with time_machine.travel(BEFORE - dt.timedelta(days=5), tick=False):
        assert client_for(alice).get(page(small_meeting, "download")).status_code == 200
        assert client_for(devi).get(page(small_meeting, "download")).status_code == 200


def test_the_areas_setting_moves_the_opening_day(
    published: PapersPack, small_meeting: Meeting, llr: Area, pat: User, client_for: ClientFor
) -> None:
    PapersSetting.objects.create(area=llr, days_before=14)
    with time_machine.travel(dt.datetime(2026, 12, 6, 9, 0, tzinfo=LONDON), tick=False):
        assert client_for(pat).get(page(small_meeting, "download")).status_code == 200


def test_an_administrator_changes_the_setting_and_bad_input_gets_a_message(
    llr: Area, ada: User, alice: User, small_meeting: Meeting, client_for: ClientFor
) -> None:
    url = reverse("papers:setting", kwargs={"slug": llr.slug})
    client = client_for(ada)
    meeting_page = client.get(page(small_meeting)).content.decode()
    assert url in meeting_page  # the papers page links to it
    assert client.get(url).status_code == 200
    response = client.post(url, {"days_before": "ten"})
    assert response.status_code == 400
    assert "The number of days must be a whole number, like 7" in response.content.decode()
    response = client.post(url, {"days_before": "99"})
    assert "The number of days must be 60 or less" in response.content.decode()
    assert not PapersSetting.objects.exists()
    assert client.post(url, {"days_before": "10"}).status_code == 302
    setting = PapersSetting.objects.get(area=llr)
    assert (setting.days_before, setting.updated_by) == (10, ada)
    assert client_for(alice).get(url).status_code == 404  # administrators only


# --- Who may see what ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "page_status", "download_status", "publish_status"),
    [
        ("alice", 200, 200, 302),  # CDR manager of the area
        ("ada", 200, 200, 302),  # administrator of the area
        ("devi", 200, 200, 404),  # designated doctor: reads, does not publish
        ("chris", 200, 200, 404),  # invited chair
        ("pat", 200, 200, 404),  # invited member
        ("kim", 404, 404, 404),  # key worker, not invited
        ("olu", 404, 404, 404),  # another area's manager
        ("charlie", 404, 404, 404),  # no role
    ],
)
def test_who_may_see_the_papers(
    request: pytest.FixtureRequest,
    published: PapersPack,
    small_meeting: Meeting,
    client_for: ClientFor,
    persona: str,
    page_status: int,
    download_status: int,
    publish_status: int,
) -> None:
    from conftest import give_totp

    user = request.getfixturevalue(persona)
    if persona == "charlie":  # past the second-factor set-up, to reach the page itself
        give_totp(user)
    with time_machine.travel(OPEN, tick=False):
        client = client_for(user)  # signed in on the day (sessions expire)
        assert client.get(page(small_meeting)).status_code == page_status
        assert client.get(page(small_meeting, "download")).status_code == download_status
        if publish_status == 404:  # publishing for real is slow: only the refusals here
            assert client.post(page(small_meeting, "publish")).status_code == 404
    assert PapersPack.objects.count() == 1


def test_a_panel_member_not_invited_gets_404(
    published: PapersPack, small_meeting: Meeting, llr: Area, client_for: ClientFor
) -> None:
    from conftest import give_totp, make_persona

    outsider = make_persona("pam@llr.invalid", "Pam Panel", llr, "panel_member")
    give_totp(outsider)
    with time_machine.travel(OPEN, tick=False):
        assert client_for(outsider).get(page(small_meeting)).status_code == 404  # fmt: skip
        assert client_for(outsider).get(page(small_meeting, "download")).status_code == 404


def test_an_unknown_meeting_is_404_and_anonymous_visitors_are_sent_to_sign_in(
    small_meeting: Meeting, alice: User, client_for: ClientFor
) -> None:
    assert client_for(alice).get(reverse("papers:meeting", args=[999999])).status_code == 404
    response = Client().get(page(small_meeting, "download"))
    assert response.status_code == 302
    assert "login" in response["Location"] or "sign" in response["Location"]


def test_publish_only_takes_a_post(
    small_meeting: Meeting, alice: User, client_for: ClientFor
) -> None:
    assert client_for(alice).get(page(small_meeting, "publish")).status_code == 405


def test_the_papers_page_reads_a_fixed_number_of_queries_however_many_downloads(
    published: PapersPack, small_meeting: Meeting, pat: User, alice: User, client_for: ClientFor
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries() -> int:
        client = client_for(alice)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page(small_meeting)).status_code == 200
        return len(captured)

    with time_machine.travel(OPEN, tick=False):
        client_for(pat).get(page(small_meeting, "download"))
        queries()  # fills the process's caches (the navigation's areas)
        one = queries()
        for _ in range(4):
            client_for(pat).get(page(small_meeting, "download"))
        assert queries() == one


def test_a_download_is_only_a_get_so_that_each_one_is_a_real_read(
    published: PapersPack, small_meeting: Meeting, alice: User, client_for: ClientFor
) -> None:
    assert client_for(alice).head(page(small_meeting, "download")).status_code == 405
    assert not PapersDownload.objects.exists()
