"""Every place a case's personal data lives, and what anonymisation does to each field.

One table (`TARGETS`) read by the retention job, its dry run and the audit-log redaction, so
that the three cannot disagree. Adding a model that holds personal data about a case means
adding a row here (and a line to the test that checks every field changed).

What stays is what the statistics and the national returns need: the area, the child's sex,
ethnicity and age at death, the month and year of death, the residence codes (local
authority, not address), expectedness, the statuses and dates of the review, the Analysis
Form (category, factors, modifiable, learning and recommendations, which the panel writes
without names), actions and the clocks. See docs/retention.md.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q, QuerySet

from cdop.retention.models import REMOVED

ANONYMISED_NAME = "[anonymised]"


class Rule(enum.Enum):
    BLANK = "blank"  # set to "" (identifiers: names, NHS number, email, phone)
    REMOVE = "remove"  # free text: REMOVED when there was any text, else left empty
    NULL = "null"  # set to None (a date or time that identifies)
    NAME = "name"  # a required name: ANONYMISED_NAME
    JSON_TEXT = "json_text"  # every string inside a JSON value becomes REMOVED


@dataclass(frozen=True)
class Target:
    label: str  # "app_label.Model"
    rows: Callable[[int], Q]  # the rows of the case (by case id), as a filter on the model
    fields: dict[str, Rule]
    # Told apart from another row of the same model (one key per row of the table).
    part: str = ""

    @property
    def key(self) -> str:
        return f"{self.label}#{self.part}" if self.part else self.label

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)

    def queryset(self, case_id: int) -> QuerySet[Any]:
        return self.model._default_manager.filter(self.rows(case_id))


def _notification_rows(case_id: int) -> Q:
    """The notifications of the case: opened as it, or added to it as another account."""
    from cdop.transfers.models import CaseAddition

    added = CaseAddition.objects.filter(case_id=case_id).values("notification_id")
    return Q(case_id=case_id) | Q(pk__in=added)


def _of_case(case_id: int) -> Q:
    return Q(case_id=case_id)


_CHILD = {
    "child_first_name": Rule.NAME,
    "child_last_name": Rule.BLANK,
    "child_nhs_number": Rule.BLANK,
    # Blind indexes go with the values they match (an HMAC of an NHS number still finds it).
    "child_nhs_number_index": Rule.BLANK,
    "child_postcode": Rule.BLANK,
    "child_identity_index": Rule.BLANK,
}

TARGETS: tuple[Target, ...] = (
    Target(
        "cases.Case",
        lambda case_id: Q(pk=case_id),
        {
            **_CHILD,
            "search_first_name": Rule.BLANK,
            "search_last_name": Rule.BLANK,
            "search_first_sound": Rule.BLANK,
            "search_last_sound": Rule.BLANK,
            "search_first_prefix": Rule.BLANK,
            "search_last_prefix": Rule.BLANK,
        },
    ),
    Target(
        "notifications.Notification",
        _notification_rows,
        {
            **_CHILD,
            "child_other_names": Rule.BLANK,
            "child_address": Rule.BLANK,
            "gp_practice": Rule.BLANK,
            "time_of_death": Rule.NULL,
            "place_of_death_detail": Rule.REMOVE,
            "circumstances": Rule.REMOVE,
            "ncmd_alert_reason": Rule.REMOVE,
            "parental_responsibility": Rule.REMOVE,
            "other_children": Rule.REMOVE,
            "carer_at_time": Rule.REMOVE,
            "professionals_involved": Rule.REMOVE,
            "notifier_name": Rule.BLANK,
            "notifier_name_index": Rule.BLANK,
            "notifier_role": Rule.BLANK,
            "notifier_email": Rule.BLANK,
            "notifier_email_index": Rule.BLANK,
            "notifier_phone": Rule.BLANK,
            "notifier_phone_index": Rule.BLANK,
            "residence_override_reason": Rule.REMOVE,
        },
    ),
    Target(
        "transfers.TransferRecord",
        lambda case_id: Q(notification__in=_notification_ids(case_id)),
        {"reason": Rule.REMOVE},
    ),
    Target(
        "transfers.CaseAddition",
        lambda case_id: Q(case_id=case_id) | Q(notification__in=_notification_ids(case_id)),
        {"undo_reason": Rule.REMOVE},
    ),
    Target(
        "transfers.PackDownload",
        lambda case_id: Q(transfer__notification__in=_notification_ids(case_id)),
        {"ip_address": Rule.NULL, "user_agent": Rule.BLANK},
    ),
    Target(
        "cases.CaseTransition",
        _of_case,
        {"reason": Rule.REMOVE},
    ),
    Target(
        "cases.Task",
        lambda case_id: Q(case_id=case_id) | Q(notification__in=_notification_ids(case_id)),
        {"detail": Rule.REMOVE, "completion_note": Rule.REMOVE},
    ),
    # A task made by hand may be titled with a name ("Call Mrs Smith"); a rule's title never.
    Target(
        "cases.Task",
        lambda case_id: (
            (Q(case_id=case_id) | Q(notification__in=_notification_ids(case_id))) & Q(rule="")
        ),
        {"title": Rule.REMOVE},
        part="by_hand",
    ),
    Target(
        "family.KeyWorkerAssignment",
        _of_case,
        {"phone": Rule.BLANK, "note": Rule.REMOVE},
    ),
    Target(
        "family.FamilyContact",
        _of_case,
        {"family_members": Rule.REMOVE, "discussed": Rule.REMOVE, "promised": Rule.REMOVE},
    ),
    Target(
        "family.FamilyProfile",
        _of_case,
        {
            "family_name": Rule.BLANK,
            "postal_address": Rule.BLANK,
            "postal_address_index": Rule.BLANK,
            "preferred_time": Rule.BLANK,
            "language": Rule.BLANK,
            "other_needs": Rule.REMOVE,
            "bereavement_support_what": Rule.REMOVE,
            "bereavement_support_by": Rule.BLANK,
        },
    ),
    Target(
        "family.FamilyMember",
        _of_case,
        {
            "name": Rule.NAME,
            "name_index": Rule.BLANK,
            "phone": Rule.BLANK,
            "phone_index": Rule.BLANK,
            "email": Rule.BLANK,
            "email_index": Rule.BLANK,
            "notes": Rule.REMOVE,
        },
    ),
    Target(
        "family.DateToAvoid",
        _of_case,
        {"description": Rule.REMOVE, "date": Rule.NULL},
    ),
    Target(
        "family.FamilyQuestion",
        _of_case,
        {"text": Rule.REMOVE, "answer": Rule.REMOVE},
    ),
    Target(
        "family.Letter",
        _of_case,
        {"title": Rule.REMOVE},
    ),
    Target(
        "familyvoice.FamilyVoiceRequest",
        _of_case,
        {"agreement_recorded": Rule.REMOVE},
    ),
    Target(
        "familyvoice.FamilyVoiceEntry",
        lambda case_id: Q(request__case_id=case_id),
        {"text": Rule.REMOVE},
    ),
    Target(
        "agencyforms.FormRequest",
        _of_case,
        {"note": Rule.REMOVE, "revoke_reason": Rule.REMOVE},
    ),
    Target(
        "agencyforms.RequestedForm",
        lambda case_id: Q(request__case_id=case_id),
        {"answers": Rule.JSON_TEXT},
    ),
    Target(
        "securelinks.SecureLink",
        lambda case_id: Q(form_request__case_id=case_id) | Q(family_voice_request__case_id=case_id),
        {"email": Rule.BLANK, "email_index": Rule.BLANK, "otp_hash": Rule.BLANK},
    ),
    Target(
        "documents.Document",
        _of_case,
        {
            "title": Rule.REMOVE,
            "original_filename": Rule.REMOVE,
            "sha256": Rule.BLANK,
            "withdrawn_reason": Rule.REMOVE,
        },
    ),
    Target(
        "investigations.CoronerReferral",
        _of_case,
        {"notes": Rule.REMOVE},
    ),
    Target(
        "investigations.PostMortem",
        _of_case,
        {"notes": Rule.REMOVE, "result_summary": Rule.REMOVE, "cause_of_death": Rule.REMOVE},
    ),
    Target(
        "investigations.Inquest",
        _of_case,
        {"notes": Rule.REMOVE, "conclusion_text": Rule.REMOVE},
    ),
    Target(
        "investigations.MedicalExaminerReview",
        _of_case,
        {
            "notes": Rule.REMOVE,
            "medical_examiner": Rule.BLANK,
            "cause_of_death_proposed": Rule.REMOVE,
        },
    ),
    Target(
        "safeguarding.SafeguardingProfile",
        _of_case,
        {"ofsted_notified_by": Rule.BLANK, "ofsted_reference": Rule.BLANK},
    ),
    Target(
        "safeguarding.SafeguardingConcern",
        _of_case,
        {"raised_by": Rule.REMOVE, "description": Rule.REMOVE, "outcome": Rule.REMOVE},
    ),
    Target(
        "safeguarding.SafeguardingReferral",
        _of_case,
        {"sent_by": Rule.BLANK, "decision": Rule.REMOVE, "reply": Rule.REMOVE},
    ),
    Target(
        "meetings.AgendaItem",
        _of_case,
        {"minutes": Rule.REMOVE, "triage_reason": Rule.REMOVE},
    ),
    Target(
        "actions.Action",
        _of_case,
        {"evidence": Rule.REMOVE},
    ),
    Target(
        "actions.ActionStatusChange",
        lambda case_id: Q(action__case_id=case_id),
        {"reason": Rule.REMOVE},
    ),
    Target(
        "actions.FamilyFeedback",
        _of_case,
        {"note": Rule.REMOVE},
    ),
    Target(
        "learning.CaseTheme",
        _of_case,
        {"note": Rule.REMOVE},
    ),
)

# Models whose rows hold nothing but keys derived from the names, deleted with the names
# rather than blanked, so that none is left: by label, the rows of the case (by case id).
DELETED: dict[str, Callable[[int], Q]] = {
    # The blind indexes of the starts of the child's names (cdop.cases.search).
    "cases.CaseNameStart": _of_case,
}

# Models that belong to a case (or to a row above) and are kept as they are, and why. A
# test fails when a model pointing at a case is in neither list: decide, then add it.
KEPT_ON_PURPOSE: dict[str, str] = {
    "clocks.Clock": "timescales made by rules: kinds, labels and dates, nothing about a person",
    "agencyforms.Chase": "which reminder went when",
    "analysis.Analysis": "the panel's Analysis Form (category, factors, modifiable, learning), "
    "written from anonymised papers: the statistics and thematic learning read it",
    "actions.ActionReminder": "the action owner's work address and dates: professional, "
    "not about the family",
    "ncmd.NcmdExport": "what was sent to NCMD and when: versions and hashes",
    "dataquality.CaseQualityScore": "counts of the data-quality checks",
    "dataquality.CaseQualityIssue": "codes of the data-quality rules that failed",
    "retention.AnonymisedCase": "the record that the case was anonymised",
}

# Date fields generalised rather than removed (see generalised_dates): they are recorded as
# redacted in the audit log's history all the same.
DATE_FIELDS = ("child_date_of_birth", "date_of_death")


def _notification_ids(case_id: int) -> QuerySet[Any]:
    from cdop.notifications.models import Notification

    return Notification.objects.filter(_notification_rows(case_id)).values("pk")


def generalised_dates(
    *, date_of_birth: datetime.date, date_of_death: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The dates an anonymised record keeps: death moved to the first of its month (the
    reporting year and month stay), birth moved by the same number of days, so that the
    age at death, to the day, is unchanged (the neonatal and infant bands need days).

    Applying it again changes nothing (idempotent)."""
    age = date_of_death - date_of_birth
    new_death = date_of_death.replace(day=1)
    return new_death - age, new_death


def json_text_removed(value: Any) -> Any:
    """The same JSON shape with every string replaced: yes/no and numbers stay."""
    if isinstance(value, str):
        return REMOVED if value else value
    if isinstance(value, dict):
        return {key: json_text_removed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_text_removed(item) for item in value]
    return value


def field_value(rule: Rule, current: Any) -> Any:
    """What a field holds after anonymisation."""
    if rule is Rule.BLANK:
        return ""
    if rule is Rule.NULL:
        return None
    if rule is Rule.NAME:
        return ANONYMISED_NAME
    if rule is Rule.REMOVE:
        return REMOVED if current else current
    return json_text_removed(current)
