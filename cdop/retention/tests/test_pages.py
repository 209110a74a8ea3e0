"""The retention pages: the policy (administrators only, audited) and the subject-access
export (finds a person across the apps; the zip holds their data and nobody else's)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from cdop.accounts.models import Role, User
from cdop.areas.models import Area
from cdop.core.tests.factories import MembershipFactory, NotificationFactory
from cdop.meetings.tests.factories import InviteeFactory
from cdop.retention.models import RetentionPolicy, SubjectAccessExport
from cdop.retention.tests.conftest import (
    CHILD_FIRST,
    FATHER,
    FATHER_PHONE,
    MOTHER,
    MOTHER_EMAIL,
    MOTHER_PHONE,
    NHS,
    NOTIFIER,
    NOTIFIER_EMAIL,
    NOTIFIER_PHONE,
    PlantedCase,
)

ClientFor = Callable[[User], Client]


def zip_members(response: Any) -> dict[str, str]:
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    return {name: archive.read(name).decode() for name in archive.namelist()}


# --- who may see ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["alice", "devi", "kim", "chris", "charlie", "olu"])
def test_only_administrators_reach_any_page(
    persona: str, request: pytest.FixtureRequest, client_for: ClientFor, llr: Area
) -> None:
    from conftest import give_totp

    user = request.getfixturevalue(persona)
    if persona == "charlie":
        give_totp(user)  # past the second-factor set-up, to the page itself
    client = client_for(user)
    for url in (
        reverse("retention:index"),
        reverse("retention:policy", args=[llr.slug]),
        reverse("retention:subject_access"),
    ):
        assert client.get(url).status_code == 404, url
    post = {"name": NOTIFIER, "email": NOTIFIER_EMAIL}
    assert client.post(reverse("retention:subject_access"), post).status_code == 404
    export = {**post, "records": ["notifier:1"]}
    assert client.post(reverse("retention:subject_access_export"), export).status_code == 404


def test_an_administrator_elsewhere_cannot_change_this_areas_policy(
    client_for: ClientFor, olu: User, other_area: Area, llr: Area
) -> None:
    MembershipFactory(user=olu, area=other_area, role=Role.ADMINISTRATOR)
    client = client_for(olu)
    assert client.get(reverse("retention:index")).status_code == 200
    url = reverse("retention:policy", args=[llr.slug])
    assert client.get(url).status_code == 404
    response = client.post(url, {"years_after_finalised": "10", "reason": "Ours"})
    assert response.status_code == 404
    assert not RetentionPolicy.objects.filter(area=llr).exists()


# --- the policy -----------------------------------------------------------------------------


def test_an_administrator_sees_and_changes_the_policy(
    client_for: ClientFor, ada: User, llr: Area
) -> None:
    client = client_for(ada)
    index = client.get(reverse("retention:index"))
    assert index.status_code == 200
    assert "15 (default)" in index.content.decode()
    url = reverse("retention:policy", args=[llr.slug])
    assert client.get(url).status_code == 200

    response = client.post(
        url, {"years_after_finalised": "20", "reason": "LLR retention schedule 2026"}
    )

    assert response.status_code == 302
    policy = RetentionPolicy.objects.get(area=llr)
    assert (policy.years_after_finalised, policy.updated_by) == (20, ada)
    entry = LogEntry.objects.get(content_type__model="retentionpolicy", object_pk=str(policy.pk))
    assert entry.actor == ada
    assert entry.changes["years_after_finalised"][1] == "20"


@pytest.mark.parametrize(
    ("years", "reason", "message"),
    [
        ("0", "Typed in error", "must be 6 or more"),
        ("5", "Too short", "must be 6 or more"),
        ("76", "Too long", "must be 75 or less"),
        ("ten", "Words", "must be a whole number"),
        ("", "Blank", "Enter the number of years"),
        ("10", "", "Enter why the area keeps records this long"),
    ],
)
def test_a_bad_policy_is_refused_with_a_clear_message(
    client_for: ClientFor, ada: User, llr: Area, years: str, reason: str, message: str
) -> None:
    response = client_for(ada).post(
        reverse("retention:policy", args=[llr.slug]),
        {"years_after_finalised": years, "reason": reason},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RetentionPolicy.objects.exists()


def test_an_unknown_area_is_not_found(client_for: ClientFor, ada: User) -> None:
    assert client_for(ada).get("/staff/retention/policy/atlantis/").status_code == 404


# --- subject access -------------------------------------------------------------------------


def search(client: Client, **data: str) -> Any:
    return client.post(reverse("retention:subject_access"), data)


def test_it_finds_a_notifier_across_apps(
    client_for: ClientFor, ada: User, old_case: PlantedCase
) -> None:
    InviteeFactory(meeting=old_case.others["meeting"], name=NOTIFIER, email=NOTIFIER_EMAIL)
    response = search(client_for(ada), name=NOTIFIER, email=NOTIFIER_EMAIL)
    assert response.status_code == 200
    keys = {m.key.split(":")[0] for m in response.context["matches"]}
    assert keys == {"notifier", "invitee"}
    assert all(m.strong for m in response.context["matches"])
    # The search itself is recorded: who looked for whom.
    assert LogEntry.objects.filter(
        actor=ada, additional_data__subject_access_search=NOTIFIER
    ).exists()


def test_it_finds_a_parent_by_their_family_and_link(
    client_for: ClientFor, ada: User, old_case: PlantedCase
) -> None:
    response = search(client_for(ada), name=MOTHER, email=MOTHER_EMAIL)
    matches = {m.key: m for m in response.context["matches"]}
    mother = f"family_member:{old_case.others['mother'].pk}"
    link = f"secure_link:{old_case.link.pk}"
    assert matches[mother].matched_on == ["name", "email"]
    assert matches[link].matched_on == ["email"]
    assert not any(key.startswith("notifier") for key in matches)


def test_a_postcode_finds_the_family_for_the_administrator_to_check(
    client_for: ClientFor, ada: User, old_case: PlantedCase
) -> None:
    response = search(client_for(ada), name=MOTHER, postcode="le2 7qq")
    strong = [m for m in response.context["matches"] if m.strong]
    weak = [m for m in response.context["matches"] if not m.strong]
    assert [m.key for m in strong] == [f"family_member:{old_case.others['mother'].pk}"]
    assert [m.key for m in weak] == [f"family_member:{old_case.others['father'].pk}"]
    assert "check this is the same person" in response.content.decode()


def test_the_parents_zip_holds_their_data_and_not_anyone_elses(
    client_for: ClientFor, ada: User, old_case: PlantedCase
) -> None:
    mother_key = f"family_member:{old_case.others['mother'].pk}"
    response = client_for(ada).post(
        reverse("retention:subject_access_export"),
        {"name": MOTHER, "email": MOTHER_EMAIL, "records": [mother_key]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    members = zip_members(response)
    assert set(members) == {"subject-access.json", "summary.html", "summary.txt"}
    document = json.loads(members["subject-access.json"])
    section = document["sections"][0]
    assert section["details"]["phone"] == MOTHER_PHONE
    assert section["details"]["email"] == MOTHER_EMAIL
    kinds = [record["kind"] for record in section["records"]]
    assert "Contact with you" in kinds
    assert "Letter sent to the family" in kinds
    assert "What you wrote to the review" in kinds
    for text in members.values():
        assert MOTHER in text
        # Not the father's details, nor the child's record.
        assert FATHER_PHONE not in text
        assert FATHER not in text
        assert NHS not in text
        assert "bronchopneumonia" not in text.lower()
        assert NOTIFIER_EMAIL not in text
    export = SubjectAccessExport.objects.get()
    assert (export.by, export.subject_name, export.records) == (ada, MOTHER, [mother_key])
    assert LogEntry.objects.filter(
        content_type__model="subjectaccessexport", object_pk=str(export.pk), actor=ada
    ).exists()


def test_the_notifiers_zip_holds_their_details_not_the_childs(
    client_for: ClientFor, ada: User, old_case: PlantedCase
) -> None:
    key = f"notifier:{old_case.others['notification'].pk}"
    response = client_for(ada).post(
        reverse("retention:subject_access_export"),
        {"name": NOTIFIER, "phone": NOTIFIER_PHONE, "records": [key]},
    )
    assert response.status_code == 200
    text = zip_members(response)["summary.txt"]
    assert NOTIFIER_EMAIL in text
    assert CHILD_FIRST not in text
    assert MOTHER not in text
    assert FATHER not in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": NOTIFIER}, "Enter an email address, phone number or postcode"),
        ({"name": "", "email": NOTIFIER_EMAIL}, "Enter the person&#x27;s full name"),
        ({"name": NOTIFIER, "email": "not-an-email"}, "Enter an email address like"),
        ({"name": NOTIFIER, "phone": "call me"}, "Enter a phone number like"),
        ({"name": NOTIFIER, "postcode": "NOT A POSTCODE"}, "Enter a postcode like"),
    ],
)
def test_a_bad_search_is_refused(
    client_for: ClientFor, ada: User, data: dict[str, str], message: str
) -> None:
    response = search(client_for(ada), **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not LogEntry.objects.filter(additional_data__has_key="subject_access_search").exists()


def test_an_export_with_nothing_selected_is_refused(
    client_for: ClientFor, ada: User, old_case: PlantedCase
) -> None:
    response = client_for(ada).post(
        reverse("retention:subject_access_export"), {"name": NOTIFIER, "email": NOTIFIER_EMAIL}
    )
    assert response.status_code == 400
    assert "Select at least one record" in response.content.decode()
    assert not SubjectAccessExport.objects.exists()


def test_an_export_cannot_reach_a_record_outside_the_search(
    client_for: ClientFor, ada: User, old_case: PlantedCase, other_area: Area
) -> None:
    elsewhere = NotificationFactory(
        area=other_area, notifier_name=NOTIFIER, notifier_email=NOTIFIER_EMAIL
    )
    for key in (f"notifier:{elsewhere.pk}", "notifier:not-a-number", "case:1"):
        response = client_for(ada).post(
            reverse("retention:subject_access_export"),
            {"name": NOTIFIER, "email": NOTIFIER_EMAIL, "records": [key]},
        )
        assert response.status_code == 400, key
        assert "not among the matches" in response.content.decode()
    assert not SubjectAccessExport.objects.exists()


def test_export_only_answers_a_post(client_for: ClientFor, ada: User) -> None:
    assert client_for(ada).get(reverse("retention:subject_access_export")).status_code == 405


def test_the_index_lists_what_the_job_anonymised(
    client_for: ClientFor, ada: User, old_case: PlantedCase
) -> None:
    from django.core.management import call_command

    call_command("apply_retention", stdout=io.StringIO())

    page = client_for(ada).get(reverse("retention:index")).content.decode()
    assert old_case.case.reference in page
    assert CHILD_FIRST not in page
