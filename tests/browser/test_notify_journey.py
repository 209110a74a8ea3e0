"""A professional notifies a death in Chromium over the question pages, checks the answers,
sends them and downloads the one PDF copy. Every page visited is checked with axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from cdop.notifications.models import Notification
from tests.browser.conftest import check_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def continue_to(page: Page, heading: str) -> None:
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    check_axe(page)


def fill_date(page: Page, group: str, day: str, month: str, year: str) -> None:
    dates = page.get_by_role("group", name=group)
    dates.get_by_label("Day").fill(day)
    dates.get_by_label("Month").fill(month)
    dates.get_by_label("Year").fill(year)


def notify_through_pages(
    page: Page, *, last_name: str = "Browsertest", nhs_number: str = "999 000 0018"
) -> str:
    """From the professionals' page to the confirmation; the reference shown."""
    page.goto("/llr/professionals/")
    check_axe(page)
    page.get_by_role("button", name="Notify us of a child's death").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notify us of a child's death")
    check_axe(page)
    page.get_by_role("button", name="Start now").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The child")
    check_axe(page)
    page.get_by_role(
        "group", name="Is this a stillbirth, a late foetal loss or a termination of pregnancy?"
    ).get_by_label("No").check()
    page.get_by_label("Child's first name").fill("Amelia")
    page.get_by_label("Child's last name").fill(last_name)
    fill_date(page, "Date of birth", "14", "3", "2025")
    page.get_by_role("group", name="Sex").get_by_label("Female").check()
    page.get_by_label("Ethnic group").select_option("not_known")
    nhs = page.get_by_role("group", name="Do you know the child's NHS number?")
    nhs.get_by_label("Yes").check()
    page.get_by_label("NHS number", exact=True).fill(nhs_number)
    page.get_by_label("Postcode of the child's home (optional)").fill("LE1 5WW")
    continue_to(page, "The death")

    fill_date(page, "Date of death", "20", "11", "2026")
    page.get_by_label("Time of death (optional)").fill("14:30")
    page.get_by_role("group", name="Where did the child die?").get_by_label(
        "Hospital: emergency department"
    ).check()
    page.get_by_role("group", name="Was the death expected?").get_by_label("Unexpected").check()
    page.get_by_role("group", name="Will there be a post-mortem?").get_by_label("Yes").check()
    page.get_by_role("group", name="Has the coroner been told of the death?").get_by_label(
        "Yes"
    ).check()
    page.get_by_label("What happened").fill("Synthetic circumstances typed in a browser test.")
    alert = page.get_by_role("group", name=re.compile("urgent attention"))
    alert.get_by_label("No").check()
    continue_to(page, "Family and household")

    page.get_by_label("Who was caring for the child at the time? (optional)").fill("Mother")
    continue_to(page, "Professionals involved")
    continue_to(page, "About you")

    page.get_by_label("Your full name").fill("Sam Notifier")
    page.get_by_label("Your role").fill("Paediatric registrar")
    page.get_by_label("Your organisation").fill("Synthetic Hospitals NHS Trust")
    page.get_by_label("Your work email address").fill("sam.notifier@example.invalid")
    page.get_by_label("Your work telephone number").fill("0116 496 0000")
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Check your answers before sending")
    check_axe(page)
    page.get_by_role("button", name="Send notification").click()
    panel = page.locator(".govuk-panel--confirmation")
    expect(panel).to_contain_text("Notification sent")
    check_axe(page)
    reference = panel.locator("strong").inner_text().strip()
    assert re.fullmatch(r"NTF-[A-Z0-9]{4}-[A-Z0-9]{4}", reference), reference
    return reference


def test_a_professional_notifies_a_death_page_by_page_and_downloads_a_copy(page: Page) -> None:
    page.goto("/llr/notify/child/")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    check_axe(page)
    summary.get_by_role("link", name="Enter the child's first name").click()
    expect(page.get_by_label("Child's first name")).to_be_focused()

    reference = notify_through_pages(page)

    notification = Notification.objects.get(reference=reference)
    assert notification.child_nhs_number == "9990000018"
    assert notification.jar_required
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download a copy of your notification (PDF)").click()
    download = download_info.value
    assert download.suggested_filename == f"notification-{reference}.pdf"
    path = download.path()
    assert path is not None
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    page.reload()
    expect(page.get_by_text("The copy of your notification has been downloaded")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Download a copy"))).to_have_count(0)
    check_axe(page)


def test_answers_survive_the_back_button_and_a_change_from_check_your_answers(
    page: Page,
) -> None:
    notify_page = "/llr/notify/child/"
    page.goto(notify_page)
    page.get_by_role(
        "group", name="Is this a stillbirth, a late foetal loss or a termination of pregnancy?"
    ).get_by_label("Yes").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Stillbirths, late foetal losses and terminations are not notified here"
    )
    check_axe(page)
    page.get_by_role("link", name="Back", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The child")
    assert Notification.objects.count() == 0
