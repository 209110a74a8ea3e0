"""The published schema: valid, in step with the code's lists, documented, and met by the
document of a case of every shape."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from jsonschema import Draft202012Validator

from cdop.agencies.models import Organisation
from cdop.analysis.models import CategoryOfDeath, FactorDomain
from cdop.cases.models import Expectedness, Sex
from cdop.cases.services import case_reopen
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory
from cdop.ncmd.schema import SCHEMA_VERSION, schema_errors, schema_load
from cdop.ncmd.selectors import ncmd_documents
from cdop.ncmd.tests.factories import finalised_case, notified, returned_forms
from cdop.notifications.models import ApiClient
from cdop.notifications.reference import (
    Ethnicity,
    NhsNumberStatus,
    PlaceOfDeath,
    ResidenceStatus,
    YesNoNotKnown,
)

pytestmark = pytest.mark.django_db


def _enum(*path: str) -> list[object]:
    node = schema_load()
    for key in path:
        node = node[key]
    return [v for v in node["enum"] if v is not None]


def _document(case):  # type: ignore[no-untyped-def]
    (doc,) = ncmd_documents(case_ids=[case.pk])
    return doc.document


def test_the_schema_is_a_valid_draft_2020_12_schema_with_its_version():
    schema = schema_load()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION


def test_every_field_of_the_schema_is_described():
    def walk(node: object, path: str) -> None:
        if isinstance(node, dict):
            for name, child in node.get("properties", {}).items():
                assert child.get("description"), f"{path}/{name} has no description"
                walk(child, f"{path}/{name}")
            for key in ("items", "additionalProperties"):
                if isinstance(node.get(key), dict):
                    walk(node[key], f"{path}[]")
            for option in node.get("oneOf", []):
                walk(option, path)

    walk(schema_load(), "")


def test_the_code_lists_of_the_schema_are_the_code_lists_of_the_service():
    props = schema_load()["properties"]
    child = props["child"]["properties"]
    note = props["notifications"]["items"]["properties"]
    analysis = props["analysis"]["oneOf"][1]["properties"]
    assert _enum("properties", "case", "properties", "status") == list(Status.values)
    assert child["sex"]["enum"] == list(Sex.values)
    assert child["ethnicity"]["enum"] == list(Ethnicity.values)
    assert child["nhs_number_status"]["enum"] == list(NhsNumberStatus.values)
    assert child["expectedness"]["enum"] == list(Expectedness.values)
    assert note["death"]["properties"]["place_of_death"]["enum"] == list(PlaceOfDeath.values)
    assert note["death"]["properties"]["post_mortem"]["enum"] == list(YesNoNotKnown.values)
    assert note["residence"]["properties"]["status"]["enum"] == list(ResidenceStatus.values)
    agency = props["reporting_forms"]["items"]["properties"]["agency"]["properties"]
    assert agency["kind"]["enum"] == list(Organisation.Kind.values)
    categories = CategoryOfDeath.objects.filter(form_version__version=1).order_by("position")
    assert [c for c in analysis["category"]["enum"] if c] == [c.code for c in categories]
    domains = FactorDomain.objects.filter(form_version__version=1).order_by("position")
    factor = analysis["factors"]["items"]["properties"]
    assert factor["domain"]["enum"] == [d.code for d in domains]
    # Every code's label is in the description, for a reader without the code.
    for category in categories:
        assert (
            f"`{category.code}` {category.position}. {category.name}"
            in (analysis["category"]["description"])
        )


def test_the_committed_documentation_is_what_the_schema_says(settings):
    out = StringIO()
    call_command("ncmd_schema_docs", "--check", stdout=out)
    assert "up to date" in out.getvalue()


def test_a_case_just_opened_without_notifications_or_forms_validates(llr):
    case = CaseFactory(area=llr, child_nhs_number="")

    document = _document(case)

    assert schema_errors(document) == []
    assert document["notifications"] == []
    assert document["reporting_forms"] == []
    assert document["analysis"] is None
    assert document["child"]["nhs_number"] is None
    assert document["child"]["nhs_number_status"] == "not_available"


def test_a_notified_case_carries_every_notifiers_account_and_validates(llr):
    case = CaseFactory(area=llr, status=Status.INFORMATION_GATHERING)
    first = notified(case, received_at=timezone.now() - timezone.timedelta(hours=2))
    notified(
        case,
        api_client=ApiClient.objects.create(
            area=llr, name="Synthetic hospital", token_hash="x" * 64, token_prefix="x"
        ),
        time_of_death=None,
        child_other_names="",
        child_ethnicity="not_known",
        ncmd_alert=True,
        ncmd_alert_reason="Possible cluster of similar deaths",
    )

    document = _document(case)

    assert schema_errors(document) == []
    assert document["notifications"][0]["reference"] == first.reference
    assert [n["channel"] for n in document["notifications"]] == ["web", "api"]
    assert document["notifications"][1]["death"]["time_of_death"] is None
    assert document["child"]["ethnicity"] == "asian_indian"
    assert document["child"]["other_names"] == "Olly"
    assert document["case"]["first_notified_at"] == document["notifications"][0]["received_at"]


def test_returned_forms_carry_their_definition_version_and_answers_and_validate(llr, alice):
    case = CaseFactory(area=llr, status=Status.AWAITING_CDRM)
    returned_forms(case, alice)

    doc = ncmd_documents(case_ids=[case.pk])[0]

    assert schema_errors(doc.document) == []
    (agency,) = doc.document["reporting_forms"]
    assert [(f["code"], f["version"], f["kind"]) for f in agency["forms"]] == [
        ("reporting-form", 1, "core"),
        ("asthma-anaphylaxis", 1, "supplementary"),
    ]
    assert agency["forms"][0]["answers"]["weight_kg"] == {"not_known": True}
    assert doc.form_versions["forms"] == {"reporting-form": 1, "asthma-anaphylaxis": 1}


def test_a_finalised_case_with_its_analysis_validates(llr, alice):
    case = finalised_case(area=llr, by=alice)

    doc = ncmd_documents(case_ids=[case.pk])[0]

    assert schema_errors(doc.document) == []
    analysis = doc.document["analysis"]
    assert (analysis["category"], analysis["category_position"], analysis["form_version"]) == (
        "infection",
        9,
        1,
    )
    assert analysis["factors"][0]["domain"] == "service_provision"
    assert analysis["factors"][0]["modifiable"] is True
    assert doc.document["case"]["status_history"][-1]["to_status"] == "finalised"
    assert doc.form_versions["analysis"] == 1


def test_a_reopened_case_validates_and_says_it_was_reopened(llr, alice):
    case = finalised_case(area=llr, by=alice)
    case_reopen(case=case, by=alice, reason="The inquest found a new cause")

    document = _document(case)

    assert schema_errors(document) == []
    assert document["case"]["reopened"] is True
    assert document["case"]["finalised_at"] is None
    assert document["case"]["status"] == "panel_reviewed"


def test_a_draft_analysis_with_nothing_agreed_yet_validates(llr, alice):
    from cdop.analysis.tests.factories import complete_analysis

    case = CaseFactory(area=llr, status=Status.AWAITING_PANEL)
    complete_analysis(
        case=case,
        by=alice,
        status="draft",
        category=None,
        modifiable="",
        expectedness="",
        completed_at=None,
        completed_by=None,
    )

    document = _document(case)

    assert schema_errors(document) == []
    assert document["analysis"]["category"] is None
    assert document["analysis"]["modifiable"] is None


def test_a_document_that_breaks_the_schema_is_reported_with_where(llr):
    document = _document(CaseFactory(area=llr))
    document["child"]["sex"] = "unknown"
    document["child"]["nhs_number"] = "123"

    errors = schema_errors(document)

    assert any(e.startswith("child/sex:") for e in errors)
    assert any(e.startswith("child/nhs_number:") for e in errors)


def test_the_documents_of_many_cases_take_the_same_queries_as_one(
    llr, alice, django_assert_num_queries
):
    one = finalised_case(area=llr, by=alice)
    many = [finalised_case(area=llr, by=alice) for _ in range(5)]

    with django_assert_num_queries(11):
        ncmd_documents(case_ids=[one.pk])
    with django_assert_num_queries(11):
        documents = ncmd_documents(case_ids=[c.pk for c in many])
    assert len(documents) == 5
    assert json.dumps([d.document for d in documents])
