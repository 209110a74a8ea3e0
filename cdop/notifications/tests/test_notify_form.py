"""The public notification form: any professional can tell the team a child has died."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from cdop.core.tests.helpers import date_parts, notification_post
from cdop.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

URL = "/llr/notify/"


def post(data, client=None):
    return (client or Client()).post(URL, data)


def test_the_form_opens_without_signing_in_with_a_fresh_submission_token(llr):
    first = Client().get(URL)
    second = Client().get(URL)

    assert first.status_code == 200
    assert '<h1 class="govuk-heading-l">Notify us of a child\'s death</h1>' in first.text
    token = first.context["form"].initial["submission_token"]
    assert token != second.context["form"].initial["submission_token"]
    assert f'value="{token}"' in first.text


def test_a_valid_notification_is_stored_and_the_confirmation_shows_its_reference(
    llr, django_capture_on_commit_callbacks
):
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        response = post(notification_post(), client)

    assert response.status_code == 302
    assert response["Location"] == "/llr/notify/sent/"
    notification = Notification.objects.get()
    assert notification.area == llr
    assert notification.status == Notification.Status.NEW
    assert notification.child_last_name == "Synthetic"
    assert notification.reference.startswith("NTF-")
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert notification.reference in done.text
    assert "Notification sent" in done.text
    assert notification.reference not in response["Location"]


def test_the_confirmation_page_without_a_notification_sends_you_back_to_the_form(llr):
    response = Client().get("/llr/notify/sent/")

    assert response.status_code == 302
    assert response["Location"] == URL


def test_a_double_submit_stores_one_notification_and_shows_the_same_reference(
    llr, alice, django_capture_on_commit_callbacks
):
    data = notification_post()
    first_client, second_client = Client(), Client()

    with django_capture_on_commit_callbacks(execute=True):
        first = post(data, first_client)
        second = post(data, second_client)

    assert first.status_code == second.status_code == 302
    assert Notification.objects.count() == 1
    reference = Notification.objects.get().reference
    assert reference in first_client.get("/llr/notify/sent/").text
    assert reference in second_client.get("/llr/notify/sent/").text
    assert len(mail.outbox) == 1  # the team is alerted once


def test_the_team_is_alerted_by_email_without_any_personal_details(
    llr, alice, ada, devi, kim, olu, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post(notification_post(child_first_name="Zebedee", child_last_name="Quixote"))

    notification = Notification.objects.get()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert sorted(email.to) == [ada.email, alice.email]  # managers and administrators only
    assert notification.reference in email.subject
    assert f"/staff/notifications/{notification.reference}/" in email.body
    for secret in ("Zebedee", "Quixote", "9990000018", "999 000 0018", "LE1 5WW", "unresponsive"):
        assert secret not in email.body
        assert secret not in email.subject


def test_no_email_is_sent_to_an_area_without_managers(llr, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post(notification_post())

    assert Notification.objects.count() == 1
    assert mail.outbox == []


def test_a_deactivated_manager_is_not_alerted(llr, alice, ada, django_capture_on_commit_callbacks):
    alice.is_active = False
    alice.save()

    with django_capture_on_commit_callbacks(execute=True):
        post(notification_post())

    assert mail.outbox[0].to == [ada.email]


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("child_first_name", "Enter the child&#x27;s first name"),
        ("child_last_name", "Enter the child&#x27;s last name"),
        ("child_sex", "Select the child&#x27;s sex, or ‘Not known’"),
        ("expectedness", "Select whether the death was expected, unexpected or not known yet"),
        ("circumstances", "Enter a short summary of what happened"),
        ("notifier_name", "Enter your full name"),
        ("notifier_role", "Enter your role"),
        ("notifier_organisation", "Enter your organisation"),
        ("notifier_email", "Enter your work email address"),
        ("notifier_phone", "Enter a telephone number we can reach you on"),
    ],
)
def test_a_missing_answer_is_asked_for_by_name(llr, field, message):
    response = post(notification_post(**{field: ""}))

    assert response.status_code == 200
    assert message in response.text
    assert "There is a problem" in response.text
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("child_date_of_birth", "Enter the child&#x27;s date of birth"),
        ("date_of_death", "Enter the date the child died"),
    ],
)
def test_a_missing_date_is_asked_for(llr, prefix, message):
    data = notification_post(**{f"{prefix}_{part}": "" for part in ("day", "month", "year")})

    response = post(data)

    assert response.status_code == 200
    assert message in response.text
    assert not Notification.objects.exists()


def test_the_typed_answers_are_kept_when_the_form_comes_back_with_errors(llr):
    response = post(notification_post(child_nhs_number="9990000019", circumstances="Kept words"))

    assert response.status_code == 200
    assert 'value="Amelia"' in response.text
    assert 'value="Synthetic"' in response.text
    assert 'value="9990000019"' in response.text
    assert "Kept words</textarea>" in response.text
    assert 'value="Sam Notifier"' in response.text
    assert 'value="female" id="id_child_sex_1" checked' in response.text


@pytest.mark.parametrize(
    ("nhs_number", "message"),
    [
        ("9990000019", "This is not a valid NHS number: check each digit, or leave it blank"),
        ("999000001", "NHS number must be 10 digits, like 999 123 4567"),
        ("99900000181", "NHS number must be 10 digits, like 999 123 4567"),
        ("999000001A", "NHS number must be 10 digits, like 999 123 4567"),
    ],
)
def test_a_wrong_nhs_number_is_refused(llr, nhs_number, message):
    response = post(notification_post(child_nhs_number=nhs_number))

    assert response.status_code == 200
    assert message in response.text
    assert not Notification.objects.exists()


@pytest.mark.parametrize("typed", ["999 000 0018", "999-000-0018", " 9990000018 "])
def test_an_nhs_number_with_spaces_or_dashes_is_accepted_and_stored_as_digits(llr, typed):
    response = post(notification_post(child_nhs_number=typed))

    assert response.status_code == 302
    assert Notification.objects.get().child_nhs_number == "9990000018"


def test_the_nhs_number_may_be_left_blank(llr):
    post(notification_post(child_nhs_number="", child_postcode=""))

    notification = Notification.objects.get()
    assert (notification.child_nhs_number, notification.child_postcode) == ("", "")


@pytest.mark.parametrize("postcode", ["LE1", "12345", "LE1 5W", "ZZZZ ZZZ"])
def test_a_postcode_that_is_not_a_uk_postcode_is_refused(llr, postcode):
    response = post(notification_post(child_postcode=postcode))

    assert response.status_code == 200
    assert "Enter a full UK postcode, like LE1 5WW, or leave it blank" in response.text
    assert not Notification.objects.exists()


@pytest.mark.parametrize(("typed", "stored"), [("le15ww", "LE1 5WW"), ("le3 0aa", "LE3 0AA")])
def test_a_postcode_is_stored_in_capitals_with_its_space(llr, typed, stored):
    post(notification_post(child_postcode=typed))

    assert Notification.objects.get().child_postcode == stored


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("31", "2", "2025"), "Date of death must be a real date"),
        (("0", "1", "2025"), "Date of death must be a real date"),
        (("1", "13", "2025"), "Date of death must be a real date"),
        (("1", "1", "25"), "Date of death must have a 4-digit year, for example 2024"),
        (("a", "1", "2025"), "Date of death must be a real date, written in numbers"),
    ],
)
def test_an_impossible_or_incomplete_date_is_refused_with_what_to_fix(llr, parts, message):
    day, month, year = parts
    data = notification_post(
        date_of_death_day=day,
        date_of_death_month=month,
        date_of_death_year=year,
        **date_parts("child_date_of_birth", datetime.date(2024, 6, 1)),
    )

    response = post(data)

    assert response.status_code == 200
    assert message in response.text
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("1", "", "2025"), "Date of death must include a month"),
        (("", "", "2025"), "Date of death must include a day and a month"),
        (("14", "11", ""), "Date of death must include a year"),
    ],
)
def test_a_partly_filled_date_says_which_part_is_missing(llr, parts, message):
    day, month, year = parts
    data = notification_post(
        date_of_death_day=day, date_of_death_month=month, date_of_death_year=year
    )

    response = post(data)

    assert response.status_code == 200
    assert not Notification.objects.exists()
    assert message in response.text


def test_a_date_of_death_in_the_future_is_refused(llr):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = post(notification_post(**date_parts("date_of_death", tomorrow)))

    assert response.status_code == 200
    assert "Date of death must be today or in the past" in response.text
    assert not Notification.objects.exists()


def test_a_date_of_birth_in_the_future_is_refused(llr):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    response = post(notification_post(**date_parts("child_date_of_birth", tomorrow)))

    assert response.status_code == 200
    assert "Date of birth must be today or in the past" in response.text


def test_a_death_before_the_birth_is_refused(llr):
    today = timezone.localdate()
    data = notification_post(
        **date_parts("child_date_of_birth", today - datetime.timedelta(days=10)),
        **date_parts("date_of_death", today - datetime.timedelta(days=20)),
    )

    response = post(data)

    assert response.status_code == 200
    assert "Date of death must be on or after the date of birth" in response.text
    assert not Notification.objects.exists()


def test_a_death_on_the_day_of_birth_is_accepted(llr):
    day = timezone.localdate() - datetime.timedelta(days=3)
    data = notification_post(
        **date_parts("child_date_of_birth", day), **date_parts("date_of_death", day)
    )

    assert post(data).status_code == 302


def test_a_young_person_of_18_or_over_is_not_reviewed_here(llr):
    data = notification_post(
        **date_parts("child_date_of_birth", datetime.date(2000, 5, 1)),
        **date_parts("date_of_death", datetime.date(2018, 5, 1)),
    )

    response = post(data)

    assert response.status_code == 200
    assert "The child was 18 or older on the date of death" in response.text
    assert not Notification.objects.exists()


def test_a_child_who_died_the_day_before_turning_18_is_notified(llr):
    data = notification_post(
        **date_parts("child_date_of_birth", datetime.date(2000, 5, 1)),
        **date_parts("date_of_death", datetime.date(2018, 4, 30)),
    )

    assert post(data).status_code == 302


def test_a_bad_email_address_is_refused(llr):
    response = post(notification_post(notifier_email="not-an-email"))

    assert response.status_code == 200
    assert "Enter an email address in the correct format, like name@example.nhs.uk" in response.text


@pytest.mark.parametrize(
    ("field", "length"),
    [
        ("circumstances", 6000),
        ("child_first_name", 101),
        ("notifier_name", 201),
        ("notifier_phone", 41),
    ],
)
def test_overlong_answers_are_refused(llr, field, length):
    response = post(notification_post(**{field: "x" * length}))

    assert response.status_code == 200
    assert "Ensure this value has at most" in response.text
    assert not Notification.objects.exists()


def test_circumstances_of_exactly_the_limit_are_accepted(llr):
    assert post(notification_post(circumstances="x" * 5000)).status_code == 302


def test_a_forged_submission_token_is_refused(llr):
    response = post(notification_post(submission_token="not-a-uuid"))

    assert response.status_code == 200
    assert not Notification.objects.exists()


def test_markup_typed_into_the_form_is_stored_as_text_and_shown_escaped_to_staff(
    llr, client_for, alice
):
    markup = '<script>alert("x")</script><b onmouseover="x()">bold</b>'
    post(notification_post(circumstances=markup, notifier_organisation="<i>Trust</i>"))
    notification = Notification.objects.get()
    assert notification.circumstances == markup

    response = client_for(alice).get(f"/staff/notifications/{notification.reference}/")

    assert response.status_code == 200
    assert "<script>alert" not in response.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in response.text
    assert "<i>Trust</i>" not in response.text
    assert "&lt;i&gt;Trust&lt;/i&gt;" in response.text


def test_a_post_without_the_csrf_token_is_refused_with_our_page_and_nothing_stored(llr):
    client = Client(enforce_csrf_checks=True)

    response = client.post(URL, notification_post())

    assert response.status_code == 403
    assert "Your form could not be sent" in response.text
    assert "Nothing was saved" in response.text
    assert not Notification.objects.exists()


def test_a_post_with_the_csrf_token_from_the_form_is_accepted(llr):
    client = Client(enforce_csrf_checks=True)
    form = client.get(URL)
    token = form.context["csrf_token"]

    response = client.post(URL, {**notification_post(), "csrfmiddlewaretoken": str(token)})

    assert response.status_code == 302
    assert Notification.objects.count() == 1


def test_too_many_posts_from_one_address_are_refused(llr, settings):
    settings.NOTIFY_RATE_LIMIT = "2/m"
    client = Client()

    responses = [post(notification_post(), client) for _ in range(3)]

    assert [r.status_code for r in responses[:2]] == [302, 302]
    assert responses[2].status_code in (403, 429)
    assert Notification.objects.count() == 2


def test_too_many_posts_from_one_address_get_our_too_many_attempts_page(llr, settings):
    settings.NOTIFY_RATE_LIMIT = "2/m"
    client = Client()

    responses = [post(notification_post(), client) for _ in range(3)]

    assert [r.status_code for r in responses] == [302, 302, 429]
    blocked = responses[2]
    assert blocked["Retry-After"] == "600"
    assert "Too many attempts" in blocked.text
    assert "phone the review team" in blocked.text
    assert Notification.objects.count() == 2


def test_the_rate_limit_counts_posts_only_so_the_form_can_still_be_read(llr, settings):
    settings.NOTIFY_RATE_LIMIT = "1/m"
    client = Client()
    post(notification_post(), client)

    assert client.get(URL).status_code == 200


def test_the_form_for_an_unknown_area_is_not_found(llr):
    response = Client().post("/nowhere/notify/", notification_post())

    assert response.status_code == 404
    assert not Notification.objects.exists()
