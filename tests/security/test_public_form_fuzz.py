"""Fuzzing every public form: nasty input never gets a server error, bad input gets a page
that says what is wrong, and nothing already saved is lost.

The forms without an account: the notification form's question pages and its check page,
the one-time code page of a secure link, an agency's Reporting Form pages (through a link),
and the family's own-words pages (through a link). Hypothesis draws the posted data: any
subset of the page's own fields (so fields go missing), extra fields, a field sent twice,
and values from unicode text, very long text, NUL bytes, HTML and script, SQL-ish text,
numbers far out of range and dates that do not exist.

The runs are derandomised (the same cases every run) and bounded: `FUZZ_EXAMPLES` examples
per page and section (default 200: about 3,400 posts, under a minute of CPU).
Set FUZZ_EXAMPLES=1000 for a longer hunt.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django import forms
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cdop.agencyforms.models import RequestedForm
from cdop.agencyforms.respond_forms import AttachmentForm
from cdop.agencyforms.tests.respond_helpers import (
    issue_link,
    open_link,
    request_with_forms,
    section_data,
)
from cdop.core.tests.factories import CaseFactory
from cdop.familyvoice.models import FamilyVoiceEntry
from cdop.formdefs.engine import section_form
from cdop.notifications.forms import PAGES
from cdop.notifications.models import NotificationDraft
from cdop.notifications.tests.test_notify_form import page_answers
from cdop.securelinks.models import SecureLink
from cdop.securelinks.tests.factories import family_link_make

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SERVER_ERRORS = range(500, 600)

# --- the nasty values ---------------------------------------------------------------------

NASTY = [
    "",
    " ",
    "\x00",
    "abc\x00def",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "' OR '1'='1' --",
    "1; DROP TABLE notifications_notification; --",
    "%00",
    "%s%s%s%n",
    "{{ settings.SECRET_KEY }}",
    "{% debug %}",
    "../../../../etc/passwd",
    "0",
    "-1",
    "00",
    "1e309",
    "NaN",
    "Infinity",
    "99999999999999999999999999",
    "-99999999999999999999999999",
    "3.14",
    "²",
    "٣",
    "Ⅻ",
    "2026-02-30",
    "31/02/2026",
    "30",
    "13",
    "0000",
    "9999",
    "10000",
    "\u202eevil",
    "\ufeff",
    "😀" * 50,
    "A" * 5000,
    "x" * 100_001,
    "line\r\nbreak",
    "9990000018",
    "999 000 0018",
    "LE1 5WW",
    "yes",
    "no",
    "not_known",
]

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
value = st.one_of(
    st.sampled_from(NASTY),
    text,
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)


def posted_names(form: forms.BaseForm) -> list[str]:
    """The names a browser posts for the form's fields (a date's three boxes each)."""
    names: list[str] = []
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.MultiWidget):
            names += [f"{name}{suffix}" for suffix in widget.widgets_names]  # type: ignore[attr-defined]
        else:
            names.append(name)
    return names


def payloads(names: list[str], extra: dict[str, Any] | None = None) -> st.SearchStrategy[Any]:
    """Any subset of the fields, each one value or two (a field sent twice), plus junk."""
    field = st.one_of(value, st.lists(value, min_size=2, max_size=3))
    own = st.dictionaries(st.sampled_from(names), field, max_size=len(names))
    junk = st.dictionaries(st.sampled_from(["junk", "id", "pk", "area"]), value, max_size=2)
    # A browser always sends the form's CSRF token (the test client does not check it).
    base = {"csrfmiddlewaretoken": "x" * 64, **(extra or {})}
    return st.tuples(own, junk).map(lambda pair: {**base, **pair[1], **pair[0]})


def assert_handled(response: Any, allowed: set[int]) -> None:
    assert response.status_code not in SERVER_ERRORS
    assert response.status_code in allowed, response.status_code
    if response.status_code in (200, 400) and response.get("Content-Type", "").startswith(
        "text/html"
    ):
        assert "govuk-error-summary" in response.content.decode(), (
            "a refusal must say what is wrong"
        )


@pytest.fixture(autouse=True)
def generous_limits(settings: Any) -> None:
    """The per-address rate limits would otherwise turn most posts into 429s."""
    settings.NOTIFY_RATE_LIMIT = "1000000/10m"
    settings.SECURE_LINK_CODE_RATE_LIMIT = "1000000/10m"
    settings.SECURE_LINK_RATE_LIMIT = "1000000/10m"


# --- the notification form ----------------------------------------------------------------


def _started(llr: Any) -> tuple[Client, NotificationDraft]:
    """A browser that answered the first page properly."""
    client = Client()
    child = PAGES[0]
    response = client.post(f"/{llr.slug}/notify/{child.slug}/", page_answers()["child"])
    assert response.status_code == 302, response.status_code
    draft = NotificationDraft.objects.get()
    return client, draft


@pytest.mark.parametrize("page", PAGES[1:], ids=lambda p: p.slug)
def test_the_notification_pages_survive_anything(llr: Any, page: Any) -> None:
    client, draft = _started(llr)
    saved_child = dict(draft.data["child"])
    names = page.form_class.data_keys()

    @FUZZ
    @given(data=payloads(names))
    def post(data: dict[str, Any]) -> None:
        response = client.post(f"/{llr.slug}/notify/{page.slug}/", data)
        assert_handled(response, {200, 302, 400})

    post()
    draft.refresh_from_db()
    assert draft.data["child"] == saved_child  # the first page's answers are still there
    check = client.get(f"/{llr.slug}/notify/check/")
    assert check.status_code in {200, 302}


def test_the_first_notification_page_survives_anything(llr: Any) -> None:
    page = PAGES[0]
    names = page.form_class.data_keys()

    @FUZZ
    @given(data=payloads(names))
    def post(data: dict[str, Any]) -> None:
        response = Client().post(f"/{llr.slug}/notify/{page.slug}/", data)
        assert_handled(response, {200, 302, 400})

    post()


def test_the_check_page_survives_anything(llr: Any) -> None:
    client, _ = _started(llr)

    @FUZZ
    @given(data=payloads(["submission_token", "return", "confirm"]))
    def post(data: dict[str, Any]) -> None:
        response = client.post(f"/{llr.slug}/notify/check/", data)
        # Not complete yet: back to the first page missing an answer.
        assert_handled(response, {302, 400})

    post()
    assert NotificationDraft.objects.count() == 1


def test_an_unknown_area_or_page_is_not_found_whatever_is_posted(llr: Any) -> None:
    @FUZZ
    @given(
        area=st.sampled_from(["nowhere", "llr"]),
        slug=st.sampled_from(["x", "child2"]),
        data=payloads(["a"]),
    )
    def post(area: str, slug: str, data: dict[str, Any]) -> None:
        response = Client().post(f"/{area}/notify/{slug}/", data)
        assert_handled(response, {404})

    post()


# --- the one-time code page ---------------------------------------------------------------


def test_the_code_page_survives_anything(llr: Any, alice: Any, empty_cache: None) -> None:
    token, _ = family_link_make(case=CaseFactory(area=llr), by=alice, otp_required=True)
    client = Client()
    assert client.get(f"/link/{token}/").status_code == 302
    link = SecureLink.objects.get()

    @FUZZ
    @given(data=payloads(["code"]))
    def post(data: dict[str, Any]) -> None:
        SecureLink.objects.filter(pk=link.pk).update(otp_attempts=0)  # or it locks at five
        response = client.post("/link/code/", data)
        assert_handled(response, {200, 400})

    post()
    link.refresh_from_db()
    assert link.otp_hash  # the live code is still there


# --- an agency's Reporting Form -----------------------------------------------------------


@pytest.fixture
def agency(llr: Any, alice: Any, empty_cache: None) -> tuple[Client, RequestedForm]:
    form_request = request_with_forms(case=CaseFactory(area=llr), by=alice)
    client = open_link(issue_link(form_request))
    return client, form_request.forms.select_related("definition").get()


def test_the_reporting_form_pages_survive_anything(agency: Any) -> None:
    client, requested = agency
    definition = requested.definition
    sections = [s["id"] for s in definition.schema["sections"]]
    first = sections[0]
    saved = client.post(
        f"/reporting-form/forms/{requested.pk}/{first}/", section_data(definition, first)
    )
    assert saved.status_code == 302
    requested.refresh_from_db()
    first_answers = (
        requested.answers[first] if first in requested.answers else dict(requested.answers)
    )

    for section_id in sections[1:4]:
        _fuzz_section(client, requested, section_id)

    requested.refresh_from_db()
    now = requested.answers[first] if first in requested.answers else dict(requested.answers)
    if first in requested.answers:
        assert now == first_answers  # the first page's answers survive the others' fuzzing


def _fuzz_section(client: Client, requested: RequestedForm, section_id: str) -> None:
    definition = requested.definition
    names = posted_names(section_form(definition=definition, section_id=section_id, answers={}))

    @FUZZ
    @given(data=payloads(names), action=st.sampled_from(["continue", "save", "x", ""]))
    def post(data: dict[str, Any], action: str) -> None:
        data.setdefault("action", action)
        response = client.post(f"/reporting-form/forms/{requested.pk}/{section_id}/", data)
        assert_handled(response, {200, 302, 400})

    post()


def test_the_reporting_form_files_and_check_pages_survive_anything(agency: Any) -> None:
    """The attachments page (without a file) and sending an unfinished return: refused with
    the reason, whatever else is posted; the request stays open."""
    client, requested = agency
    names = posted_names(AttachmentForm())

    @FUZZ
    @given(page=st.sampled_from(["files", "check"]), data=payloads([*names, "action"]))
    def post(page: str, data: dict[str, Any]) -> None:
        response = client.post(f"/reporting-form/{page}/", data)
        assert_handled(response, {302, 400})

    post()
    requested.request.refresh_from_db()
    assert requested.request.submitted_at is None


def test_an_unknown_form_or_section_is_refused_whatever_is_posted(agency: Any) -> None:
    client, requested = agency

    @FUZZ
    @given(
        form_id=st.integers(min_value=0, max_value=2**62),
        section=st.sampled_from(["x", "about-you"]),
        data=payloads(["a"]),
    )
    def post(form_id: int, section: str, data: dict[str, Any]) -> None:
        if form_id == requested.pk:
            form_id += 1
        response = client.post(f"/reporting-form/forms/{form_id}/{section}/", data)
        assert_handled(response, {404})

    post()


# --- the family's own words ---------------------------------------------------------------


@pytest.fixture
def family(llr: Any, alice: Any, empty_cache: None) -> tuple[Client, FamilyVoiceEntry]:
    token, request = family_link_make(case=CaseFactory(area=llr), by=alice)
    client = Client()
    assert client.get(f"/link/{token}/").status_code == 302
    entry = FamilyVoiceEntry.objects.create(
        request=request,
        kind="question",
        text="Why was the ambulance late?",
        written_at=timezone.now(),
    )
    return client, entry


@pytest.mark.parametrize("page", ["add-a-question", "add-what-you-want-us-to-know"])
def test_the_family_pages_survive_anything(family: Any, page: str) -> None:
    client, entry = family

    @FUZZ
    @given(data=payloads(["text"]))
    def post(data: dict[str, Any]) -> None:
        response = client.post(f"/your-words/{page}/", data)
        assert_handled(response, {302, 400})

    post()
    entry.refresh_from_db()
    assert entry.text == "Why was the ambulance late?"  # what they wrote before is kept


def test_changing_an_entry_survives_anything_and_keeps_the_words_on_a_refusal(family: Any) -> None:
    client, entry = family

    @FUZZ
    @given(data=payloads(["text"]))
    def post(data: dict[str, Any]) -> None:
        before = FamilyVoiceEntry.objects.get(pk=entry.pk).text
        response = client.post(f"/your-words/{entry.pk}/change/", data)
        assert_handled(response, {302, 400})
        if response.status_code == 400:
            assert FamilyVoiceEntry.objects.get(pk=entry.pk).text == before

    post()
    cache.clear()
    assert client.get("/your-words/what-you-have-written/").status_code == 200
