"""Everything that changes the family's record: the key worker, contacts, the family's
details and questions, letter templates and the letters produced.

Every service names its actor for the audit log and runs in one transaction. Anyone who may
not read the case gets a 404 (nothing is revealed); the case's own key worker and the people
who run cases may write (permissions.can_work_on_case).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import partial

from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import dateformat, timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.audit.services import audit_actor
from cdop.cases.models import Case
from cdop.clocks.services import clock_start, clock_stop
from cdop.core.errors import DomainError
from cdop.family import letters
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
from cdop.family.selectors import letter_template_current

NEXT_CONTACT_CLOCK = "family_next_contact"


def _case_for_work(*, case: Case, by: User, lock: bool = False) -> Case:
    """The case, fresh (and locked if asked), if `by` may add to its family record."""
    query = Case.objects.select_related("area", "key_worker")
    if lock:
        query = query.select_for_update(of=("self",))
    fresh = query.get(pk=case.pk)
    if not permissions.can_view_case(by, fresh):
        raise Http404
    if not permissions.can_work_on_case(by, fresh):
        raise DomainError("Only the case's key worker and the review team can change this.")
    return fresh


# --- The key worker ------------------------------------------------------------------------


def case_assign_key_worker(
    *, case: Case, by: User, key_worker: User | None, phone: str = "", note: str = ""
) -> Case:
    """Make `key_worker` the family's key worker (None: the case has none).

    Only the people who run cases may; the person must hold the key-worker role in the
    case's area. The previous key worker loses access to the case at once (can_view_case
    follows Case.key_worker). The new one is emailed a link, never any details.
    """
    with audit_actor(by), transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).select_related("area").get(pk=case.pk)
        if not permissions.can_view_case(by, locked):
            raise Http404
        if not permissions.can_manage_case(by, locked):
            raise DomainError("Only the review team can choose the family's key worker.")
        if key_worker is not None and not (
            key_worker.is_active and permissions.can_be_key_worker(key_worker, locked)
        ):
            raise DomainError(
                "Choose someone who is a key worker in this area.", field="key_worker"
            )
        current = KeyWorkerAssignment.objects.filter(case=locked, ended_at=None).first()
        same_person = (
            current is not None
            and key_worker is not None
            and current.key_worker_id == key_worker.pk
        )
        if key_worker is None and current is None and locked.key_worker_id is None:
            raise DomainError("This case has no key worker to remove.", field="key_worker")
        now = timezone.now()
        if same_person and current is not None:
            # Only the phone number or note changed: no new spell, no email.
            current.phone = phone.strip()
            current.note = note.strip()
            current.save(update_fields=["phone", "note"])
            return locked
        if current is not None:
            current.ended_at = now
            current.ended_by = by
            current.save(update_fields=["ended_at", "ended_by"])
        locked.key_worker = key_worker
        locked.save(update_fields=["key_worker"])
        if key_worker is not None:
            KeyWorkerAssignment.objects.create(
                case=locked,
                key_worker=key_worker,
                phone=phone.strip(),
                note=note.strip(),
                assigned_at=now,
                assigned_by=by,
            )
            transaction.on_commit(partial(_enqueue_key_worker_email, locked.pk, key_worker.pk))
    return locked


def _enqueue_key_worker_email(case_id: int, user_id: int) -> None:
    from cdop.family.tasks import family_key_worker_tell

    family_key_worker_tell.enqueue(case_id=case_id, user_id=user_id)


# --- Contacts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactDetails:
    at: datetime.datetime
    staff: User
    family_members: str
    method: str
    discussed: str
    promised: str = ""
    next_contact_due: datetime.date | None = None


def _check_contact(*, case: Case, details: ContactDetails) -> None:
    if details.at > timezone.now() + datetime.timedelta(minutes=5):
        raise DomainError(
            "The date of the contact must be today or in the past: record contacts "
            "after they happen.",
            field="on",
        )
    if (
        details.next_contact_due is not None
        and details.next_contact_due < timezone.localtime(details.at).date()
    ):
        raise DomainError(
            "The next contact must be due on or after the date of this contact.",
            field="next_contact_due",
        )
    if not permissions.can_view_case(details.staff, case):
        raise DomainError(
            "Choose someone from the review team who can read this case.", field="staff"
        )


def _next_contact_clock_update(*, case: Case) -> None:
    """The clock follows the latest contact: due when it says the next contact is due,
    stopped when it names no next contact."""
    latest = FamilyContact.objects.filter(case=case).order_by("-at", "-pk").first()
    if latest is None or latest.next_contact_due is None:
        clock_stop(case=case, kind=NEXT_CONTACT_CLOCK, at=timezone.now())
        return
    # Due by the end of the day it was promised for.
    end_of_day = datetime.datetime.combine(
        latest.next_contact_due + datetime.timedelta(days=1), datetime.time.min
    )
    clock_start(
        case=case,
        kind=NEXT_CONTACT_CLOCK,
        label="Next contact with the family",
        started_at=latest.at,
        due_at=timezone.make_aware(end_of_day),
    )


def family_contact_add(*, case: Case, by: User, details: ContactDetails) -> FamilyContact:
    with audit_actor(by), transaction.atomic():
        locked = _case_for_work(case=case, by=by, lock=True)
        _check_contact(case=locked, details=details)
        contact = FamilyContact.objects.create(
            case=locked,
            at=details.at,
            staff=details.staff,
            family_members=details.family_members.strip(),
            method=details.method,
            discussed=details.discussed.strip(),
            promised=details.promised.strip(),
            next_contact_due=details.next_contact_due,
            recorded_at=timezone.now(),
            recorded_by=by,
        )
        _next_contact_clock_update(case=locked)
    return contact


def family_contact_update(
    *, contact: FamilyContact, by: User, details: ContactDetails
) -> FamilyContact:
    """Correct a contact. It is changed in place: the audit log keeps what it said before,
    and the record says who last changed it and when."""
    with audit_actor(by), transaction.atomic():
        locked_case = _case_for_work(case=contact.case, by=by, lock=True)
        locked = FamilyContact.objects.select_for_update().get(pk=contact.pk)
        _check_contact(case=locked_case, details=details)
        locked.at = details.at
        locked.staff = details.staff
        locked.family_members = details.family_members.strip()
        locked.method = details.method
        locked.discussed = details.discussed.strip()
        locked.promised = details.promised.strip()
        locked.next_contact_due = details.next_contact_due
        locked.changed_at = timezone.now()
        locked.changed_by = by
        locked.save()
        _next_contact_clock_update(case=locked_case)
    return locked


# --- The family's details ------------------------------------------------------------------

PROFILE_FIELDS = (
    "family_name",
    "postal_address",
    "preferred_method",
    "preferred_time",
    "language",
    "interpreter_needed",
    "other_needs",
    "bereavement_support",
    "bereavement_support_what",
    "bereavement_support_by",
    "bereavement_support_on",
)


def family_profile_update(*, case: Case, by: User, values: dict[str, object]) -> FamilyProfile:
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:  # pragma: no cover - a programming error
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    with audit_actor(by), transaction.atomic():
        locked = _case_for_work(case=case, by=by, lock=True)
        on = values.get("bereavement_support_on")
        if isinstance(on, datetime.date) and on > timezone.localdate():
            raise DomainError(
                "The date support was offered must be today or in the past.",
                field="bereavement_support_on",
            )
        profile = FamilyProfile.objects.filter(case=locked).first()
        if profile is None:
            profile = FamilyProfile(case=locked)
        for name, value in values.items():
            setattr(profile, name, value.strip() if isinstance(value, str) else value)
        profile.updated_at = timezone.now()
        profile.updated_by = by
        profile.save()
    return profile


def family_member_save(
    *, case: Case, by: User, values: dict[str, object], member: FamilyMember | None = None
) -> FamilyMember:
    with audit_actor(by), transaction.atomic():
        locked = _case_for_work(case=case, by=by, lock=True)
        if member is None:
            member = FamilyMember(case=locked)
        elif member.case_id != locked.pk:  # pragma: no cover - views look members up by case
            raise Http404
        for name, value in values.items():
            setattr(member, name, value.strip() if isinstance(value, str) else value)
        if member.main_contact:
            # One main contact: choosing another moves the mark.
            FamilyMember.objects.filter(case=locked, main_contact=True).exclude(
                pk=member.pk
            ).update(main_contact=False)
        member.save()
    return member


def family_member_remove(*, member: FamilyMember, by: User) -> None:
    with audit_actor(by), transaction.atomic():
        _case_for_work(case=member.case, by=by, lock=True)
        member.delete()


def date_to_avoid_add(
    *, case: Case, by: User, description: str, date: datetime.date | None, every_year: bool
) -> DateToAvoid:
    with audit_actor(by), transaction.atomic():
        locked = _case_for_work(case=case, by=by, lock=True)
        return DateToAvoid.objects.create(
            case=locked, description=description.strip(), date=date, every_year=every_year
        )


def date_to_avoid_remove(*, avoid: DateToAvoid, by: User) -> None:
    with audit_actor(by), transaction.atomic():
        _case_for_work(case=avoid.case, by=by, lock=True)
        avoid.delete()


def family_question_save(
    *,
    case: Case,
    by: User,
    kind: str,
    text: str,
    recorded_on: datetime.date,
    answered: bool = False,
    answer: str = "",
    question: FamilyQuestion | None = None,
) -> FamilyQuestion:
    with audit_actor(by), transaction.atomic():
        locked = _case_for_work(case=case, by=by, lock=True)
        if recorded_on > timezone.localdate():
            raise DomainError(
                "The date the family told you must be today or in the past.",
                field="recorded_on",
            )
        if question is None:
            question = FamilyQuestion(case=locked, recorded_by=by)
        question.kind = kind
        question.text = text.strip()
        question.recorded_on = recorded_on
        question.answered = answered
        question.answer = answer.strip()
        question.save()
    return question


# --- Letters -------------------------------------------------------------------------------


def letter_template_save(
    *, area: Area, kind: str, by: User, title: str, body: str
) -> LetterTemplate:
    """Save a new version of an area's letter. Earlier versions are kept unchanged."""
    if not permissions.can_edit_letter_templates(by, area):
        raise Http404
    if kind not in LetterKind.values:
        raise Http404
    unknown = letters.placeholders_unknown(body)
    if unknown:
        known = ", ".join(f"{{{{ {name} }}}}" for name in letters.PLACEHOLDERS)
        raise DomainError(
            f"Remove or correct {{{{ {unknown[0]} }}}}: a letter can only use {known}.",
            field="body",
        )
    with audit_actor(by), transaction.atomic():
        Area.objects.select_for_update().get(pk=area.pk)  # one new version at a time
        last = LetterTemplate.objects.filter(area=area, kind=kind).aggregate(v=Max("version"))
        return LetterTemplate.objects.create(
            area=area,
            kind=kind,
            version=(last["v"] or 0) + 1,
            title=title.strip(),
            body=body,
            created_at=timezone.now(),
            created_by=by,
        )


@dataclass(frozen=True)
class LetterDraft:
    text: letters.LetterText
    values: dict[str, str]
    missing: list[str]  # plain English: what to add before the letter can be made
    address: str
    html: str  # the whole page that becomes the PDF


def letter_draft(*, case: Case, kind: str, message: str = "") -> LetterDraft:
    """The letter as it would be printed now, and anything missing from it. Reads only."""
    text = letter_template_current(area=case.area, kind=kind)
    profile = FamilyProfile.objects.filter(case=case).first()
    assignment = (
        KeyWorkerAssignment.objects.filter(case=case, ended_at=None)
        .select_related("key_worker")
        .first()
    )
    key_worker = case.key_worker
    values = {
        "family_name": profile.family_name if profile else "",
        "child_first_name": case.child_first_name,
        "key_worker_name": key_worker.full_name if key_worker else "",
        "key_worker_phone": (assignment.phone if assignment else "") or case.area.contact_phone,
        "area_name": case.area.name,
        "today": dateformat.format(timezone.localdate(), "j F Y"),
        "message": message.strip(),
    }
    needed = {
        "family_name": "how to address the family, on the family's details page",
        "key_worker_name": "a key worker for the case",
        "key_worker_phone": "a phone number for the key worker (or the team's number)",
        "message": "the words for this letter",
    }
    used = letters.placeholders_used(text.body)
    missing = [needed[name] for name in used if name in needed and not values[name]]
    body_html = letters.letter_body_html(text.body, values)
    html = letters.letter_page_html(
        {
            "title": text.title,
            "area": case.area,
            "address": profile.postal_address if profile else "",
            "today": values["today"],
            "body": body_html,
        }
    )
    return LetterDraft(
        text=text,
        values=values,
        missing=missing,
        address=profile.postal_address if profile else "",
        html=html,
    )


def letter_produce(*, case: Case, kind: str, by: User, message: str = "") -> tuple[Letter, bytes]:
    """Make the letter's PDF and record who made it, when and from which template version."""
    if kind not in LetterKind.values:
        raise Http404
    fresh = _case_for_work(case=case, by=by)
    draft = letter_draft(case=fresh, kind=kind, message=message)
    if draft.missing:
        raise DomainError(
            f"Before making this letter, add {' and '.join(draft.missing)}.",
            field="message" if draft.missing == ["the words for this letter"] else None,
        )
    pdf = letters.letter_pdf(draft.html)
    with audit_actor(by), transaction.atomic():
        letter = Letter.objects.create(
            case=fresh,
            kind=kind,
            template_id=draft.text.template_id,
            template_version=draft.text.version,
            title=draft.text.title,
            produced_at=timezone.now(),
            produced_by=by,
        )
    return letter, pdf
