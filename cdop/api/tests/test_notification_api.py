"""A hospital or police system notifies a death through the API: the same data set and the
same rules as the web form, stored in the system's area, once however often it retries."""

from __future__ import annotations

import datetime
import json

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from cdop.api.serializers import example_submission
from cdop.api.tests.conftest import api_payload
from cdop.core.tests.factories import NotificationFactory
from cdop.notifications.models import Notification

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_cache")]

TODAY = datetime.date.today


def test_a_valid_notification_is_stored_in_the_clients_area(
    api_post, royal, llr, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_post(api_payload(), token=royal.token)

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"reference", "received_at", "residence_status"}
    notification = Notification.objects.get()
    assert body["reference"] == notification.reference
    assert body["reference"].startswith("NTF-")
    assert notification.area == llr
    assert notification.api_client == royal.client
    assert notification.child_last_name == "Synthetic"
    assert notification.child_nhs_number == "9990000018"
    assert response["Location"] == f"/api/v1/notifications/{notification.reference}/"
    assert "no-store" in response["Cache-Control"]


def test_every_field_of_the_national_form_is_stored(api_post, royal):
    payload = api_payload(
        child_other_names="Millie",
        child_ethnicity="mixed_white_asian",
        nhs_number_status="given",
        child_address="1 Synthetic Street\nLeicester",
        gp_practice="Synthetic Surgery",
        time_of_death="14:05",
        place_of_death="hospital_ed",
        place_of_death_detail="Leicester Royal Infirmary",
        post_mortem="yes",
        coroner_informed="no",
        ncmd_alert=True,
        ncmd_alert_reason="Possible faulty product",
        parental_responsibility="Mother\nFather",
        other_children="Sibling, 4",
        carer_at_time="Mother at home",
        professionals_involved="Health visitor",
    )

    response = api_post(payload, token=royal.token)

    assert response.status_code == 201, response.json()
    notification = Notification.objects.get()
    for name, value in payload.items():
        if name in ("submission_token", "child_date_of_birth", "date_of_death", "time_of_death"):
            continue
        assert getattr(notification, name) == value, name
    assert notification.time_of_death == datetime.time(14, 5)


def test_a_retry_with_the_same_submission_token_returns_the_same_reference(api_post, royal):
    payload = api_payload()

    first = api_post(payload, token=royal.token)
    second = api_post(payload, token=royal.token)

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["reference"] == first.json()["reference"]
    assert Notification.objects.count() == 1


def test_a_submission_token_used_by_someone_else_is_refused(api_post, royal, elsewhere):
    payload = api_payload()
    api_post(payload, token=elsewhere.token)

    response = api_post(payload, token=royal.token)

    assert response.status_code == 400
    assert "submission_token" in response.json()["errors"]
    assert Notification.objects.count() == 1


def test_the_create_is_in_the_audit_log_and_names_the_client(api_post, royal):
    api_post(api_payload(), token=royal.token, REMOTE_ADDR="192.0.2.7")

    notification = Notification.objects.get()
    entry = LogEntry.objects.get_for_object(notification).get(action=LogEntry.Action.CREATE)
    assert entry.actor is None
    assert entry.actor_email == f"API client {royal.client.pk}: Royal Infirmary EPR"
    assert entry.remote_addr == "192.0.2.7"
    assert entry.additional_data["area_id"] == royal.client.area_id
    assert entry.changes["api_client"][1] == str(royal.client.pk)


def test_markup_is_stored_as_text(api_post, royal):
    markup = '<script>alert("x")</script><b>bold</b>'

    response = api_post(api_payload(circumstances=markup), token=royal.token)

    assert response.status_code == 201
    assert Notification.objects.get().circumstances == markup
    assert "<script>" not in response.content.decode()


def test_optional_fields_may_be_left_out_or_null(api_post, royal):
    payload = api_payload(child_postcode=None, child_nhs_number=None)
    payload["gp_practice"] = None
    payload["time_of_death"] = None

    response = api_post(payload, token=royal.token)

    assert response.status_code == 201, response.json()
    notification = Notification.objects.get()
    assert notification.nhs_number_status == "not_available"
    assert notification.child_nhs_number == ""
    assert notification.gp_practice == ""
    assert notification.time_of_death is None
    assert notification.place_of_death == "not_known"


def errors_of(response) -> dict[str, list[str]]:
    assert response.status_code == 400, response.content
    return response.json()["errors"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"child_nhs_number": "999 000 0019"},
            "child_nhs_number",
            "This is not a valid NHS number: check each digit, or leave it blank",
        ),
        (
            {"child_nhs_number": "12345"},
            "child_nhs_number",
            "NHS number must be 10 digits, like 999 123 4567",
        ),
        (
            {"child_nhs_number": "", "nhs_number_status": "given"},
            "child_nhs_number",
            "Enter the child's NHS number, or say why you cannot give it",
        ),
        (
            {"child_postcode": "LE1 5W"},
            "child_postcode",
            "Enter a full UK postcode, like LE1 5WW, or leave it blank",
        ),
        (
            {"notifier_email": "not-an-email"},
            "notifier_email",
            "Enter an email address in the correct format, like name@example.nhs.uk",
        ),
        (
            {"notifier_phone": "abc"},
            "notifier_phone",
            "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        ),
        (
            {"ncmd_alert": True, "ncmd_alert_reason": ""},
            "ncmd_alert_reason",
            "Enter why this death needs urgent attention",
        ),
    ],
)
def test_each_rule_gives_the_web_forms_message(api_post, royal, overrides, field, message):
    errors = errors_of(api_post(api_payload(**overrides), token=royal.token))

    assert errors == {field: [message]}
    assert not Notification.objects.exists()


def test_dates_in_the_future_are_refused(api_post, royal):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()

    errors = errors_of(
        api_post(
            api_payload(child_date_of_birth=tomorrow, date_of_death=tomorrow), token=royal.token
        )
    )

    assert errors["child_date_of_birth"] == ["Date of birth must be today or in the past"]
    assert errors["date_of_death"] == ["Date of death must be today or in the past"]


def test_a_death_before_the_birth_is_refused(api_post, royal):
    today = timezone.localdate()
    payload = api_payload(
        child_date_of_birth=(today - datetime.timedelta(days=10)).isoformat(),
        date_of_death=(today - datetime.timedelta(days=20)).isoformat(),
    )

    errors = errors_of(api_post(payload, token=royal.token))

    assert errors == {"date_of_death": ["Date of death must be on or after the date of birth"]}


def test_a_death_at_18_or_older_is_refused(api_post, royal):
    today = timezone.localdate()
    payload = api_payload(
        child_date_of_birth=today.replace(year=today.year - 19).isoformat(),
        date_of_death=(today - datetime.timedelta(days=1)).isoformat(),
    )

    errors = errors_of(api_post(payload, token=royal.token))

    assert errors["date_of_death"][0].startswith("The child was 18 or older on the date of death")


def test_a_time_of_death_later_today_is_refused(api_post, royal):
    now = timezone.localtime()
    if now.hour == 23 and now.minute >= 58:
        pytest.skip("no later minute left today")
    later = (now + datetime.timedelta(minutes=2)).strftime("%H:%M")
    payload = api_payload(date_of_death=now.date().isoformat(), time_of_death=later)

    errors = errors_of(api_post(payload, token=royal.token))

    assert errors == {"time_of_death": ["Time of death must be now or in the past"]}


def test_missing_required_answers_get_the_forms_messages(api_post, royal):
    payload = {"submission_token": api_payload()["submission_token"]}

    errors = errors_of(api_post(payload, token=royal.token))

    assert errors == {
        "child_first_name": ["Enter the child's first name"],
        "child_last_name": ["Enter the child's last name"],
        "child_date_of_birth": ["Enter the child's date of birth"],
        "child_sex": ["Select the child's sex, or ‘Not known’"],
        "date_of_death": ["Enter the date the child died"],
        "expectedness": ["Select whether the death was expected, unexpected or not known yet"],
        "circumstances": ["Enter a short summary of what happened"],
        "notifier_name": ["Enter your full name"],
        "notifier_role": ["Enter your role"],
        "notifier_organisation": ["Enter your organisation"],
        "notifier_email": ["Enter your work email address"],
        "notifier_phone": ["Enter a telephone number we can reach you on"],
    }


def test_blank_required_answers_count_as_missing(api_post, royal):
    errors = errors_of(
        api_post(
            api_payload(child_first_name="  ", child_sex="", expectedness=None), token=royal.token
        )
    )

    assert errors == {
        "child_first_name": ["Enter the child's first name"],
        "child_sex": ["Select the child's sex, or ‘Not known’"],
        "expectedness": ["Select whether the death was expected, unexpected or not known yet"],
    }


def test_the_submission_token_is_required(api_post, royal):
    payload = api_payload()
    del payload["submission_token"]

    errors = errors_of(api_post(payload, token=royal.token))

    assert list(errors) == ["submission_token"]
    assert errors["submission_token"][0].startswith("Enter a submission token")


def test_badly_written_values_say_how_to_write_them(api_post, royal):
    payload = api_payload(
        child_date_of_birth="27/03/2024",
        time_of_death="2pm",
        child_sex="girl",
        submission_token="not-a-uuid",
        child_first_name="A" * 101,
    )

    errors = errors_of(api_post(payload, token=royal.token))

    assert errors["child_date_of_birth"] == [
        "Date of birth must be a real date, written as YYYY-MM-DD, like 2024-03-27"
    ]
    assert errors["time_of_death"] == ["Enter the time of death like 14:30, or leave it blank"]
    assert errors["child_sex"][0].startswith('Select a valid choice. "girl" is not one of')
    assert "female" in errors["child_sex"][0]
    assert errors["submission_token"][0].startswith("The submission token must be a UUID")
    assert errors["child_first_name"] == [
        "Ensure this value has at most 100 characters (it has 101)."
    ]


def test_unknown_fields_are_refused(api_post, royal):
    errors = errors_of(api_post(api_payload(child_fist_name="Amelia"), token=royal.token))

    assert list(errors) == ["child_fist_name"]
    assert "not part of the notification" in errors["child_fist_name"][0]
    assert not Notification.objects.exists()


def test_a_body_that_is_not_a_json_object_is_refused(api_post, royal):
    assert "non_field_errors" in errors_of(api_post("{not json", token=royal.token))
    assert "non_field_errors" in errors_of(api_post([1, 2], token=royal.token))


def test_a_body_over_64_kb_is_refused_with_413(api_post, royal):
    payload = api_payload(circumstances="x" * (65 * 1024))

    response = api_post(payload, token=royal.token)

    assert response.status_code == 413
    assert "64 KB" in response.json()["detail"]
    assert not Notification.objects.exists()


def test_a_body_that_is_not_json_is_refused_with_415(royal):
    from django.test import Client

    response = Client().post(
        "/api/v1/notifications/",
        "child_first_name=Amelia",
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {royal.token}",
    )

    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_a_system_can_check_that_its_notification_arrived(api_post, royal, client):
    reference = api_post(api_payload(), token=royal.token).json()["reference"]

    response = client.get(
        f"/api/v1/notifications/{reference}/", HTTP_AUTHORIZATION=f"Bearer {royal.token}"
    )

    assert response.status_code == 200
    body = response.json()
    assert body == {
        "reference": reference,
        "received_at": body["received_at"],
        "status": "new",
    }


def test_a_system_cannot_see_notifications_it_did_not_send(api_post, royal, elsewhere, llr, client):
    theirs = api_post(api_payload(), token=elsewhere.token).json()["reference"]
    from_the_form = NotificationFactory(area=llr).reference

    for reference in (theirs, from_the_form, "NTF-0000-0000"):
        response = client.get(
            f"/api/v1/notifications/{reference}/", HTTP_AUTHORIZATION=f"Bearer {royal.token}"
        )
        assert response.status_code == 404
        assert response.json() == {
            "detail": "No notification with that reference was sent by your system."
        }


def test_the_receipt_needs_a_token_too(api_post, royal, client):
    reference = api_post(api_payload(), token=royal.token).json()["reference"]

    assert client.get(f"/api/v1/notifications/{reference}/").status_code == 401


def test_the_json_answer_is_not_an_html_page(api_post, royal):
    response = api_post(json.dumps(api_payload()), token=royal.token)

    assert response["Content-Type"] == "application/json"


def test_the_documented_example_is_accepted(api_post, royal):
    response = api_post(example_submission(), token=royal.token)

    assert response.status_code == 201, response.json()


def test_missing_answers_and_broken_rules_between_answers_are_reported_together(api_post, royal):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    payload = api_payload(child_nhs_number="999 000 0019", date_of_death=tomorrow)
    del payload["child_first_name"]
    payload["child_sex"] = "unknown-value"

    response = api_post(payload, token=royal.token)

    assert response.status_code == 400
    errors = errors_of(response)
    assert set(errors) == {"child_first_name", "child_sex", "child_nhs_number", "date_of_death"}
    assert errors["child_first_name"] == ["Enter the child's first name"]
    assert errors["date_of_death"] == ["Date of death must be today or in the past"]
    assert errors["child_nhs_number"][0].startswith("This is not a valid NHS number")
    assert not Notification.objects.exists()
