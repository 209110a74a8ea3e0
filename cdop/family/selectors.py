"""Reading the family's record. Every function is given a case already checked readable by
the user (cdop.cases.selectors.case_get_for_user), or checks the area itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import Role, User
from cdop.family.letters import LetterText, letter_default
from cdop.family.models import (
    DateToAvoid,
    FamilyContact,
    FamilyMember,
    FamilyProfile,
    FamilyQuestion,
    KeyWorkerAssignment,
    Letter,
    LetterKind,
    LetterTemplate,
)

if TYPE_CHECKING:
    import datetime

    from cdop.areas.models import Area
    from cdop.cases.models import Case


def key_worker_candidates(*, case: Case) -> QuerySet[User]:
    """The people who may be made the case's key worker (permissions.can_be_key_worker)."""
    return (
        User.objects.filter(
            is_active=True, memberships__area_id=case.area_id, memberships__role=Role.KEY_WORKER
        )
        .distinct()
        .order_by("full_name", "pk")
    )


def contact_staff_choices(*, case: Case) -> QuerySet[User]:
    """Who from the team may be named on a contact: anyone who can read the case."""
    ids = [
        u.pk
        for u in User.objects.filter(
            is_active=True,
            memberships__area_id=case.area_id,
            memberships__role__in=permissions.CASE_READERS,
        ).distinct()
        if permissions.can_view_case(u, case)
    ]
    return User.objects.filter(pk__in=ids).order_by("full_name", "pk")


def key_worker_assignment_current(*, case: Case) -> KeyWorkerAssignment | None:
    return KeyWorkerAssignment.objects.filter(case=case, ended_at=None).first()


def family_contacts_for(*, case: Case) -> QuerySet[FamilyContact]:
    """Newest first."""
    return FamilyContact.objects.filter(case=case).select_related("staff").order_by("-at", "-pk")


def family_contact_get(*, case: Case, pk: int) -> FamilyContact:
    contact = FamilyContact.objects.filter(case=case, pk=pk).select_related("case").first()
    if contact is None:
        raise Http404("No such contact")
    return contact


def family_member_get(*, case: Case, pk: int) -> FamilyMember:
    member = FamilyMember.objects.filter(case=case, pk=pk).select_related("case").first()
    if member is None:
        raise Http404("No such family member")
    return member


def date_to_avoid_get(*, case: Case, pk: int) -> DateToAvoid:
    avoid = DateToAvoid.objects.filter(case=case, pk=pk).select_related("case").first()
    if avoid is None:
        raise Http404("No such date")
    return avoid


def family_question_get(*, case: Case, pk: int) -> FamilyQuestion:
    question = FamilyQuestion.objects.filter(case=case, pk=pk).select_related("case").first()
    if question is None:
        raise Http404("No such question")
    return question


def family_profile_for(*, case: Case) -> FamilyProfile | None:
    return FamilyProfile.objects.filter(case=case).first()


@dataclass(frozen=True)
class FamilySummary:
    """What the case page shows about the family, from a fixed number of queries."""

    key_worker: User | None
    last_contact: FamilyContact | None
    next_contact_due: datetime.date | None
    next_contact_overdue: bool
    profile: FamilyProfile | None
    open_questions: int


def family_summary(*, case: Case) -> FamilySummary:
    last = (
        FamilyContact.objects.filter(case=case)
        .select_related("staff")
        .order_by("-at", "-pk")
        .first()
    )
    due = last.next_contact_due if last else None
    key_worker = User.objects.filter(pk=case.key_worker_id).first() if case.key_worker_id else None
    return FamilySummary(
        key_worker=key_worker,
        last_contact=last,
        next_contact_due=due,
        next_contact_overdue=due is not None and due < timezone.localdate(),
        profile=family_profile_for(case=case),
        open_questions=FamilyQuestion.objects.filter(case=case, answered=False).count(),
    )


def letter_template_current(*, area: Area, kind: str) -> LetterText:
    """The area's newest version of the letter, or the default shipped with the platform."""
    saved = LetterTemplate.objects.filter(area=area, kind=kind).order_by("-version").first()
    if saved is None:
        return letter_default(kind)
    return LetterText(
        kind=kind,
        version=saved.version,
        title=saved.title,
        body=saved.body,
        template_id=saved.pk,
    )


def letter_templates_for_area(*, area: Area) -> list[tuple[str, str, LetterText]]:
    """(kind, label, current text) for every kind of letter."""
    return [
        (kind, label, letter_template_current(area=area, kind=kind))
        for kind, label in LetterKind.choices
    ]


def letters_for(*, case: Case) -> QuerySet[Letter]:
    return Letter.objects.filter(case=case).select_related("produced_by")


def letter_template_areas_for(*, user: User) -> list[Area]:
    from cdop.areas.models import Area

    ids = permissions.area_ids_with_roles(user, permissions.AREA_ADMINISTRATORS)
    return list(Area.objects.filter(pk__in=ids).order_by("name"))
