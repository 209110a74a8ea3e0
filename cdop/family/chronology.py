"""The family's part of the case chronology: key workers, contacts, what the family asked
and told us, support offered, and letters sent. Five queries whatever the case holds."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone

from cdop.chronology.registry import Entry, Kind
from cdop.core.compiled import compiled_rows
from cdop.family.models import (
    FamilyContact,
    FamilyProfile,
    FamilyQuestion,
    KeyWorkerAssignment,
    Letter,
)

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case

KINDS = [
    Kind(key="key_worker", label="Key worker"),
    Kind(key="family_contact", label="Contacts with the family"),
    Kind(key="family", label="The family's questions and support"),
    Kind(key="family_letter", label="Letters to the family"),
]


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _name(user: User | None) -> str:
    return str(user) if user is not None else ""


def family_chronology(user: User, case: Case) -> Iterable[Entry]:
    urls = {
        "family": reverse("family:overview", kwargs={"reference": case.reference}),
        "contacts": reverse("family:contacts", kwargs={"reference": case.reference}),
        "letters": reverse("family:letters", kwargs={"reference": case.reference}),
    }

    assignments = compiled_rows(
        "chronology.key_workers",
        lambda case_id: KeyWorkerAssignment.objects.filter(case_id=case_id).select_related(
            "key_worker", "assigned_by", "ended_by"
        ),
        case.pk,
    )
    for spell in assignments:
        yield Entry(
            at=spell.assigned_at,
            kind="key_worker",
            title=f"{spell.key_worker} became the family's key worker",
            by=_name(spell.assigned_by),
            url=urls["family"],
        )
        if spell.ended_at is not None:
            yield Entry(
                at=spell.ended_at,
                kind="key_worker",
                title=f"{spell.key_worker} stopped being the family's key worker",
                by=_name(spell.ended_by),
                url=urls["family"],
            )

    contacts = compiled_rows(
        "chronology.family_contacts",
        lambda case_id: FamilyContact.objects.filter(case_id=case_id).select_related("staff"),
        case.pk,
    )
    for contact in contacts:
        extra: list[tuple[str, str]] = [("With", contact.family_members)]
        if contact.promised:
            extra.append(("Promised", contact.promised))
        if contact.next_contact_due:
            extra.append(("Next contact due", f"{contact.next_contact_due:%d/%m/%Y}"))
        yield Entry(
            at=contact.at,
            kind="family_contact",
            title=f"Contact with the family: {contact.get_method_display().lower()}",
            detail=contact.discussed,
            by=_name(contact.staff),
            url=urls["contacts"],
            extra=tuple(extra),
        )

    questions = compiled_rows(
        "chronology.family_questions",
        lambda case_id: FamilyQuestion.objects.filter(case_id=case_id).select_related(
            "recorded_by"
        ),
        case.pk,
    )
    for question in questions:
        label = "question" if question.kind == FamilyQuestion.Kind.QUESTION else "view"
        yield Entry(
            at=_start_of(question.recorded_on),
            kind="family",
            title=f"The family's {label} for the review recorded",
            detail=question.text,
            by=_name(question.recorded_by),
            url=urls["family"],
            extra=(("Answered by the review", "Yes" if question.answered else "Not yet"),),
        )

    profiles = compiled_rows(
        "chronology.family_profile",
        lambda case_id: FamilyProfile.objects.filter(case_id=case_id).order_by("pk")[:1],
        case.pk,
    )
    profile = profiles[0] if profiles else None
    if profile is not None and profile.bereavement_support == "yes":
        at = (
            _start_of(profile.bereavement_support_on)
            if profile.bereavement_support_on
            else profile.updated_at
        )
        yield Entry(
            at=at,
            kind="family",
            title="Bereavement support offered",
            detail=profile.bereavement_support_what,
            by=profile.bereavement_support_by,
            url=urls["family"],
        )

    letters = compiled_rows(
        "chronology.family_letters",
        lambda case_id: Letter.objects.filter(case_id=case_id).select_related("produced_by"),
        case.pk,
    )
    for letter in letters:
        version = (
            "default wording"
            if letter.template_version == 0
            else (f"template version {letter.template_version}")
        )
        yield Entry(
            at=letter.produced_at,
            kind="family_letter",
            title=f"Letter produced: {letter.title}",
            detail=f"Made from the {version}.",
            by=_name(letter.produced_by),
            url=urls["letters"],
        )
