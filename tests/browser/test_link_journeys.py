"""People without an account, in a real browser: an agency contact and a family, each from
the link they were sent. A browser (unlike the test client) enforces CSRF and sends the
Origin its referrer policy allows, so this is where a refused form would show."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from cdop.accounts.models import Role
from cdop.agencies.models import AgencyContact, Organisation
from cdop.agencyforms.services import form_request_create
from cdop.areas.models import Area
from cdop.core.tests.factories import CaseFactory
from cdop.formdefs.selectors import formdef_current
from cdop.securelinks.tests.factories import family_link_make
from conftest import make_persona
from tests.browser.conftest import check_axe

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"(/link/[A-Za-z0-9_-]+/)")


def test_an_agency_contact_saves_a_section_of_the_form_from_the_emailed_link(page: Page) -> None:
    call_command("load_form_definitions", verbosity=0)  # the flush removed the migration's
    llr = Area.objects.get(slug="llr")
    alice = make_persona("alice@llr.invalid", "Alice Manager", llr, Role.CDR_MANAGER)
    case = CaseFactory(area=llr, child_first_name="Zebedee", child_last_name="Linktest")
    organisation = Organisation.objects.create(area=llr, name="Synthetic GP", kind="gp_practice")
    contact = AgencyContact.objects.create(
        organisation=organisation, name="Gita GP", email="gita@gp.invalid"
    )
    form_request_create(
        case=case,
        contacts=[contact],
        definitions=[formdef_current(code="reporting-form")],
        due_on=timezone.localdate() + datetime.timedelta(days=28),
        note="",
        by=alice,
    )
    link = LINK.search(mail.outbox[-1].body).group(1)  # type: ignore[union-attr]

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Complete a Reporting Form")
    expect(page.locator("main")).to_contain_text("Zebedee Linktest")
    check_axe(page)
    page.goto("/reporting-form/tasks/")
    page.locator("main a.govuk-link, main .govuk-task-list__link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About you and your agency")
    check_axe(page)
    page.locator("input[name=completed_by_name]").fill("Gita GP")
    page.get_by_role("button", name="Save and continue").click()

    # Saved, and on to the next section (not the "could not be sent" page of a CSRF refusal).
    expect(page.get_by_role("heading", level=1)).to_have_text("The child")
    check_axe(page)


def test_a_family_saves_a_question_from_their_link(page: Page) -> None:
    llr = Area.objects.get(slug="llr")
    kim = make_persona("kim@llr.invalid", "Kim Keyworker", llr, Role.KEY_WORKER)
    case = CaseFactory(area=llr, key_worker=kim)
    token, _request = family_link_make(case=case, by=kim)

    page.goto(f"/link/{token}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your words for the review")
    check_axe(page)
    page.goto("/your-words/add-a-question/")
    page.locator("main textarea").first.fill("Why did nobody call us back?")
    page.get_by_role("button", name="Save").click()

    expect(page.locator("main")).to_contain_text("Why did nobody call us back?")
    expect(page.get_by_role("heading", level=1)).not_to_contain_text("could not be sent")
    check_axe(page)
