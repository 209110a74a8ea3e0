"""The panel in a real browser: the CDR manager finds the meeting, its agenda item and its
papers; the chair records attendance, the discussion and the Analysis Form (adding a factor
line without JavaScript) and is offered the finalising. Every page visited is checked with
axe-core; the same walk with the real Content Security Policy logs no violation."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, BrowserContext, Page, expect

from cdop.accounts.models import Role
from cdop.areas.models import Area
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from cdop.meetings.models import AgendaItem, Meeting, Sector
from conftest import give_totp, make_persona
from tests.browser.conftest import check_axe
from tests.browser.test_journeys import PASSWORD, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTSIDE = [
    ("Priya Publichealth", "priya@ph.invalid", Sector.PUBLIC_HEALTH),
    ("Harun Health", "harun@icb.invalid", Sector.HEALTH),
    ("Lena Localauthority", "lena@council.invalid", Sector.LOCAL_AUTHORITY),
    ("Dev Police", "dev@police.invalid", Sector.POLICE),
]


@dataclass
class Panel:
    meeting: Meeting
    items: list[AgendaItem]
    alice_secret: str
    chris_secret: str


def _reference_lists() -> None:
    """The flush after each transactional test removes the Analysis Form's reference lists,
    which a data migration loads: load them again (the migration's own function)."""
    from django.apps import apps

    from cdop.analysis.models import CategoryOfDeath

    if not CategoryOfDeath.objects.exists():
        import_module("cdop.analysis.migrations.0002_load_analysis_form_v1").load(apps, None)


@pytest.fixture
def panel(seeded_llr: None) -> Panel:
    """A panel meeting today, of two cases awaiting the panel; Chris chairs, and someone
    from each sector the quorum needs is invited."""
    _reference_lists()
    llr = Area.objects.get(slug="llr")
    alice = make_persona("alice@llr.invalid", "Alice Manager", llr, Role.CDR_MANAGER)
    chris = make_persona("chris@llr.invalid", "Chris Chair", llr, Role.PANEL_CHAIR)
    cases: list[Case] = [
        CaseFactory(
            area=llr,
            status=Status.AWAITING_PANEL,
            child_first_name="Zebedee",
            child_last_name="Browserpanel",
            child_sex="male",
            child_date_of_birth=dt.date(2026, 1, 10),
            date_of_death=dt.date(2026, 5, 20),
        ),
        CaseFactory(
            area=llr,
            status=Status.AWAITING_PANEL,
            child_first_name="Philippa",
            child_last_name="Browserpanel",
            child_sex="female",
        ),
    ]
    meeting = Meeting.objects.create(
        area=llr,
        kind="panel",
        title="LLR CDOP panel, browser",
        starts_at=timezone.now() - dt.timedelta(minutes=30),
        place="Synthetic County Hall, committee room 2",
        created_by=alice,
        created_at=timezone.now() - dt.timedelta(days=20),
    )
    items = [
        AgendaItem.objects.create(meeting=meeting, case=case, position=n)
        for n, case in enumerate(cases, start=1)
    ]
    meeting.invitees.create(user=chris, name="Chris Chair", email=chris.email, sector="chair")
    for name, email, sector in OUTSIDE:
        meeting.invitees.create(name=name, email=email, sector=sector, organisation="Synthetic")
    return Panel(
        meeting=meeting,
        items=items,
        alice_secret=give_totp(alice),
        chris_secret=give_totp(chris),
    )


def sign_in(
    context: BrowserContext, email: str, secret: str, check: Callable[[Page], None]
) -> Page:
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("6-digit code").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))
    check(page)
    return page


def walk(browser: Browser, live_server: Any, panel: Panel, *, axe: bool) -> list[str]:
    """The journey; returns the Content Security Policy violations the console logged."""
    from cdop.analysis.models import CategoryOfDeath, FactorDomain

    check: Callable[[Page], None] = check_axe if axe else (lambda page: None)
    errors: list[str] = []
    meeting, first = panel.meeting, panel.items[0]
    first.refresh_from_db()
    label = first.label

    def context() -> BrowserContext:
        made = browser.new_context(bypass_csp=axe, base_url=live_server.url)
        made.set_default_timeout(15_000)
        made.on(
            "console",
            lambda message: (
                errors.append(message.text)
                if message.type == "error" and "Content Security Policy" in message.text
                else None
            ),
        )
        return made

    # --- Alice, the CDR manager: the meetings list, the meeting, an item, the papers ----
    manager = context()
    try:
        page = sign_in(manager, "alice@llr.invalid", panel.alice_secret, check)
        page.get_by_role("navigation", name="Menu").get_by_role("link", name="Meetings").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
        check(page)
        page.get_by_role("link", name="LLR CDOP panel, browser").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("LLR CDOP panel, browser")
        expect(page.get_by_role("link", name=label, exact=True)).to_be_visible()
        check(page)
        page.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(label)
        check(page)
        page.get_by_role("link", name="Back to the agenda").click()
        page.get_by_role("link", name="The anonymised papers for this meeting").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Anonymised papers")
        check(page)
    finally:
        manager.close()

    # --- Chris, the chair: attendance, the discussion, the Analysis Form --------------
    chair = context()
    try:
        page = sign_in(chair, "chris@llr.invalid", panel.chris_secret, check)
        page.goto(f"/staff/meetings/{meeting.pk}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text("LLR CDOP panel, browser")
        # The chair never sees which child a case is.
        expect(page.locator("main")).not_to_contain_text("Browserpanel")
        expect(page.locator("main")).not_to_contain_text(first.case.reference)
        check(page)
        page.get_by_role("link", name="Record attendance and apologies").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Attendance and apologies")
        check(page)
        for name in ["Chris Chair", *(name for name, _, _ in OUTSIDE)]:
            page.get_by_label(name).select_option("attended")
        page.get_by_role("button", name="Save attendance").click()
        expect(page.get_by_text("Attendance recorded. The meeting is quorate.")).to_be_visible()
        check(page)

        page.get_by_role("link", name=label, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(label)
        page.get_by_role("button", name="Record this case as discussed").click()
        expect(page.get_by_text("recorded as discussed")).to_be_visible()
        check(page)

        page.get_by_role("link", name=f"The Analysis Form for {label}").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Analysis Form: {label}")
        check(page)
        page.get_by_role("link", name="Start the Analysis Form").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Analysis Form: {label}")
        check(page)

        domains = list(FactorDomain.objects.order_by("form_version__version", "position"))
        one, four = domains[0], domains[3]
        page.get_by_label(f"Factor 1 in {four.name}", exact=True).fill(
            "Sepsis not recognised at the first out-of-hours call"
        )
        page.get_by_label(f"Grade of factor 1 in {four.name}").select_option("2")
        page.get_by_label(f"Factor 1 in {four.name} is a modifiable factor").check()
        # Another line, without JavaScript: the page comes back with it and all typed.
        page.get_by_role("button", name=f"Add another factor in {one.name}").click()
        expect(page.get_by_text("A line was added.")).to_be_visible()
        expect(page.get_by_label(f"Factor 1 in {four.name}", exact=True)).to_have_value(
            "Sepsis not recognised at the first out-of-hours call"
        )
        check(page)
        # Domain 1 started with one empty line: the added one is its second.
        page.get_by_label(f"Factor 2 in {one.name}", exact=True).fill(
            "Long-term condition managed well"
        )
        page.get_by_label(f"Grade of factor 2 in {one.name}").select_option("1")

        page.get_by_role("group", name="Did the panel find modifiable factors?").get_by_label(
            "Yes", exact=True
        ).check()
        infection = CategoryOfDeath.objects.filter(code="infection").first()
        assert infection is not None
        page.get_by_label(f"{infection.position}. {infection.name}", exact=True).check()
        page.get_by_label("Cause of death").fill("Meningococcal septicaemia")
        page.get_by_role(
            "group", name="Was the death expected or unexpected, as agreed by the panel?"
        ).get_by_label("Unexpected", exact=True).check()
        page.get_by_label("Learning points").fill("Safety-netting advice was not given.")
        page.get_by_label("Recommendation 1", exact=True).fill(
            "Out-of-hours services to audit their sepsis triage"
        )
        page.get_by_role("button", name="Save and mark as complete").click()
        expect(page.get_by_text("The Analysis Form is complete.")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Analysis Form: {label}")
        expect(page.locator("main")).to_contain_text("Meningococcal septicaemia")
        expect(page.get_by_role("button", name="Finalise the review")).to_be_visible()
        check(page)
    finally:
        chair.close()
    return errors


def test_the_manager_prepares_and_the_chair_records_the_panel(
    browser: Browser, live_server: Any, panel: Panel
) -> None:
    walk(browser, live_server, panel, axe=True)  # the CSP is bypassed so axe can run
    first = panel.items[0]
    first.case.refresh_from_db()
    assert first.case.status == Status.PANEL_REVIEWED
    from cdop.analysis.models import Analysis

    analysis = Analysis.objects.get(case=first.case)
    assert analysis.status == "complete"
    assert analysis.factors.count() == 2


def test_the_panel_pages_log_no_content_security_policy_violations(
    browser: Browser, live_server: Any, panel: Panel
) -> None:
    errors = walk(browser, live_server, panel, axe=False)
    assert errors == [], "CSP violations:\n" + "\n".join(errors)
