"""The public notification form: any professional can tell the team a child has died, over a
few short pages, checking the answers before they send them."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from cdop.cases.models import Task
from cdop.core.tests.helpers import date_parts
from cdop.notifications.forms import PAGES
from cdop.notifications.models import Notification, NotificationDraft

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

URL = "/llr/notify/"


def page_url(slug: str, area: str = "llr") -> str:
    return f"/{area}/notify/{slug}/"


def page_answers(**overrides: Any) -> dict[str, dict[str, str]]:
    """A complete, valid notification, page by page, as the browser posts it. Every value is
    synthetic. An override goes to the page that asks the question."""
    today = timezone.localdate()
    pages: dict[str, dict[str, Any]] = {
        "child": {
            "out_of_scope": "no",
            "child_first_name": "Amelia",
            "child_last_name": "Synthetic",
            "child_other_names": "Millie",
            **date_parts("child_date_of_birth", today - datetime.timedelta(days=400)),
            "child_sex": "female",
            "child_ethnicity": "white_british",
            "nhs_number_status": "given",
            "child_nhs_number": "9990000018",
            "child_postcode": "LE1 5WW",
            "child_address": "1 Synthetic Street\nLeicester",
            "gp_practice": "Synthetic Medical Centre",
        },
        "death": {
            **date_parts("date_of_death", today - datetime.timedelta(days=2)),
            "time_of_death": "14:30",
            "place_of_death": "hospital_ed",
            "place_of_death_detail": "Synthetic Royal Infirmary",
            "expectedness": "unexpected",
            "post_mortem": "yes",
            "coroner_informed": "yes",
            "circumstances": "Found unresponsive at home; taken to hospital by ambulance.",
            "ncmd_alert": "no",
            "ncmd_alert_reason": "",
        },
        "family": {
            "parental_responsibility": "Jo Synthetic (mother)",
            "other_children": "Sibling, 4",
            "carer_at_time": "Mother",
        },
        "professionals": {"professionals_involved": "Health visitor, Synthetic Trust"},
        "you": {
            "notifier_name": "Sam Notifier",
            "notifier_role": "Paediatric registrar",
            "notifier_organisation": "Synthetic Hospitals NHS Trust",
            "notifier_email": "sam.notifier@example.invalid",
            "notifier_phone": "0116 496 0000",
        },
    }
    for key, value in overrides.items():
        slug = next(s for s, fields in pages.items() if key in fields)
        pages[slug][key] = value
    return {
        slug: {k: str(v) for k, v in fields.items() if v is not None}
        for slug, fields in pages.items()
    }


def fill(client: Client, *, upto: str | None = None, area: str = "llr", **overrides: Any) -> Any:
    """Answer every page (or those up to and including `upto`); the last response."""
    answers = page_answers(**overrides)
    response = None
    for page in PAGES:
        response = client.post(page_url(page.slug, area), answers[page.slug])
        assert response.status_code == 302, (page.slug, _errors(response))
        if page.slug == upto:
            break
    return response


def send(client: Client, area: str = "llr") -> Any:
    check = client.get(f"/{area}/notify/check/")
    assert check.status_code == 200
    return client.post(
        f"/{area}/notify/check/", {"submission_token": str(check.context["submission_token"])}
    )


def notify(client: Client | None = None, **overrides: Any) -> Client:
    """The whole journey, sent; the client, now on the confirmation page."""
    client = client or Client()
    fill(client, **overrides)
    response = send(client)
    assert response.status_code == 302
    assert response["Location"] == "/llr/notify/sent/"
    return client


def _errors(response: Any) -> Any:
    context = getattr(response, "context", None)
    return context["form"].errors if context and "form" in context else response.status_code


# --- The pages --------------------------------------------------------------------------


def test_the_start_page_opens_without_signing_in_and_leads_to_the_first_question(llr):
    response = Client().get(URL)

    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Notify us of a child\'s death</h1>' in response.text
    assert 'href="/llr/notify/child/"' in response.text
    assert "Start now" in response.text


def test_the_whole_journey_page_by_page_stores_one_notification_with_every_answer(
    llr, django_capture_on_commit_callbacks
):
    client = Client()
    expected_next = ["/llr/notify/death/", "/llr/notify/family/", "/llr/notify/professionals/"]
    expected_next += ["/llr/notify/you/", "/llr/notify/check/"]
    answers = page_answers()

    for page, following in zip(PAGES, expected_next, strict=True):
        shown = client.get(page_url(page.slug))
        assert shown.status_code == 200
        assert f'<h1 class="govuk-heading-l">{page.title}</h1>' in shown.text
        response = client.post(page_url(page.slug), answers[page.slug])
        assert response.status_code == 302, _errors(response)
        assert response["Location"] == following
    assert not Notification.objects.exists()  # nothing is sent before check your answers

    check = client.get("/llr/notify/check/")
    assert "Check your answers before sending" in check.text
    for page in PAGES:
        assert f'href="/llr/notify/{page.slug}/?return=check' in check.text
    assert 'href="/llr/notify/child/?return=check#id_child_sex_0"' in check.text
    assert 'href="/llr/notify/child/?return=check#id_nhs_number_status_0"' in check.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/llr/notify/check/", {"submission_token": str(check.context["submission_token"])}
        )

    notification = Notification.objects.get()
    assert response["Location"] == "/llr/notify/sent/"
    done = client.get("/llr/notify/sent/")
    assert notification.reference in done.text
    assert "Notification sent" in done.text
    assert notification.reference not in response["Location"]
    assert notification.area == llr
    assert notification.status == Notification.Status.NEW
    assert notification.submission_token == check.context["submission_token"]
    stored = {
        "child_first_name": "Amelia",
        "child_last_name": "Synthetic",
        "child_other_names": "Millie",
        "child_sex": "female",
        "child_ethnicity": "white_british",
        "nhs_number_status": "given",
        "child_nhs_number": "9990000018",
        "child_postcode": "LE1 5WW",
        "child_address": "1 Synthetic Street\nLeicester",
        "gp_practice": "Synthetic Medical Centre",
        "time_of_death": datetime.time(14, 30),
        "place_of_death": "hospital_ed",
        "place_of_death_detail": "Synthetic Royal Infirmary",
        "expectedness": "unexpected",
        "post_mortem": "yes",
        "coroner_informed": "yes",
        "ncmd_alert": False,
        "ncmd_alert_reason": "",
        "parental_responsibility": "Jo Synthetic (mother)",
        "other_children": "Sibling, 4",
        "carer_at_time": "Mother",
        "professionals_involved": "Health visitor, Synthetic Trust",
        "notifier_email": "sam.notifier@example.invalid",
        "notifier_phone": "0116 496 0000",
        "jar_required": True,
    }
    assert {name: getattr(notification, name) for name in stored} == stored
    assert notification.date_of_death == timezone.localdate() - datetime.timedelta(days=2)
    assert not NotificationDraft.objects.exists()  # the answers went with the notification


def test_check_your_answers_shows_every_answer_in_words(llr):
    client = Client()
    fill(client)

    check = client.get("/llr/notify/check/")

    for shown in (
        "Amelia",
        "White: English, Welsh, Scottish, Northern Irish or British",
        "999 000 0018",
        "LE1 5WW",
        "1 Synthetic Street<br>Leicester",
        "14:30",
        "Hospital: emergency department",
        "Unexpected",
        "Sibling, 4",
        "Health visitor, Synthetic Trust",
        "sam.notifier@example.invalid",
    ):
        assert shown in check.text
    assert "Time from death to notification" not in check.text  # for staff only


def test_a_change_link_returns_to_check_your_answers_after_the_page(llr):
    client = Client()
    fill(client)

    page = client.get("/llr/notify/death/?return=check")
    assert 'name="return" value="check"' in page.text
    assert "Save and go back to check your answers" in page.text
    answers = page_answers(circumstances="Changed words")["death"]
    response = client.post("/llr/notify/death/?return=check", {**answers, "return": "check"})

    assert response["Location"] == "/llr/notify/check/"
    assert "Changed words" in client.get("/llr/notify/check/").text


def test_check_your_answers_sends_you_to_the_first_page_still_to_answer(llr):
    client = Client()
    fill(client, upto="death")

    response = client.get("/llr/notify/check/")

    assert response.status_code == 302
    assert response["Location"] == "/llr/notify/family/?return=check"


def test_check_your_answers_without_any_answers_sends_you_to_the_start(llr):
    assert Client().get("/llr/notify/check/")["Location"] == URL


def test_the_confirmation_page_without_a_notification_sends_you_back_to_the_start(llr):
    response = Client().get("/llr/notify/sent/")

    assert response.status_code == 302
    assert response["Location"] == URL


def test_the_pages_with_answers_are_not_kept_by_the_browser(llr):
    client = Client()
    fill(client)

    for path in ("/llr/notify/child/", "/llr/notify/check/"):
        assert "no-store" in client.get(path)["Cache-Control"]


# --- Answers kept as the person goes ------------------------------------------------------


def test_a_reload_or_the_back_button_shows_the_answers_already_given(llr):
    client = Client()
    fill(client, upto="death", circumstances="Kept words")

    child = client.get("/llr/notify/child/")
    death = client.get("/llr/notify/death/")

    assert 'value="Amelia"' in child.text
    assert 'value="9990000018"' in child.text
    assert 'value="female" id="id_child_sex_1" checked' in child.text
    assert '<option value="white_british" selected>' in child.text
    assert "Kept words</textarea>" in death.text
    assert 'value="14:30"' in death.text
    assert "There is a problem" not in child.text + death.text


def test_a_page_answered_with_an_error_keeps_what_was_typed_and_the_earlier_pages(llr):
    client = Client()
    fill(client, upto="child")
    answers = page_answers(circumstances="Typed words", expectedness="")["death"]

    response = client.post("/llr/notify/death/", answers)

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Typed words</textarea>" in response.text
    assert 'value="14:30"' in response.text
    assert 'value="Amelia"' in client.get("/llr/notify/child/").text


# --- Validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("out_of_scope", "Select yes if this is a stillbirth"),
        ("child_first_name", "Enter the child&#x27;s first name"),
        ("child_last_name", "Enter the child&#x27;s last name"),
        ("child_sex", "Select the child&#x27;s sex, or ‘Not known’"),
        ("child_ethnicity", "Select the child&#x27;s ethnic group, or ‘Not known’"),
        ("nhs_number_status", "Select whether you know the child&#x27;s NHS number"),
        ("expectedness", "Select whether the death was expected, unexpected or not known yet"),
        ("place_of_death", "Select where the child died, or ‘Not known’"),
        ("post_mortem", "Select whether there will be a post-mortem"),
        ("coroner_informed", "Select whether the coroner has been told"),
        ("circumstances", "Enter a short summary of what happened"),
        ("ncmd_alert", "Select yes if this death needs the National Child Mortality Database"),
        ("notifier_name", "Enter your full name"),
        ("notifier_role", "Enter your role"),
        ("notifier_organisation", "Enter your organisation"),
        ("notifier_email", "Enter your work email address"),
        ("notifier_phone", "Enter a telephone number we can reach you on"),
    ],
)
def test_a_missing_answer_is_asked_for_by_name_next_to_its_question_and_in_the_summary(
    llr, field, message
):
    answers = page_answers(**{field: ""})
    slug = next(slug for slug, fields in answers.items() if field in fields)

    response = Client().post(page_url(slug), answers[slug])

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert response.text.count(message) == 2  # the error summary and the question
    assert f'id="id_{field}-error"' in response.text
    assert response.context["form"].errors[field]
    assert not NotificationDraft.objects.exists()


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("child_date_of_birth", "Enter the child&#x27;s date of birth"),
        ("date_of_death", "Enter the date the child died"),
    ],
)
def test_a_missing_date_is_asked_for(llr, prefix, message):
    answers = page_answers(**{f"{prefix}_{part}": "" for part in ("day", "month", "year")})
    slug = "child" if prefix.startswith("child") else "death"

    response = Client().post(page_url(slug), answers[slug])

    assert response.status_code == 200
    assert message in response.text


def test_the_typed_answers_are_kept_when_the_page_comes_back_with_errors(llr):
    answers = page_answers(child_nhs_number="9990000019", child_first_name="Kept")["child"]

    response = Client().post(page_url("child"), answers)

    assert response.status_code == 200
    assert 'value="Kept"' in response.text
    assert 'value="Synthetic"' in response.text
    assert 'value="9990000019"' in response.text
    assert 'value="female" id="id_child_sex_1" checked' in response.text


@pytest.mark.parametrize(
    ("nhs_number", "message"),
    [
        ("9990000019", "This is not a valid NHS number: check each digit, or leave it blank"),
        ("999000001", "NHS number must be 10 digits, like 999 123 4567"),
        ("99900000181", "NHS number must be 10 digits, like 999 123 4567"),
        ("999000001A", "NHS number must be 10 digits, like 999 123 4567"),
        ("", "Enter the child&#x27;s NHS number, or say why you cannot give it"),
    ],
)
def test_a_wrong_nhs_number_is_refused(llr, nhs_number, message):
    response = Client().post(page_url("child"), page_answers(child_nhs_number=nhs_number)["child"])

    assert response.status_code == 200
    assert message in response.text
    assert 'id="id_child_nhs_number-error"' in response.text


@pytest.mark.parametrize("typed", ["999 000 0018", "999-000-0018", " 9990000018 "])
def test_an_nhs_number_with_spaces_or_dashes_is_accepted_and_stored_as_digits(llr, typed):
    notify(child_nhs_number=typed)

    assert Notification.objects.get().child_nhs_number == "9990000018"


@pytest.mark.parametrize("status", ["not_available", "not_resident_england"])
def test_an_nhs_number_that_cannot_be_given_is_not_needed_and_a_stray_one_is_not_used(llr, status):
    notify(nhs_number_status=status, child_nhs_number="not a number")

    notification = Notification.objects.get()
    assert (notification.nhs_number_status, notification.child_nhs_number) == (status, "")


def test_the_nhs_number_is_asked_under_its_yes_answer_without_needing_javascript(llr):
    page = Client().get(page_url("child")).text

    yes = page.index('value="given"')
    box = page.index(
        '<div class="govuk-radios__conditional" id="conditional-id_nhs_number_status">'
    )
    number = page.index('name="child_nhs_number"')
    assert yes < box < number < page.index('value="not_available"')
    assert "data-aria-controls" not in page


@pytest.mark.parametrize("postcode", ["LE1", "12345", "LE1 5W", "ZZZZ ZZZ"])
def test_a_postcode_that_is_not_a_uk_postcode_is_refused(llr, postcode):
    response = Client().post(page_url("child"), page_answers(child_postcode=postcode)["child"])

    assert response.status_code == 200
    assert "Enter a full UK postcode, like LE1 5WW, or leave it blank" in response.text


@pytest.mark.parametrize(("typed", "stored"), [("le15ww", "LE1 5WW"), ("le3 0aa", "LE3 0AA")])
def test_a_postcode_is_stored_in_capitals_with_its_space(llr, typed, stored):
    notify(child_postcode=typed)

    assert Notification.objects.get().child_postcode == stored


def test_the_optional_answers_may_be_left_blank(llr):
    blanks = dict.fromkeys(
        [
            "child_other_names",
            "child_postcode",
            "child_address",
            "gp_practice",
            "time_of_death",
            "place_of_death_detail",
            "parental_responsibility",
            "other_children",
            "carer_at_time",
            "professionals_involved",
        ],
        "",
    )

    notify(**blanks)

    notification = Notification.objects.get()
    assert notification.time_of_death is None
    assert all(getattr(notification, name) == "" for name in blanks if name != "time_of_death")


def _death_on(parts: tuple[str, str, str]) -> dict[str, str]:
    day, month, year = parts
    return {"date_of_death_day": day, "date_of_death_month": month, "date_of_death_year": year}


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("31", "2", "2025"), "Date of death must be a real date"),
        (("0", "1", "2025"), "Date of death must be a real date"),
        (("1", "13", "2025"), "Date of death must be a real date"),
        (("1", "1", "25"), "Date of death must have a 4-digit year, for example 2024"),
        (("a", "1", "2025"), "Date of death must be a real date, written in numbers"),
        (("1", "", "2025"), "Date of death must include a month"),
        (("", "", "2025"), "Date of death must include a day and a month"),
        (("14", "11", ""), "Date of death must include a year"),
    ],
)
def test_an_impossible_or_incomplete_date_is_refused_with_what_to_fix(llr, parts, message):
    response = Client().post(page_url("death"), page_answers(**_death_on(parts))["death"])

    assert response.status_code == 200
    assert message in response.text


@pytest.mark.parametrize("typed", ["25:00", "9am", "14:60", "noon"])
def test_a_time_of_death_that_is_not_a_time_is_refused(llr, typed):
    response = Client().post(page_url("death"), page_answers(time_of_death=typed)["death"])

    assert response.status_code == 200
    assert "Enter the time of death like 14:30, or leave it blank" in response.text


def test_a_date_of_death_in_the_future_is_refused(llr):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    answers = page_answers(**date_parts("date_of_death", tomorrow))["death"]

    response = Client().post(page_url("death"), answers)

    assert response.status_code == 200
    assert "Date of death must be today or in the past" in response.text


def test_a_date_of_birth_in_the_future_is_refused(llr):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    answers = page_answers(**date_parts("child_date_of_birth", tomorrow))["child"]

    response = Client().post(page_url("child"), answers)

    assert response.status_code == 200
    assert "Date of birth must be today or in the past" in response.text


def _born_and_died(born: datetime.date, died: datetime.date) -> dict[str, str]:
    return {**date_parts("child_date_of_birth", born), **date_parts("date_of_death", died)}


def test_a_death_before_the_birth_is_refused_on_the_death_page(llr):
    today = timezone.localdate()
    client = Client()
    dates = _born_and_died(today - datetime.timedelta(days=10), today - datetime.timedelta(20))
    fill(client, upto="child", **dates)

    response = client.post(page_url("death"), page_answers(**dates)["death"])

    assert response.status_code == 200
    assert "Date of death must be on or after the date of birth" in response.text


def test_a_date_of_birth_changed_to_after_the_death_is_refused_on_the_child_page(llr):
    today = timezone.localdate()
    client = Client()
    fill(client)
    later = page_answers(**date_parts("child_date_of_birth", today))["child"]

    response = client.post(page_url("child"), later)

    assert response.status_code == 200
    assert "Date of death must be on or after the date of birth" in response.text


def test_a_death_on_the_day_of_birth_is_accepted(llr):
    day = timezone.localdate() - datetime.timedelta(days=3)

    notify(**_born_and_died(day, day))

    assert Notification.objects.count() == 1


def test_a_young_person_of_exactly_18_is_not_reviewed_here(llr):
    client = Client()
    dates = _born_and_died(datetime.date(2000, 5, 1), datetime.date(2018, 5, 1))
    fill(client, upto="child", **dates)

    response = client.post(page_url("death"), page_answers(**dates)["death"])

    assert response.status_code == 200
    assert "The child was 18 or older on the date of death" in response.text


def test_a_child_of_17_years_and_364_days_is_notified(llr):
    notify(**_born_and_died(datetime.date(2000, 5, 1), datetime.date(2018, 4, 30)))

    assert Notification.objects.count() == 1


def test_the_urgent_attention_question_needs_a_reason_when_the_answer_is_yes(llr):
    answers = page_answers(ncmd_alert="yes", ncmd_alert_reason="")["death"]

    response = Client().post(page_url("death"), answers)

    assert response.status_code == 200
    assert "Enter why this death needs urgent attention" in response.text


def test_an_urgent_alert_is_stored_with_its_reason_and_a_stray_reason_is_not(llr):
    notify(ncmd_alert="yes", ncmd_alert_reason="Possible faulty product")
    notify(ncmd_alert="no", ncmd_alert_reason="Typed, then answered no")

    first, second = Notification.objects.order_by("received_at")
    assert (first.ncmd_alert, first.ncmd_alert_reason) == (True, "Possible faulty product")
    assert (second.ncmd_alert, second.ncmd_alert_reason) == (False, "")


def test_a_bad_email_address_is_refused(llr):
    response = Client().post(page_url("you"), page_answers(notifier_email="not-an-email")["you"])

    assert response.status_code == 200
    assert "Enter an email address in the correct format, like name@example.nhs.uk" in response.text


TELEPHONE_MESSAGE = (
    "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
)


@pytest.mark.parametrize("typed", ["abc", "0116", "1234567890", "0116 496 0000 0000", "call me"])
def test_a_telephone_number_that_is_not_one_is_refused_with_an_example(llr, typed):
    response = Client().post(page_url("you"), page_answers(notifier_phone=typed)["you"])

    assert response.status_code == 200
    assert TELEPHONE_MESSAGE in response.text
    assert 'href="#id_notifier_phone"' in response.text  # the error summary links to the box
    assert f'value="{typed}"' in response.text  # what was typed is kept


@pytest.mark.parametrize(
    "typed",
    [
        "01632 960 001",
        "07700 900 982",
        "+44 808 157 0192",
        "+44 (0)116 496 0000",
        "(0116) 496-0000",
        "0116 496 0000 ext 123",
        "+33 1 23 45 67 89",
    ],
)
def test_a_telephone_number_written_in_any_usual_way_is_accepted_as_typed(llr, typed):
    client = Client()
    fill(client, notifier_phone=typed)
    send(client)

    assert Notification.objects.get().notifier_phone == typed


# --- Stillbirths, late foetal losses and terminations -----------------------------------------


def test_a_stillbirth_is_sent_to_the_page_that_says_where_to_go_instead_and_nothing_is_kept(
    llr,
):
    client = Client()

    response = client.post(page_url("child"), {"out_of_scope": "yes"})

    assert response.status_code == 302
    assert response["Location"] == "/llr/notify/not-notified-here/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Perinatal Mortality Review Tool" in page.text
    assert "MBRRACE-UK" in page.text
    assert not NotificationDraft.objects.exists()
    assert not Notification.objects.exists()


def test_a_stillbirth_answer_after_other_pages_still_stores_no_notification(llr):
    client = Client()
    fill(client)

    client.post(page_url("child"), page_answers(out_of_scope="yes")["child"])
    response = client.post("/llr/notify/check/", {"submission_token": "x"})

    # The answers are kept, in case it was a slip, but cannot be sent with that answer.
    assert response.status_code == 302
    assert response["Location"] == "/llr/notify/child/?return=check"
    assert not Notification.objects.exists()
    child = client.get(response["Location"])
    assert "are not notified here" in child.text
    assert 'value="Amelia"' in child.text


# --- Limits, markup and abuse ---------------------------------------------------------------


def test_every_answer_has_the_same_length_limit_in_the_form_as_in_the_database():
    model_fields = {f.name: f for f in Notification._meta.get_fields()}
    for page in PAGES:
        for name, field in page.form_class.base_fields.items():
            model_field = model_fields.get(name)
            form_max = getattr(field, "max_length", None)
            model_max = getattr(model_field, "max_length", None)
            if model_field is None or (form_max is None and model_field.choices):
                continue
            if name == "child_nhs_number":  # typed with spaces, stored as 10 digits
                assert (form_max, model_max) == (14, 10)
                continue
            assert form_max == model_max, name


@pytest.mark.parametrize(
    ("field", "length"),
    [
        ("circumstances", 5001),
        ("child_first_name", 101),
        ("child_address", 501),
        ("parental_responsibility", 2001),
        ("professionals_involved", 3001),
        ("notifier_name", 201),
        ("notifier_phone", 41),
    ],
)
def test_overlong_answers_are_refused(llr, field, length):
    answers = page_answers(**{field: "x" * length})
    slug = next(slug for slug, fields in answers.items() if field in fields)

    response = Client().post(page_url(slug), answers[slug])

    assert response.status_code == 200
    assert "Ensure this value has at most" in response.text
    assert not NotificationDraft.objects.exists()


def test_circumstances_of_exactly_the_limit_are_accepted(llr):
    notify(circumstances="x" * 5000)

    assert len(Notification.objects.get().circumstances) == 5000


def test_markup_typed_into_the_form_is_stored_as_text_and_shown_escaped(llr, client_for, alice):
    markup = '<script>alert("x")</script><b onmouseover="x()">bold</b>'
    client = Client()
    fill(client, circumstances=markup, notifier_organisation="<i>Trust</i>")

    check = client.get("/llr/notify/check/")
    assert "<script>alert" not in check.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in check.text
    assert "&lt;i&gt;Trust&lt;/i&gt;" in check.text
    send(client)
    notification = Notification.objects.get()
    assert notification.circumstances == markup

    staff = client_for(alice).get(f"/staff/notifications/{notification.reference}/")
    assert staff.status_code == 200
    assert "<script>alert" not in staff.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in staff.text


def test_the_honeypot_is_hidden_from_people_and_from_screen_readers(llr):
    page = Client().get(page_url("you")).text

    assert '<div class="govuk-visually-hidden" aria-hidden="true">' in page
    assert 'name="website"' in page
    assert 'tabindex="-1"' in page
    assert "Leave this blank" in page
    assert "style=" not in page


def test_a_filled_honeypot_looks_accepted_but_stores_nothing_and_emails_nobody(
    llr, alice, django_capture_on_commit_callbacks
):
    client = Client()
    answers = page_answers()
    for page in PAGES:
        extra = {"website": "http://spam.invalid"} if page.slug == "family" else {}
        client.post(page_url(page.slug), {**answers[page.slug], **extra})

    with django_capture_on_commit_callbacks(execute=True):
        response = send(client)

    assert response["Location"] == "/llr/notify/sent/"
    done = client.get("/llr/notify/sent/")
    assert "Notification sent" in done.text
    assert "NTF-" in done.text
    assert "Download a copy" not in done.text
    assert not Notification.objects.exists()
    assert not NotificationDraft.objects.exists()
    assert not Task.objects.exists()


def test_a_post_without_the_csrf_token_is_refused_with_our_page_and_nothing_stored(llr):
    client = Client(enforce_csrf_checks=True)

    response = client.post(page_url("child"), page_answers()["child"])

    assert response.status_code == 403
    assert "Your form could not be sent" in response.text
    assert "Nothing was saved" in response.text
    assert not NotificationDraft.objects.exists()


def test_a_post_with_the_csrf_token_from_the_page_is_accepted(llr):
    client = Client(enforce_csrf_checks=True)
    form = client.get(page_url("child"))
    token = form.context["csrf_token"]

    response = client.post(
        page_url("child"), {**page_answers()["child"], "csrfmiddlewaretoken": str(token)}
    )

    assert response.status_code == 302
    assert NotificationDraft.objects.count() == 1


@pytest.mark.usefixtures("one_rate_window")
def test_too_many_posts_from_one_address_get_our_too_many_attempts_page(llr, settings):
    settings.NOTIFY_RATE_LIMIT = "2/m"
    client = Client()
    answers = page_answers()

    responses = [
        client.post(page_url("child"), answers["child"]),
        client.post(page_url("death"), answers["death"]),
        client.post(page_url("family"), answers["family"]),
    ]

    assert [r.status_code for r in responses] == [302, 302, 429]
    blocked = responses[2]
    assert blocked["Retry-After"] == "600"
    assert "Too many attempts" in blocked.text
    assert "phone the review team" in blocked.text
    assert "family" not in NotificationDraft.objects.get().data


@pytest.mark.usefixtures("one_rate_window")
def test_the_rate_limit_counts_posts_only_so_the_pages_can_still_be_read(llr, settings):
    settings.NOTIFY_RATE_LIMIT = "1/m"
    client = Client()
    client.post(page_url("child"), page_answers()["child"])

    assert client.get(page_url("child")).status_code == 200
    assert client.get(URL).status_code == 200


@pytest.mark.parametrize("path", ["/nowhere/notify/child/", "/llr/notify/nope/"])
def test_the_form_for_an_unknown_area_or_page_is_not_found(llr, path):
    get = Client().get(path)
    post = Client().post(path, page_answers()["child"])

    assert (get.status_code, post.status_code) == (404, 404)
    assert not NotificationDraft.objects.exists()


def test_the_start_page_of_an_unknown_area_is_not_found(llr):
    assert Client().get("/nowhere/notify/").status_code == 404
