"""The public site: an area's information pages, readable by anyone without signing in."""

from __future__ import annotations

import pytest
from django.test import Client

from cdop.areas.models import AreaPage, PageKind

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", PageKind.values)
def test_every_public_page_of_an_area_opens_without_signing_in(llr, kind):
    title = AreaPage.objects.get(area=llr, kind=kind).title

    response = Client().get(f"/llr/{kind}/")

    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{title}</h1>' in response.text
    assert f"<title>{title} – LLR" in response.text


def test_the_area_address_alone_shows_its_about_page(llr):
    response = Client().get("/llr/")

    assert response.status_code == 200
    assert "About the panel" in response.text


def test_a_page_the_area_has_not_written_yet_still_shows_its_heading(llr):
    AreaPage.objects.filter(area=llr, kind=PageKind.COOKIES).delete()

    response = Client().get("/llr/cookies/")

    assert response.status_code == 200
    assert PageKind.COOKIES.label in response.text


@pytest.mark.parametrize(
    "path",
    ["/nowhere/about/", "/nowhere/", "/llr/no-such-page/", "/llr/notify/nope/", "/nowhere/notify/"],
)
def test_an_unknown_area_or_page_gets_our_page_not_found(llr, path):
    response = Client(raise_request_exception=False).get(path)

    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "govuk-template" in response.text  # our GOV.UK page, not Django's plain one


def test_an_inactive_area_is_not_shown(other_area):
    other_area.is_active = False
    other_area.save()

    response = Client().get(f"/{other_area.slug}/about/")

    assert response.status_code == 404


def test_the_site_root_opens_on_the_default_area(llr):
    response = Client().get("/")

    assert response.status_code == 302
    assert response["Location"] == "/llr/about/"


def test_the_site_root_lists_the_areas_when_there_is_no_default(llr, other_area, settings):
    settings.DEFAULT_AREA = ""

    response = Client().get("/")

    assert response.status_code == 200
    assert llr.name in response.text
    assert other_area.name in response.text


@pytest.mark.parametrize(
    ("link_text", "href"),
    [
        ("Accessibility statement", "/llr/accessibility/"),
        ("Privacy notice", "/llr/privacy/"),
        ("Cookies", "/llr/cookies/"),
        ("Contact", "/llr/contact/"),
    ],
)
def test_every_public_page_links_to_the_statutory_pages_in_its_footer(llr, link_text, href):
    response = Client().get("/llr/families/")

    assert f'<a class="govuk-footer__link" href="{href}">{link_text}</a>' in response.text


def test_the_professionals_page_leads_to_the_notification_form(llr):
    response = Client().get("/llr/professionals/")

    assert 'href="/llr/notify/"' in response.text


def test_the_contact_page_shows_the_area_email_address(llr):
    response = Client().get("/llr/contact/")

    assert 'href="mailto:cdop@llr.invalid"' in response.text


def test_public_pages_are_indexable_and_staff_pages_are_not(llr, client_for, alice):
    public = Client().get("/llr/about/")
    staff = client_for(alice).get("/staff/")

    assert '<meta name="robots" content="index, follow">' in public.text
    assert '<meta name="robots" content="noindex, nofollow">' in staff.text
