"""A case summarised for the panel, with the child and the family taken out.

Built from the notifications, the chronology and the collated Reporting Forms. Every piece of
text from the case passes through the case's Anonymiser (generalise, then the safety net);
the words of the papers themselves (headings, "3 days after the death") are made here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils import timezone

from cdop.agencyforms.collation import collation_for_case
from cdop.agencyforms.models import FormRequest
from cdop.agencyforms.services import form_request_reference
from cdop.areas.models import LocalAuthority
from cdop.chronology.registry import chronology_for_case, chronology_kinds
from cdop.family.models import FamilyContact, FamilyMember, FamilyProfile
from cdop.notifications.models import Notification
from cdop.papers.anonymise import (
    _EMAIL_ANY,
    _PHONE_ANY,
    RELATIONSHIPS,
    REMOVED_REFERENCE,
    STREET_WORDS,
    Anonymiser,
    CaseIdentifiers,
    Person,
    address_fragments,
    chronology_when,
    people_from_lines,
)

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case
    from cdop.meetings.models import AgendaItem

# The chronology the panel reads: what happened, and what agencies and the family told us.
# Not the team's own administration (tasks, timescales, status changes, letters, chasing).
PANEL_CHRONOLOGY_KINDS = (
    "notification",
    "coroner",
    "post_mortem",
    "inquest",
    "medical_examiner",
    "agency_form",
    "family",
    "family_voice",
    "safeguarding",
)
# Extra lines of a chronology entry that only identify (the notifier or a member of staff by
# name, the exact date), or repeat what the summary says above it.
SKIPPED_EXTRA = frozenset({"From", "Date of death", "Sent by system"})
_NAMES_A_PERSON = re.compile(r"\bby\b", re.IGNORECASE)
# Entries whose detail the summary already shows (the notifiers' accounts; the returned
# forms, whose detail names the agency's contact, a professional the papers need not name).
NO_DETAIL_KINDS = frozenset({"notification", "agency_form"})
# The team's own steps in asking for forms: the panel needs only when each came back.
_ADMINISTRATIVE_TITLE = re.compile(r"^Reporting Form (?:requested|started|reminder)", re.I)
# Reporting Form questions about the person completing it, or that identify the child.
SKIPPED_QUESTIONS = frozenset({"completed_by_name", "completed_by_phone"})
_IDENTIFYING_LABEL = re.compile(
    r"\b(?:nhs number|date of birth|home address|postcode|full name|your name)\b", re.IGNORECASE
)
MAX_TEXT = 4000  # characters of one piece of free text in the papers


def _role_of(relationship: str, default: str) -> str:
    words = re.findall(r"[^\W\d_][\w-]*", relationship.lower())
    return next((RELATIONSHIPS[w] for w in words if w in RELATIONSHIPS), default)


def case_identifiers(
    *, case: Case, notifications: list[Notification] | None = None
) -> CaseIdentifiers:
    """Everything the platform knows that identifies the child or the family of the case
    (five queries)."""
    if notifications is None:
        notifications = list(Notification.objects.filter(case=case))
    ids = CaseIdentifiers()
    ids.people.append(Person(name=case.child_name, role="the child"))
    ids.nhs_numbers.append(case.child_nhs_number)
    ids.postcodes.append(case.child_postcode)
    ids.dates_of_birth.append(case.child_date_of_birth)
    ids.references.append(case.reference)
    for n in notifications:
        ids.people.append(Person(name=n.child_name, role="the child"))
        for other in re.split(r"[,;\n]+", n.child_other_names):
            if other.strip():
                ids.people.append(Person(name=other.strip(), role="the child"))
        ids.nhs_numbers.append(n.child_nhs_number)
        ids.postcodes.append(n.child_postcode)
        ids.dates_of_birth.append(n.child_date_of_birth)
        ids.references.append(n.reference)
        ids.addresses.extend(address_fragments(n.child_address))
        for text, role in (
            (n.parental_responsibility, "a parent"),
            (n.other_children, "a sibling"),
            (n.carer_at_time, "a carer"),
        ):
            ids.people.extend(people_from_lines(text, default_role=role))
            ids.phones.extend(m.group(0) for m in _PHONE_ANY.finditer(text))
            ids.emails.extend(m.group(0) for m in _EMAIL_ANY.finditer(text))
            for line in text.splitlines():
                # Only what looks like a street: "aged 6" has a number but is no address.
                ids.addresses.extend(
                    a
                    for a in address_fragments(line)
                    if STREET_WORDS.intersection(a.lower().split())
                )
    for member in FamilyMember.objects.filter(case=case):
        ids.people.append(
            Person(name=member.name, role=_role_of(member.relationship, "a family member"))
        )
        ids.phones.append(member.phone)
        ids.emails.append(member.email)
    profile = FamilyProfile.objects.filter(case=case).first()
    if profile is not None:
        family_name = re.sub(r"(?i)\b(?:the|family|of)\b", " ", profile.family_name)
        if family_name.strip():
            ids.people.append(Person(name=family_name.strip(), role="the family"))
        ids.addresses.extend(address_fragments(profile.postal_address))
        for match in re.finditer(
            r"[A-Za-z]{1,2}\d[A-Za-z\d]?\s*\d[A-Za-z]{2}", profile.postal_address
        ):
            ids.postcodes.append(match.group(0))
    for named in FamilyContact.objects.filter(case=case).values_list("family_members", flat=True):
        ids.people.extend(people_from_lines(named, default_role="a family member"))
    for pk in FormRequest.objects.filter(case=case).values_list("pk", flat=True):
        ids.references.append(form_request_reference(FormRequest(pk=pk)))
    # The child first (their role wins a shared first name), then everyone once.
    seen: set[str] = set()
    people = []
    for person in ids.people:
        key = person.name.strip().lower()
        if key and key not in seen:
            seen.add(key)
            people.append(person)
    ids.people = people
    ids.nhs_numbers = sorted({n for n in ids.nhs_numbers if n})
    ids.postcodes = sorted({p for p in ids.postcodes if p})
    ids.dates_of_birth = sorted(set(ids.dates_of_birth))
    ids.phones = sorted({p for p in ids.phones if p})
    ids.emails = sorted({e for e in ids.emails if e})
    ids.addresses = sorted(set(ids.addresses), key=len, reverse=True)
    return ids


@dataclass
class ChronologyRow:
    when: str
    kind: str
    title: str
    detail: str
    extra: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class FormQuestion:
    label: str
    answers: list[tuple[str, str]]  # (agency, answer)


@dataclass
class FormSection:
    title: str
    questions: list[FormQuestion]


@dataclass
class FormSummary:
    title: str
    agencies: list[str]
    sections: list[FormSection]


@dataclass
class CaseSummary:
    label: str
    triage: str
    triage_reason: str
    facts: list[tuple[str, str]]
    circumstances: list[tuple[str, str]]  # (who told us, what they said)
    household: list[str]
    chronology: list[ChronologyRow]
    forms: list[FormSummary]
    identifiers: CaseIdentifiers
    removed: int = 0  # identifiers the safety net caught after generalising


def _short(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT].rstrip() + " […]"


def _where_lived(notifications: list[Notification], case: Case) -> str:
    codes = [n.residence_lower_code or n.residence_upper_code for n in notifications]
    codes = [c for c in codes if c]
    if codes:
        name = LocalAuthority.objects.filter(ons_code=codes[0]).values_list("name", flat=True)
        found = name.first()
        if found:
            return str(found)
    return str(case.area.name)


def _household(notifications: list[Notification]) -> list[str]:
    lines: list[str] = []
    roles: list[str] = []
    children = 0
    carers: list[str] = []
    for n in notifications:
        for person in people_from_lines(n.parental_responsibility, default_role="a parent"):
            if person.role not in roles:
                roles.append(person.role)
        children = max(children, len([x for x in n.other_children.splitlines() if x.strip()]))
        # Who cared for the child, by role only: the line may say anything else about them.
        for person in people_from_lines(n.carer_at_time, default_role="a carer"):
            carers.append(person.role)
    if roles:
        lines.append("Parental responsibility: " + ", ".join(roles) + ".")
    if children:
        lines.append(
            "1 other child in the household."
            if children == 1
            else f"{children} other children in the household."
        )
    for carer in dict.fromkeys(carers):
        lines.append(f"Caring for the child at the time: {carer}.")
    return lines


def case_summary(*, item: AgendaItem, reader: User) -> CaseSummary:
    """One agenda item's case for the panel. `reader` is whoever publishes: the chronology
    shows what they may see."""
    case = item.case
    notifications = list(Notification.objects.filter(case=case).order_by("received_at", "pk"))
    identifiers = case_identifiers(case=case, notifications=notifications)
    label = item.label
    anonymiser = Anonymiser(identifiers=identifiers, died=case.date_of_death, label=label)

    def clean(text: str) -> str:
        return anonymiser.text(_short(text))

    first = notifications[0] if notifications else None
    facts: list[tuple[str, str]] = [
        ("Sex", case.get_child_sex_display()),
        ("Age at death", anonymiser_age(case)),
        ("Month of death", f"{case.date_of_death:%B %Y}"),
        ("Where the child lived", _where_lived(notifications, case)),
        ("Expected or unexpected", case.get_expectedness_display()),
    ]
    if first is not None:
        facts.extend(
            [
                ("Ethnicity", first.get_child_ethnicity_display()),
                ("Place of death", first.get_place_of_death_display()),
                ("Post-mortem", first.get_post_mortem_display()),
                ("Coroner informed", first.get_coroner_informed_display()),
            ]
        )
        if first.place_of_death_detail:
            facts.append(("Where the death happened", clean(first.place_of_death_detail)))
    circumstances = [
        (
            ", ".join(p for p in (n.notifier_role, n.notifier_organisation) if p),
            clean(n.circumstances),
        )
        for n in notifications
        if n.circumstances.strip()
    ]
    labels = {k.key: k.label for k in chronology_kinds()}
    chronology = []
    for entry in chronology_for_case(user=reader, case=case, kinds=PANEL_CHRONOLOGY_KINDS):
        if _ADMINISTRATIVE_TITLE.search(entry.title):
            continue
        title = clean(entry.title).replace(f" {REMOVED_REFERENCE}", "")
        brief = entry.kind in NO_DETAIL_KINDS
        chronology.append(
            ChronologyRow(
                when=chronology_when(timezone.localdate(entry.at), case.date_of_death),
                kind=labels.get(entry.kind, entry.kind),
                title=title,
                detail="" if brief else clean(entry.detail),
                extra=[]
                if brief
                else [
                    (name, clean(value))
                    for name, value in entry.extra
                    if value and name not in SKIPPED_EXTRA and not _NAMES_A_PERSON.search(name)
                ],
            )
        )
    forms = []
    for collated in collation_for_case(case=case):
        agencies = [c.request.organisation.name for c in collated.columns]
        sections = []
        for section in collated.sections:
            questions = []
            for question in section.questions:
                if question.id in SKIPPED_QUESTIONS or _IDENTIFYING_LABEL.search(question.label):
                    continue
                # The same answer from several agencies is shown once, naming them all.
                grouped: dict[str, list[str]] = {}
                for agency, cell in zip(agencies, question.cells, strict=True):
                    if cell.state == "answered":
                        grouped.setdefault(clean(cell.display), []).append(agency)
                answers = [(", ".join(names), answer) for answer, names in grouped.items()]
                if answers:
                    questions.append(FormQuestion(label=question.label, answers=answers))
            if questions:
                sections.append(FormSection(title=section.title, questions=questions))
        forms.append(FormSummary(title=collated.title, agencies=agencies, sections=sections))
    return CaseSummary(
        label=label,
        triage=item.get_triage_display(),
        triage_reason=clean(item.triage_reason),
        facts=facts,
        circumstances=circumstances,
        household=_household(notifications),
        chronology=chronology,
        forms=forms,
        identifiers=identifiers,
        removed=anonymiser.caught,
    )


def anonymiser_age(case: Case) -> str:
    from cdop.meetings.models import age_in_words

    return age_in_words(case.child_date_of_birth, case.date_of_death)
