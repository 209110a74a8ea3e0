"""The daily retention job: what it anonymises, what it keeps, and what it leaves alone."""

from __future__ import annotations

import datetime
import io
import json
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone

from cdop.accounts.models import User
from cdop.agencies.models import AgencyContact
from cdop.agencyforms.models import RequestedForm
from cdop.analysis.models import Analysis
from cdop.areas.models import Area
from cdop.cases.models import Case, CaseNameStart
from cdop.cases.workflow import Status
from cdop.documents.storage import storage_path
from cdop.family.models import FamilyMember, FamilyProfile
from cdop.notifications.models import Notification
from cdop.retention.anonymise import ANONYMISED_NAME, TARGETS, generalised_dates
from cdop.retention.models import (
    REMOVED,
    AnonymisedCase,
    RedactionPermit,
    RetentionPolicy,
    RetentionRun,
)
from cdop.retention.services import retention_apply
from cdop.retention.tests.conftest import (
    AGENCY_EMAIL,
    CHILD_FIRST,
    CHILD_LAST,
    MOTHER,
    SECRETS,
    PlantedCase,
    plant_case,
)
from cdop.securelinks.models import SecureLink

TODAY = timezone.localdate()


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


def every_value_of_the_case(planted: PlantedCase) -> str:
    """Every field of every row the TARGETS table reaches for the case, as one string."""
    parts: list[str] = []
    for target in TARGETS:
        for row in target.queryset(planted.case.pk).values():
            parts.append(json.dumps(row, default=str))
    return "\n".join(parts)


def audit_log_text() -> str:
    parts = [
        json.dumps(
            [e.changes, e.changes_text, e.object_repr, e.serialized_data, e.additional_data],
            default=str,
        )
        for e in LogEntry.objects.all()
    ]
    return "\n".join(parts)


def test_a_case_past_retention_is_anonymised_in_every_app(old_case: PlantedCase) -> None:
    before = every_value_of_the_case(old_case)
    assert all(secret in before for secret in (CHILD_FIRST, MOTHER, AGENCY_EMAIL))

    output = run()

    assert f"Anonymising {old_case.case.reference}" in output
    after = every_value_of_the_case(old_case)
    for secret in SECRETS:
        assert secret not in after, secret
    case = Case.objects.get(pk=old_case.case.pk)
    assert case.child_first_name == ANONYMISED_NAME
    assert (case.child_last_name, case.child_nhs_number, case.child_postcode) == ("", "", "")
    assert (case.search_first_name, case.search_last_name) == ("", "")
    assert (case.search_first_sound, case.search_last_sound) == ("", "")
    notification = Notification.objects.get(pk=old_case.others["notification"].pk)
    assert notification.notifier_name == notification.notifier_email == ""
    assert notification.notifier_phone == notification.child_address == ""
    assert notification.circumstances == REMOVED
    assert notification.time_of_death is None
    mother = FamilyMember.objects.get(pk=old_case.others["mother"].pk)
    assert (mother.name, mother.phone, mother.email) == (ANONYMISED_NAME, "", "")
    assert FamilyProfile.objects.get(case=case).postal_address == ""
    answers = RequestedForm.objects.get(pk=old_case.others["requested"].pk).answers
    assert answers == {"known_since": REMOVED, "attended": True}


def test_the_keys_of_the_starts_of_the_names_are_deleted(
    old_case: PlantedCase, client_for: Any, alice: User
) -> None:
    case = old_case.case
    starts = CaseNameStart.objects.filter(case=case)
    assert starts.count() == len("Zebedee") - 3 + len("Quillfeather") - 3
    client = client_for(alice)
    assert case.reference in client.get("/staff/cases/", {"q": CHILD_LAST[:6]}).text

    assert "cases.CaseNameStart 13" in run("--dry-run")
    assert starts.count() == 13
    run()

    assert not starts.exists()
    assert AnonymisedCase.objects.get(case=case).rows_changed["cases.CaseNameStart"] == 13
    assert case.reference not in client.get("/staff/cases/", {"q": CHILD_LAST[:6]}).text


def test_it_keeps_what_the_statistics_need(old_case: PlantedCase) -> None:
    original: Case = old_case.case
    age_in_days = (original.date_of_death - original.child_date_of_birth).days

    run()

    case = Case.objects.get(pk=original.pk)
    assert case.area_id == original.area_id
    assert case.status == Status.FINALISED
    assert case.child_sex == original.child_sex
    assert case.expectedness == original.expectedness
    assert case.finalised_at == original.finalised_at
    # The month and year of death stay; the day goes; the age at death is exact.
    assert (case.date_of_death.year, case.date_of_death.month) == (2004, 9)
    assert case.date_of_death.day == 1
    assert case.child_date_of_birth != original.child_date_of_birth
    assert (case.date_of_death - case.child_date_of_birth).days == age_in_days
    notification = Notification.objects.get(pk=old_case.others["notification"].pk)
    assert notification.child_ethnicity == "white_british"
    assert (notification.date_of_death - notification.child_date_of_birth).days == age_in_days
    analysis = Analysis.objects.get(case=case)
    assert analysis.category is not None
    assert analysis.category.code == "infection"
    assert analysis.modifiable == Analysis.Modifiable.YES
    # The agency directory is not the case's: its contacts stay.
    assert AgencyContact.objects.filter(email=AGENCY_EMAIL).exists()


def test_document_files_are_deleted_and_links_revoked(old_case: PlantedCase) -> None:
    path = storage_path(old_case.document.storage_name)
    assert path.exists()

    run()

    assert not path.exists()
    links = SecureLink.objects.filter(pk__in=[old_case.link.pk, old_case.others["agency_link"].pk])
    assert all(link.revoked_at is not None and link.email == "" for link in links)
    record = AnonymisedCase.objects.get(case=old_case.case)
    assert (record.files_deleted, record.links_revoked) == (1, 2)


def test_the_audit_record_is_written(old_case: PlantedCase, llr: Area) -> None:
    run()

    record = AnonymisedCase.objects.get(case=old_case.case)
    assert record.area_id == llr.pk
    assert record.policy_years == 15
    assert record.retention_ends_on <= TODAY
    assert record.rows_changed["cases.Case"] == 1
    assert record.rows_changed["family.FamilyMember"] == 2
    assert record.run.cases_anonymised == 1
    assert record.run.finished_at is not None
    entry = LogEntry.objects.get(object_pk=str(old_case.case.pk), changes__retention__isnull=False)
    assert entry.changes == {"retention": ["identifiable", "anonymised"]}
    assert entry.additional_data["retention_run"] == record.run_id
    assert LogEntry.objects.filter(
        content_type__model="anonymisedcase", object_pk=str(record.pk)
    ).exists()


def test_the_audit_logs_history_keeps_no_old_value(old_case: PlantedCase) -> None:
    history = audit_log_text()
    assert CHILD_FIRST in history
    assert MOTHER in history

    run()

    history = audit_log_text()
    for secret in SECRETS:
        assert secret not in history, secret
    redacted = LogEntry.objects.filter(additional_data__redacted__by="retention")
    record = AnonymisedCase.objects.get(case=old_case.case)
    assert redacted.count() == record.log_entries_redacted > 10
    # Who did what, and when, stays: only the old values went.
    case_entry = redacted.filter(content_type__model="case").order_by("pk").first()
    assert case_entry is not None
    assert case_entry.changes["child_first_name"] == [REMOVED, REMOVED]
    assert "status" in case_entry.changes
    assert case_entry.changes["status"] != [REMOVED, REMOVED]
    assert not RedactionPermit.objects.exists()


def test_the_audit_log_stays_append_only_outside_a_redaction(old_case: PlantedCase) -> None:
    entry = LogEntry.objects.order_by("pk").first()
    assert entry is not None
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(object_repr="rewritten")
    # Even with a permit, who did it and when cannot change.
    with transaction.atomic():
        RedactionPermit.objects.create()
        with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
            LogEntry.objects.filter(pk=entry.pk).update(timestamp=timezone.now())
        RedactionPermit.objects.all().delete()


def test_a_case_not_past_retention_is_untouched(llr: Area, ada: User) -> None:
    recent = plant_case(
        area=llr, staff=ada, finalised_at=timezone.now() - datetime.timedelta(days=365 * 14)
    )
    before = every_value_of_the_case(recent)

    output = run()

    assert "No case is past its retention date" in output
    assert every_value_of_the_case(recent) == before
    assert storage_path(recent.document.storage_name).exists()
    assert not AnonymisedCase.objects.exists()
    assert not RetentionRun.objects.exists()


def test_an_open_case_is_never_anonymised(
    llr: Area, ada: User, long_ago: datetime.datetime
) -> None:
    open_case = plant_case(
        area=llr, staff=ada, finalised_at=long_ago, status=Status.INFORMATION_GATHERING
    )
    before = every_value_of_the_case(open_case)

    run()

    assert every_value_of_the_case(open_case) == before


def test_a_case_closed_out_of_scope_runs_from_its_closing(
    llr: Area, ada: User, long_ago: datetime.datetime
) -> None:
    closed = plant_case(area=llr, staff=ada, finalised_at=long_ago, status=Status.OUT_OF_SCOPE)

    run()

    assert AnonymisedCase.objects.get(case=closed.case).closed_at == long_ago


def test_the_areas_own_period_decides(llr: Area, ada: User) -> None:
    eight_years_ago = timezone.now() - datetime.timedelta(days=365 * 8 + 3)
    planted = plant_case(area=llr, staff=ada, finalised_at=eight_years_ago)
    assert "No case" in run()

    RetentionPolicy.objects.create(area=llr, years_after_finalised=7, reason="Local schedule")
    output = run()

    assert "kept 7 years" in output
    assert AnonymisedCase.objects.get(case=planted.case).policy_years == 7


def test_a_dry_run_writes_nothing(old_case: PlantedCase) -> None:
    before = every_value_of_the_case(old_case)
    entries = LogEntry.objects.count()

    output = run("--dry-run")

    assert f"Would anonymise {old_case.case.reference}" in output
    assert "family.FamilyMember 2" in output
    assert "files 1" in output
    assert "nothing was changed" in output
    assert every_value_of_the_case(old_case) == before
    assert LogEntry.objects.count() == entries
    assert not AnonymisedCase.objects.exists()
    assert not RetentionRun.objects.exists()
    assert storage_path(old_case.document.storage_name).exists()


def test_a_second_run_does_nothing(old_case: PlantedCase) -> None:
    run()
    after_first = every_value_of_the_case(old_case)
    entries = LogEntry.objects.count()

    output = run()

    assert "No case is past its retention date" in output
    assert every_value_of_the_case(old_case) == after_first
    assert LogEntry.objects.count() == entries
    assert RetentionRun.objects.count() == 1
    assert AnonymisedCase.objects.count() == 1


def test_today_can_be_given(old_case: PlantedCase) -> None:
    a_day_before = (old_case.case.finalised_at or timezone.now()).date() + datetime.timedelta(
        days=365 * 15 - 10
    )
    assert "No case" in run("--today", a_day_before.isoformat())
    assert "Anonymising" in run("--today", TODAY.isoformat())


def test_a_malformed_today_is_refused(db: Any) -> None:
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--today", "28/11/2026")


def test_no_policy_can_be_shorter_than_the_floor(llr: Area) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionPolicy.objects.create(area=llr, years_after_finalised=0, reason="Mistake")


def test_one_failing_case_does_not_stop_the_others(
    old_case: PlantedCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cdop.retention import services

    real = services.log_entries_redact

    def failing(**kwargs: Any) -> int:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "log_entries_redact", failing)
    result = retention_apply(today=TODAY)
    assert len(result.failed) == 1
    assert not result.anonymised
    # The failed case was rolled back whole: nothing half-anonymised, its file kept.
    assert Case.objects.get(pk=old_case.case.pk).child_first_name == CHILD_FIRST
    assert storage_path(old_case.document.storage_name).exists()

    monkeypatch.setattr(services, "log_entries_redact", real)
    assert len(retention_apply(today=TODAY).anonymised) == 1


def test_generalised_dates_keep_the_age_and_are_stable() -> None:
    born, died = generalised_dates(
        date_of_birth=datetime.date(2020, 2, 29), date_of_death=datetime.date(2020, 3, 2)
    )
    assert (died, (died - born).days) == (datetime.date(2020, 3, 1), 2)
    assert generalised_dates(date_of_birth=born, date_of_death=died) == (born, died)


def test_every_model_that_belongs_to_a_case_is_accounted_for() -> None:
    """A new model pointing at a case (or at a row the job changes) must be added to
    TARGETS, DELETED or, with a reason, to KEPT_ON_PURPOSE: otherwise its data would
    outlive the retention period unnoticed."""
    from django.apps import apps
    from django.db import models

    from cdop.retention.anonymise import DELETED, KEPT_ON_PURPOSE

    handled = {target.label for target in TARGETS}
    followed = {apps.get_model(label) for label in handled}
    missing = sorted(
        {
            model._meta.label
            for model in apps.get_models()
            for field in model._meta.concrete_fields
            if isinstance(field, models.ForeignKey) and field.related_model in followed
        }
        - handled
        - set(DELETED)
        - set(KEPT_ON_PURPOSE)
    )
    assert missing == []


def test_only_an_administrator_of_the_area_changes_its_policy(
    llr: Area, alice: User, ada: User
) -> None:
    from cdop.core.errors import DomainError
    from cdop.retention.services import retention_policy_update

    with pytest.raises(DomainError, match="administrators"):
        retention_policy_update(area=llr, by=alice, years_after_finalised=10, reason="Mine")
    with pytest.raises(DomainError, match="from 6 to 75"):
        retention_policy_update(area=llr, by=ada, years_after_finalised=3, reason="Short")
    policy = retention_policy_update(area=llr, by=ada, years_after_finalised=10, reason=" Ours ")
    assert (policy.years_after_finalised, policy.reason) == (10, "Ours")
