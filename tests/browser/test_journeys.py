"""Real journeys in Chromium: a professional notifies a death, staff sign in with a second
factor and take the case to a finalised review. Every page visited is checked with axe-core."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Browser, Page, expect

from cdop.accounts.models import Role, User
from cdop.areas.models import Area
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from conftest import give_totp, make_persona
from tests.browser.conftest import check_axe

PASSWORD = "correct-horse-battery-staple"  # UserFactory's password

pytestmark = [
    pytest.mark.browser,
    # The live server runs in another thread, so data must be committed; the seeded_llr
    # fixture puts back the LLR area that the flush after each test removes.
    pytest.mark.django_db(transaction=True),
]

NEXT_STEPS = [
    ("Start gathering information", "Information gathering"),
    ("Ready for the child death review meeting", None),
    ("Record that the child death review meeting was held", None),
    ("Refer to the panel", None),
    ("Record the panel's review", None),
    ("Finalise the review", "Finalised"),
]


def complete_the_analysis_form(page: Page) -> None:
    """From the case page: the panel's Analysis Form, a line added without JavaScript, marked
    complete (finalising needs it), and back to the case."""
    # The Analysis Form is its own part of the case: through the case's navigation.
    page.get_by_role("navigation", name="Parts of this case").get_by_role(
        "link", name="Analysis Form", exact=True
    ).click()
    check_axe(page)
    page.get_by_role("link", name="Start the Analysis Form").click()
    check_axe(page)
    domain = "Service provision"
    page.get_by_label(f"Factor 1 in {domain}", exact=True).fill("Advice not repeated")
    page.get_by_role("button", name=f"Add another factor in {domain}").click()
    expect(page.get_by_label(f"Factor 1 in {domain}", exact=True)).to_have_value(
        "Advice not repeated"
    )
    page.get_by_label(f"Grade of factor 1 in {domain}", exact=True).select_option("2")
    page.get_by_label(f"Factor 1 in {domain} is a modifiable factor", exact=True).check()
    page.get_by_role("group", name="Did the panel find modifiable factors?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_label("9. Infection", exact=True).check()
    page.get_by_label("Cause of death").fill("Meningococcal septicaemia")
    page.get_by_role("group", name=re.compile("expected or unexpected")).get_by_label(
        "Unexpected", exact=True
    ).check()
    page.get_by_label("Learning points").fill("Safety-netting advice was not given.")
    page.get_by_role("button", name="Save and mark as complete").click()
    expect(page.get_by_text("The Analysis Form is complete.")).to_be_visible()
    check_axe(page)
    page.get_by_role("link", name="Back to the case").click()


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def persona(email: str, name: str, role: str, *, with_totp: bool) -> tuple[User, str | None]:
    user = make_persona(email, name, Area.objects.get(slug="llr"), role)
    return user, give_totp(user) if with_totp else None


def sign_in_with_password(page: Page, email: str) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_axe(page)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def enter_mfa_code(page: Page, secret: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Enter the code from your authenticator app"
    )
    check_axe(page)
    page.get_by_label("6-digit code").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()


def set_up_authenticator(page: Page) -> None:
    """From the first sign-in of someone without a second factor to their recovery codes."""
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(re.compile("Confirm it's you|Set up your authenticator app"))
    if heading.inner_text() == "Confirm it's you":
        # allauth asks for the password again before a second factor is added.
        expect(page.get_by_text("You need to set up a second way to prove it")).to_be_visible()
        check_axe(page)
        page.get_by_label("Your password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
    expect(heading).to_have_text("Set up your authenticator app")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.get_by_text("You need to set up a second way to prove it")).to_be_visible()
    expect(page.get_by_text("Microsoft Authenticator")).to_be_visible()
    qr = page.get_by_role("img", name=re.compile("QR code"))
    expect(qr).to_be_visible()
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml;base64,")
    check_axe(page)
    secret = page.get_by_test_id("totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{16,}", secret), secret

    page.get_by_label("6-digit code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: Set up your authenticator app"))
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    check_axe(page)
    # The secret stays the same after a wrong code, so the app set up already still works.
    assert page.get_by_test_id("totp-secret").inner_text().strip() == secret

    page.get_by_label("6-digit code from your authenticator app").fill(totp_code(secret))
    page.get_by_role("button", name="Continue").click()
    expect(heading).to_have_text("Save your recovery codes")
    expect(page.get_by_text("Your authenticator app is set up.")).to_be_visible()
    # One banner: the first set of codes replaces none, so nothing says the old ones stopped.
    expect(page.locator(".govuk-notification-banner")).to_have_count(1)
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    check_axe(page)
    page.get_by_role("button", name="I have saved my codes, continue").click()
    expect(page).to_have_url(re.compile(r"/staff/$"))


def notify(page: Page, *, nhs_number: str = "999 000 0018") -> str:
    """The notification form, page by page (tests/browser/test_notify_journey.py)."""
    from tests.browser.test_notify_journey import notify_through_pages

    return notify_through_pages(page, nhs_number=nhs_number)


def test_walking_skeleton_journey(page: Page) -> None:
    reference = notify(page)

    persona("morgan@llr.invalid", "Morgan Manager", Role.CDR_MANAGER, with_totp=False)
    sign_in_with_password(page, "morgan@llr.invalid")
    set_up_authenticator(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    check_axe(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Notifications").click()
    expect(page).to_have_url(re.compile(r"/staff/notifications/"))
    check_axe(page)
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    check_axe(page)
    page.get_by_role("button", name="Open a case").click()

    expect(page).to_have_url(re.compile(r"/staff/cases/[^/]+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Amelia Browsertest")
    status = page.locator("main p .govuk-tag").first
    check_axe(page)
    for number, (label, status_text) in enumerate(NEXT_STEPS):
        if label == "Finalise the review":
            complete_the_analysis_form(page)
        before = status.inner_text()
        form = page.locator("form").filter(has=page.get_by_role("button", name=label))
        note = f"Browser note {number + 1}: {label}"
        form.get_by_label("Note (optional)").fill(note)
        form.get_by_role("button", name=label).click()
        expect(status).not_to_have_text(before)
        if status_text:
            expect(status).to_have_text(status_text)
        check_axe(page)
    # A finalised review is locked: the only step left is to reopen it, with a reason.
    expect(page.get_by_text("This review is finalised. To change it, reopen it.")).to_be_visible()
    expect(page.get_by_role("button", name="Reopen the review")).to_be_visible()
    # Every step, with its note, in the case's status history (its own page).
    page.get_by_role("navigation", name="Parts of this case").get_by_role(
        "link", name="Status history"
    ).click()
    history = page.get_by_role("table", name="Every change of status, oldest first").locator(
        "tbody tr"
    )
    expect(history).to_have_count(len(NEXT_STEPS) + 1)  # and the opening
    for number, (label, _status_text) in enumerate(NEXT_STEPS):
        expect(history.nth(number + 1)).to_contain_text(f"Browser note {number + 1}: {label}")
    check_axe(page)

    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Statistics").click()
    expect(page).to_have_url(re.compile(r"/staff/statistics/"))
    expect(page.get_by_test_id("finalised-llr")).to_have_text("1")
    check_axe(page)

    page.get_by_role("link", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure you want to sign out?")
    check_axe(page)
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_text("You have signed out.")).to_be_visible()
    page.goto("/staff/cases/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/staff/cases/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_sign_in_again_with_authenticator(page: Page) -> None:
    _user, secret = persona("alice@llr.invalid", "Alice Manager", Role.CDR_MANAGER, with_totp=True)
    assert secret is not None
    sign_in_with_password(page, "alice@llr.invalid")
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    page.get_by_label("6-digit code").fill("12")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile("^Error: "))
    check_axe(page)
    enter_mfa_code(page, secret)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    expect(page.get_by_text("Signed in as Alice Manager")).to_be_visible()


def test_a_list_of_several_pages_and_a_bad_filter_pass_axe(page: Page) -> None:
    """The current page of the pagination had the body's text colour on the component's
    blue (3.22:1); a bad filter's error summary linked to "#"."""
    _user, secret = persona("alice@llr.invalid", "Alice Manager", Role.CDR_MANAGER, with_totp=True)
    assert secret is not None
    CaseFactory.create_batch(51, area=Area.objects.get(slug="llr"), status=Status.NOTIFIED)
    sign_in_with_password(page, "alice@llr.invalid")
    enter_mfa_code(page, secret)

    page.goto("/staff/cases/?page=2")
    pages = page.get_by_role("navigation", name="Pages of cases")
    expect(pages.locator('[aria-current="page"]')).to_have_text("2")
    check_axe(page)

    page.goto("/staff/cases/?status=bogus")
    page.get_by_role("link", name="Choose stages from the list").click()
    expect(page.locator("#id_status_0")).to_be_focused()
    check_axe(page)


def test_notification_form_errors(page: Page) -> None:
    page.goto("/llr/notify/child/")
    expect(page.get_by_role("heading", level=1)).to_have_text("The child")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend moves focus to the summary
    check_axe(page)
    summary.get_by_role("link", name="Enter the child's first name").click()
    expect(page.get_by_label("Child's first name")).to_be_focused()
    summary.get_by_role("link", name="Enter the child's date of birth").click()
    expect(page.get_by_role("group", name="Date of birth").get_by_label("Day")).to_be_focused()
    summary.get_by_role("link", name=re.compile("Select the child's sex")).click()
    expect(page.get_by_role("group", name="Sex").get_by_role("radio").first).to_be_focused()

    # Fill everything but the NHS number: the values typed must survive the error.
    page.get_by_role(
        "group", name="Is this a stillbirth, a late foetal loss or a termination of pregnancy?"
    ).get_by_label("No").check()
    page.get_by_label("Child's first name").fill("Amelia")
    page.get_by_label("Child's last name").fill("Keepsvalues")
    dob = page.get_by_role("group", name="Date of birth")
    dob.get_by_label("Day").fill("14")
    dob.get_by_label("Month").fill("3")
    dob.get_by_label("Year").fill("2025")
    page.get_by_role("group", name="Sex").get_by_label("Female").check()
    page.get_by_label("Ethnic group").select_option("not_known")
    page.get_by_role("group", name="Do you know the child's NHS number?").get_by_label(
        "Yes"
    ).check()
    page.get_by_role("button", name="Continue").click()

    expect(summary.get_by_role("link")).to_have_count(1)
    expect(summary).to_contain_text("Enter the child's NHS number")
    check_axe(page)
    expect(page.get_by_label("Child's first name")).to_have_value("Amelia")
    expect(page.get_by_label("Child's last name")).to_have_value("Keepsvalues")
    expect(dob.get_by_label("Day")).to_have_value("14")
    expect(dob.get_by_label("Year")).to_have_value("2025")
    expect(page.get_by_role("group", name="Sex").get_by_label("Female")).to_be_checked()
    summary.get_by_role("link").click()
    expect(page.get_by_label("NHS number", exact=True)).to_be_focused()


ROLES = [
    ("ada@llr.invalid", "Ada Administrator", Role.ADMINISTRATOR, True),
    ("devi@llr.invalid", "Devi Doctor", Role.DESIGNATED_DOCTOR, True),
    ("kim@llr.invalid", "Kim Keyworker", Role.KEY_WORKER, True),
    ("chris@llr.invalid", "Chris Chair", Role.PANEL_CHAIR, False),
    ("pat@llr.invalid", "Pat Member", Role.PANEL_MEMBER, False),
]


@pytest.mark.parametrize(("email", "name", "role", "reads_cases"), ROLES)
def test_every_role_signs_in_to_a_home_page(
    page: Page, email: str, name: str, role: str, reads_cases: bool
) -> None:
    _user, secret = persona(email, name, role, with_totp=True)
    assert secret is not None
    sign_in_with_password(page, email)
    enter_mfa_code(page, secret)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Home")
    expect(page.get_by_text(f"Signed in as {name}")).to_be_visible()
    expect(page.locator("main")).to_contain_text(f"{Role(role).label} in ")
    check_axe(page)
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Statistics")).to_be_visible()
    cases_link = menu.get_by_role("link", name="Cases")
    if reads_cases:
        expect(cases_link).to_be_visible()
        page.goto("/staff/cases/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        expect(page).not_to_have_title(re.compile("not found", re.IGNORECASE))
    else:
        expect(cases_link).to_have_count(0)
        expect(page.locator("main")).to_contain_text("anonymised papers")
        response = page.goto("/staff/cases/")
        assert response is not None
        assert response.status == 404
        expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("not found", re.I))
        check_axe(page)
    if role == Role.ADMINISTRATOR:
        # The area's settings and records are on the Administration page.
        menu.get_by_role("link", name="Administration").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Administration")
        expect(page.locator("main").get_by_role("link", name="Audit log")).to_be_visible()
        check_axe(page)


def test_no_content_security_policy_errors(
    browser: Browser, live_server: Any, seeded_llr: None
) -> None:
    """With the real CSP enforced, the public pages and a staff case page log no violations."""
    from cdop.core.tests.factories import CaseFactory

    _user, secret = persona("alice@llr.invalid", "Alice Manager", Role.CDR_MANAGER, with_totp=True)
    assert secret is not None
    case = CaseFactory(area=Area.objects.get(slug="llr"))
    context = browser.new_context(base_url=live_server.url)  # no bypass_csp here
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        for path in ("/llr/about/", "/llr/professionals/", "/llr/notify/", "/accounts/login/"):
            page.goto(path)
            expect(page.get_by_role("heading", level=1)).to_be_visible()
            # GOV.UK Frontend ran (a module script under our nonce): the body is marked.
            expect(page.locator("body.govuk-frontend-supported")).to_have_count(1)
        page.get_by_label("Email address").fill("alice@llr.invalid")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_label("6-digit code").fill(totp_code(secret))
        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(re.compile(r"/staff/$"))
        page.goto(f"/staff/cases/{case.reference}/")
        expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
        expect(page.get_by_role("navigation", name="Parts of this case")).to_be_visible()
        page.goto(f"/staff/cases/{case.reference}/section/history/")
        expect(page.get_by_role("heading", name="Status history")).to_be_visible()
    finally:
        context.close()
    assert errors == [], "CSP violations:\n" + "\n".join(errors)
