"""Administrators edit their area's public pages; the text is sanitised and every change audited."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.test import Client

from cdop.accounts.models import Role
from cdop.areas.models import AreaPage, PageKind
from cdop.core.tests.helpers import staff_member

pytestmark = pytest.mark.django_db

EDIT_URL = "/staff/pages/llr/about/"


def test_an_administrator_sees_every_page_of_her_area_to_change(llr, client_for, ada):
    response = client_for(ada).get("/staff/pages/")

    assert response.status_code == 200
    for kind in PageKind.values:
        assert f'href="/staff/pages/llr/{kind}/"' in response.text


def test_the_edit_form_opens_with_the_current_text(llr, client_for, ada):
    page = AreaPage.objects.get(area=llr, kind="about")

    response = client_for(ada).get(EDIT_URL)

    assert response.status_code == 200
    assert f'value="{page.title}"' in response.text


def test_an_administrator_publishes_new_text_that_the_public_then_reads(llr, client_for, ada):
    response = client_for(ada).post(
        EDIT_URL,
        {
            "title": "About our panel",
            "body": "We review every child death.\n\n## Who we are\n\n- Partners",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/staff/pages/"
    public = Client().get("/llr/about/")
    assert "About our panel" in public.text
    assert '<p class="govuk-body">We review every child death.</p>' in public.text
    assert '<h2 class="govuk-heading-m">Who we are</h2>' in public.text
    page = AreaPage.objects.get(area=llr, kind="about")
    assert page.updated_by == ada


def test_publishing_is_recorded_in_the_audit_log_with_the_administrator_as_actor(
    llr, client_for, ada
):
    page = AreaPage.objects.get(area=llr, kind="about")

    client_for(ada).post(EDIT_URL, {"title": "About", "body": "New words for the panel page."})

    entry = LogEntry.objects.get_for_object(page).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == ada
    assert entry.remote_addr == "127.0.0.1"
    assert entry.changes_dict["body"][1] == "New words for the panel page."
    assert entry.additional_data == {"area_id": llr.pk}


def test_publishing_a_page_not_written_before_creates_it(llr, client_for, ada):
    AreaPage.objects.filter(area=llr, kind="cookies").delete()

    client_for(ada).post(
        "/staff/pages/llr/cookies/", {"title": "Cookies", "body": "Only essential ones."}
    )

    page = AreaPage.objects.get(area=llr, kind="cookies")
    assert page.body == "Only essential ones."
    assert LogEntry.objects.get_for_object(page).get().action == LogEntry.Action.CREATE


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("Hello <script>alert('x')</script> world", "<script"),
        ("Hello <script>alert('x')</script> world", "alert("),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<img src="x" onerror="alert(1)">', "<img"),
        ("[click me](javascript:alert(1))", "javascript:"),
        ('<a href="javascript:alert(1)">click</a>', "javascript:"),
        ('<p style="color:red" onclick="alert(1)">x</p>', "onclick"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ],
)
def test_script_in_page_text_never_reaches_the_public_page(
    llr, client_for, ada, markdown, forbidden
):
    client_for(ada).post(EDIT_URL, {"title": "About", "body": f"Safe start.\n\n{markdown}"})

    public = Client().get("/llr/about/")
    main = public.text.split('id="main-content"', 1)[1].split("</main>", 1)[0]

    assert "Safe start." in main
    assert forbidden not in main


def test_the_preview_on_the_edit_page_is_sanitised_too(llr, client_for, ada):
    AreaPage.objects.filter(area=llr, kind="about").update(body="<script>alert(1)</script>Hi")

    response = client_for(ada).get(EDIT_URL)
    preview = response.text.split("How the page looks now", 1)[1]

    assert "<script>alert" not in preview


def test_safe_links_keep_working_and_open_no_window_references(llr, client_for, ada):
    client_for(ada).post(EDIT_URL, {"title": "About", "body": "[NHS](https://www.nhs.uk)"})

    public = Client().get("/llr/about/")

    assert 'href="https://www.nhs.uk"' in public.text
    assert 'rel="noopener noreferrer"' in public.text


def test_an_empty_page_text_is_refused_with_a_message_and_nothing_saved(llr, client_for, ada):
    before = AreaPage.objects.get(area=llr, kind="about").body

    response = client_for(ada).post(EDIT_URL, {"title": "About", "body": ""})

    assert response.status_code in (200, 400)
    assert "Enter the page text" in response.text
    assert "govuk-error-summary" in response.text
    assert AreaPage.objects.get(area=llr, kind="about").body == before
    assert not LogEntry.objects.filter(action=LogEntry.Action.UPDATE).exists()


@pytest.mark.parametrize("persona", ["alice", "devi", "kim", "chris", "pat", "olu"])
def test_only_an_administrator_of_the_area_may_edit_its_pages(llr, client_for, persona, request):
    user = request.getfixturevalue(persona)
    before = AreaPage.objects.get(area=llr, kind="about").body
    client = client_for(user)

    assert client.get(EDIT_URL).status_code == 404
    assert client.post(EDIT_URL, {"title": "Hacked", "body": "Hacked"}).status_code == 404
    assert client.get("/staff/pages/").status_code == 404
    assert AreaPage.objects.get(area=llr, kind="about").body == before


def test_an_administrator_of_another_area_cannot_edit_this_one(llr, other_area, client_for):
    oona = staff_member("oona@demo.invalid", "Oona Otheradmin", other_area, Role.ADMINISTRATOR)

    response = client_for(oona).post(EDIT_URL, {"title": "Hacked", "body": "Hacked"})

    assert response.status_code == 404
    assert "Hacked" not in AreaPage.objects.get(area=llr, kind="about").body


@pytest.mark.parametrize("path", ["/staff/pages/llr/nonsense/", "/staff/pages/nowhere/about/"])
def test_an_unknown_page_or_area_to_edit_is_not_found(llr, client_for, ada, path):
    assert client_for(ada).get(path).status_code == 404
