from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from auditlog.models import LogEntry

from cdop.accounts.models import User
from cdop.core.errors import DomainError
from cdop.formdefs.models import FormDefinition
from cdop.formdefs.selectors import formdef_current
from cdop.formdefs.services import formdef_publish

pytestmark = pytest.mark.django_db


def _as_file(definition: FormDefinition) -> dict[str, Any]:
    return {
        "code": definition.code,
        "kind": definition.kind,
        "title": definition.title,
        "description": definition.description,
        "status_confirmed": definition.status_confirmed,
        "suggest_when": definition.suggest_when,
        "schema": copy.deepcopy(definition.schema),
    }


def test_publishing_adds_the_next_version_and_keeps_the_old(ada: User) -> None:
    old = formdef_current(code="drowning")
    data = _as_file(old)
    data["schema"]["sections"][0]["questions"][0]["label"] = "Where was the child found?"
    new = formdef_publish(data=data, by=ada)
    assert new.version == old.version + 1
    assert formdef_current(code="drowning") == new
    old.refresh_from_db()
    assert old.schema["sections"][0]["questions"][0]["label"] == "Where did the drowning happen?"
    entry = LogEntry.objects.get_for_object(new).get()
    assert entry.actor == ada


def test_it_refuses_a_version_identical_to_the_current_one(ada: User) -> None:
    with pytest.raises(DomainError, match="nothing new to publish"):
        formdef_publish(data=_as_file(formdef_current(code="drowning")), by=ada)


def test_it_refuses_to_change_the_kind_of_a_form(ada: User) -> None:
    data = _as_file(formdef_current(code="drowning"))
    data["kind"] = "core"
    with pytest.raises(DomainError, match="cannot change its kind"):
        formdef_publish(data=data, by=ada)


def test_the_list_and_a_version_are_read_by_managers_and_administrators(
    client_for: Any, alice: User, ada: User, olu: User
) -> None:
    for user in (alice, ada, olu):
        page = client_for(user).get("/staff/form-definitions/").content.decode()
        assert "Reporting Form" in page
        assert "Road traffic collision" in page
    core = formdef_current(code="reporting-form")
    response = client_for(alice).get(f"/staff/form-definitions/reporting-form/{core.version}/")
    page = response.content.decode()
    assert "Mother&#x27;s body mass index (BMI) at booking" in page
    assert "Was bereavement support offered to the family?" in page
    assert LogEntry.objects.filter(
        object_pk=str(core.pk), action=LogEntry.Action.ACCESS, actor=alice
    ).exists()


def test_suggestion_rules_are_shown_in_words(client_for: Any, alice: User) -> None:
    neonatal = formdef_current(code="delivery-suite-neonatal")
    page = (
        client_for(alice)
        .get(f"/staff/form-definitions/{neonatal.code}/{neonatal.version}/")
        .content.decode()
    )
    assert "aged 27 days or less" in page
    assert "died at neonatal unit or delivery suite" in page


@pytest.mark.parametrize("persona", ["devi", "kim", "chris", "pat"])
def test_other_roles_get_a_404(client_for: Any, persona: str, request: Any) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get("/staff/form-definitions/").status_code == 404
    assert client.get("/staff/form-definitions/drowning/1/").status_code == 404
    assert client.get("/staff/form-definitions/publish/").status_code == 404


def test_a_missing_version_is_a_404(client_for: Any, alice: User) -> None:
    assert client_for(alice).get("/staff/form-definitions/drowning/99/").status_code == 404


def test_only_an_administrator_publishes(client_for: Any, alice: User) -> None:
    data = _as_file(formdef_current(code="drowning"))
    data["title"] = "Drowning and water"
    response = client_for(alice).post(
        "/staff/form-definitions/publish/", {"definition": json.dumps(data)}
    )
    assert response.status_code == 404
    assert formdef_current(code="drowning").version == 1


def test_an_administrator_publishes_from_json(client_for: Any, ada: User) -> None:
    data = _as_file(formdef_current(code="drowning"))
    data["title"] = "Drowning and water"
    response = client_for(ada).post(
        "/staff/form-definitions/publish/", {"definition": json.dumps(data)}
    )
    assert response.status_code == 302
    assert response["Location"] == "/staff/form-definitions/drowning/2/"
    assert formdef_current(code="drowning").title == "Drowning and water"


def test_malformed_json_is_shown_again_with_every_problem(client_for: Any, ada: User) -> None:
    client = client_for(ada)
    response = client.post("/staff/form-definitions/publish/", {"definition": "{not json"})
    assert response.status_code == 400
    assert "The JSON could not be read (line 1" in response.content.decode()
    assert "{not json" in response.content.decode()
    bad = {
        "code": "new-form",
        "kind": "supplementary",
        "title": "New",
        "schema": {
            "sections": [
                {
                    "id": "s",
                    "title": "S",
                    "questions": [
                        {"id": "a", "label": "A", "type": "slider"},
                        {"id": "a", "label": "B", "type": "choice"},
                    ],
                }
            ]
        },
    }
    response = client.post("/staff/form-definitions/publish/", {"definition": json.dumps(bad)})
    page = response.content.decode()
    assert response.status_code == 400
    assert "unknown type &#x27;slider&#x27;" in page
    assert "is used twice" in page
    assert "needs a list of choices" in page
    assert not FormDefinition.objects.filter(code="new-form").exists()


def test_a_version_downloads_as_json_that_publishes_as_the_next(client_for: Any, ada: User) -> None:
    client = client_for(ada)
    response = client.get("/staff/form-definitions/drowning/1/json/")
    assert response["Content-Disposition"] == 'attachment; filename="drowning-v1.json"'
    data = json.loads(response.content)
    data["schema"]["sections"][0]["questions"].append(
        {"id": "lifeguard", "label": "Was a lifeguard on duty?", "type": "yesno"}
    )
    response = client.post("/staff/form-definitions/publish/", {"definition": json.dumps(data)})
    assert response["Location"] == "/staff/form-definitions/drowning/2/"


def test_an_administrator_retires_a_supplementary_form(client_for: Any, ada: User) -> None:
    from cdop.formdefs.selectors import formdefs_available

    response = client_for(ada).post("/staff/form-definitions/drowning/retire/")
    assert response["Location"] == "/staff/form-definitions/drowning/1/"
    assert "drowning" not in {d.code for d in formdefs_available(kind="supplementary")}
    assert FormDefinition.objects.get(code="drowning").retired_at is not None


def test_the_core_form_cannot_be_retired_and_managers_cannot_retire(
    client_for: Any, ada: User, alice: User
) -> None:
    client_for(ada).post("/staff/form-definitions/reporting-form/retire/")
    assert formdef_current(code="reporting-form").retired_at is None
    assert client_for(alice).post("/staff/form-definitions/drowning/retire/").status_code == 404
    assert FormDefinition.objects.get(code="drowning").retired_at is None
