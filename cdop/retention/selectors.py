"""Reading retention policies and runs, and finding a named adult across the records.

Everything here is for an area's administrators: the views ask `admin_area_ids` first and
give a 404 to anyone with none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.core.crypto import index_of
from cdop.retention.models import (
    DEFAULT_YEARS,
    AnonymisedCase,
    RetentionPolicy,
)


def admin_area_ids(user: User) -> list[int]:
    return permissions.area_ids_with_roles(user, permissions.AREA_ADMINISTRATORS)


def retention_years_by_area() -> dict[int, int]:
    """Every area's retention period in years (the default where it has set none)."""
    years = dict(RetentionPolicy.objects.values_list("area_id", "years_after_finalised"))
    area_ids = Area.objects.values_list("pk", flat=True)
    return {area_id: years.get(area_id, DEFAULT_YEARS) for area_id in area_ids}


def retention_policy_for(*, area: Area) -> RetentionPolicy | None:
    return RetentionPolicy.objects.select_related("updated_by").filter(area=area).first()


@dataclass
class AreaRetention:
    area: Area
    years: int
    policy: RetentionPolicy | None
    anonymised: int


def retention_overview(*, user: User) -> list[AreaRetention]:
    """The administrator's areas: the period each keeps records for, and how many of its
    cases have been anonymised."""
    area_ids = admin_area_ids(user)
    policies = {p.area_id: p for p in RetentionPolicy.objects.filter(area_id__in=area_ids)}
    counts: dict[int, int] = {}
    for area_id in AnonymisedCase.objects.filter(area_id__in=area_ids).values_list(
        "area_id", flat=True
    ):
        counts[area_id] = counts.get(area_id, 0) + 1
    return [
        AreaRetention(
            area=area,
            years=policies[area.pk].years_after_finalised if area.pk in policies else DEFAULT_YEARS,
            policy=policies.get(area.pk),
            anonymised=counts.get(area.pk, 0),
        )
        for area in Area.objects.filter(pk__in=area_ids).order_by("name")
    ]


def recent_anonymised(*, user: User, limit: int = 20) -> list[AnonymisedCase]:
    return list(
        AnonymisedCase.objects.filter(area_id__in=admin_area_ids(user))
        .select_related("case", "area", "run")
        .order_by("-anonymised_at", "-pk")[:limit]
    )


# --- Subject access: finding a named adult --------------------------------------------------


def normalise_name(value: str) -> str:
    return " ".join(value.split()).casefold()


def normalise_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value)
    if digits.startswith("44") and len(digits) > 10:
        digits = "0" + digits[2:]
    return digits


def normalise_postcode(value: str) -> str:
    return re.sub(r"\s", "", value).upper()


@dataclass(frozen=True)
class SubjectQuery:
    name: str
    email: str = ""
    phone: str = ""
    postcode: str = ""

    @property
    def searched_with(self) -> dict[str, str]:
        return {
            key: value
            for key, value in (
                ("email", self.email),
                ("phone", self.phone),
                ("postcode", self.postcode),
            )
            if value
        }


@dataclass
class SubjectMatch:
    key: str  # "notifier:12": the kind of record and its id
    kind: str  # in words
    name: str
    where: str  # the area and the case or notification it belongs to
    area_id: int
    matched_on: list[str] = field(default_factory=list)

    @property
    def strong(self) -> bool:
        """The name and at least one identifier agree: most likely the same person."""
        return "name" in self.matched_on and len(self.matched_on) > 1


KINDS = {
    "notifier": "Notified a death",
    "family_member": "Family member on a case",
    "agency_contact": "Agency contact",
    "secure_link": "Sent a secure link",
    "invitee": "Invited to a meeting",
}


def _matched(
    query: SubjectQuery,
    *,
    name: str = "",
    email: str = "",
    phone: str = "",
    postcode_text: str = "",
) -> list[str]:
    on: list[str] = []
    if name and normalise_name(name) == normalise_name(query.name):
        on.append("name")
    if query.email and email and email.strip().casefold() == query.email.strip().casefold():
        on.append("email")
    if query.phone and phone and normalise_phone(phone) == normalise_phone(query.phone):
        on.append("phone")
    if (
        query.postcode
        and postcode_text
        and normalise_postcode(query.postcode) in normalise_postcode(postcode_text)
    ):
        on.append("postcode")
    return on


# The names, emails and phone numbers searched are encrypted at rest: each is matched in the
# database through its blind index (cdop.core.crypto), which normalises as _matched does.


def _name_q(field_name: str, query: SubjectQuery) -> Q:
    key = index_of("person_name", query.name)
    return Q(**{f"{field_name}_index": key}) if key else Q(pk__in=[])


def _phone_q(field_name: str, query: SubjectQuery) -> Q:
    key = index_of("phone", query.phone)
    return Q(**{f"{field_name}_index": key}) if key else Q(pk__in=[])


def _email_q(field_name: str, query: SubjectQuery) -> Q:
    key = index_of("email", query.email)
    return Q(**{f"{field_name}_index": key}) if key else Q(pk__in=[])


def _plaintext_name_q(field_name: str, query: SubjectQuery) -> Q:
    # For records kept in plaintext (agency contacts, meeting invitees: professionals).
    words = query.name.split()
    return Q(**{f"{field_name}__icontains": words[-1]}) if words else Q(pk__in=[])


def _plaintext_phone_q(field_name: str, query: SubjectQuery) -> Q:
    digits = normalise_phone(query.phone)
    return Q(**{f"{field_name}__contains": digits[-4:]}) if len(digits) >= 4 else Q(pk__in=[])


def _plaintext_email_q(field_name: str, query: SubjectQuery) -> Q:
    return Q(**{f"{field_name}__iexact": query.email.strip()}) if query.email else Q(pk__in=[])


def subject_search(*, user: User, query: SubjectQuery) -> list[SubjectMatch]:
    """Every record in the administrator's areas that may be about this person: notifiers,
    family members (by their details or their family's postcode), agency contacts, secure
    link recipients and meeting invitees. Each says what matched; the administrator
    confirms which are the person before anything is exported."""
    from cdop.agencies.models import AgencyContact
    from cdop.family.models import FamilyMember
    from cdop.meetings.models import Invitee
    from cdop.notifications.models import Notification
    from cdop.securelinks.models import SecureLink

    area_ids = admin_area_ids(user)
    if not area_ids:
        return []
    found: list[SubjectMatch] = []

    def add(match: SubjectMatch) -> None:
        if match.matched_on:
            found.append(match)

    notifications = (
        Notification.objects.filter(area_id__in=area_ids)
        .filter(
            _name_q("notifier_name", query)
            | _email_q("notifier_email", query)
            | _phone_q("notifier_phone", query)
        )
        .select_related("area", "case")
    )
    for n in notifications.order_by("received_at", "pk")[:200]:
        where = f"{n.area.name}: notification {n.reference}"
        if n.case is not None:
            where += f" (case {n.case.reference})"
        add(
            SubjectMatch(
                key=f"notifier:{n.pk}",
                kind=KINDS["notifier"],
                name=n.notifier_name,
                where=where,
                area_id=n.area_id,
                matched_on=_matched(
                    query, name=n.notifier_name, email=n.notifier_email, phone=n.notifier_phone
                ),
            )
        )

    postcode_q = Q(pk__in=[])
    if query.postcode:
        # The family's address is encrypted: its postcode has a blind index.
        key = index_of("postcode", query.postcode)
        postcode_q = Q(case__family__postal_address_index=key) if key else postcode_q
    members = (
        FamilyMember.objects.filter(case__area_id__in=area_ids)
        .filter(
            _name_q("name", query)
            | _email_q("email", query)
            | _phone_q("phone", query)
            | postcode_q
        )
        .select_related("case", "case__area", "case__family")
    )
    for m in members.order_by("case_id", "pk")[:200]:
        profile = getattr(m.case, "family", None)
        add(
            SubjectMatch(
                key=f"family_member:{m.pk}",
                kind=KINDS["family_member"],
                name=f"{m.name} ({m.relationship})",
                where=f"{m.case.area.name}: case {m.case.reference}",
                area_id=m.case.area_id,
                matched_on=_matched(
                    query,
                    name=m.name,
                    email=m.email,
                    phone=m.phone,
                    postcode_text=profile.postal_address if profile is not None else "",
                ),
            )
        )

    contacts = (
        AgencyContact.objects.filter(organisation__area_id__in=area_ids)
        .filter(
            _plaintext_name_q("name", query)
            | _plaintext_email_q("email", query)
            | _plaintext_phone_q("phone", query)
        )
        .select_related("organisation", "organisation__area")
    )
    for c in contacts.order_by("pk")[:200]:
        add(
            SubjectMatch(
                key=f"agency_contact:{c.pk}",
                kind=KINDS["agency_contact"],
                name=c.name,
                where=f"{c.organisation.area.name}: {c.organisation.name}",
                area_id=c.organisation.area_id,
                matched_on=_matched(query, name=c.name, email=c.email, phone=c.phone),
            )
        )

    if query.email:
        links = (
            SecureLink.objects.filter(area_id__in=area_ids)
            .filter(_email_q("email", query))
            .select_related("area")
        )
        for link in links.order_by("created_at", "pk")[:200]:
            add(
                SubjectMatch(
                    key=f"secure_link:{link.pk}",
                    kind=KINDS["secure_link"],
                    name=link.email,
                    where=f"{link.area.name}: {link.get_purpose_display()} link",
                    area_id=link.area_id,
                    matched_on=_matched(query, email=link.email),
                )
            )

    invitees = (
        Invitee.objects.filter(meeting__area_id__in=area_ids, user__isnull=True)
        .filter(_plaintext_name_q("name", query) | _plaintext_email_q("email", query))
        .select_related("meeting", "meeting__area")
    )
    for i in invitees.order_by("meeting__starts_at", "pk")[:200]:
        add(
            SubjectMatch(
                key=f"invitee:{i.pk}",
                kind=KINDS["invitee"],
                name=i.name,
                where=f"{i.meeting.area.name}: {i.meeting.title}",
                area_id=i.meeting.area_id,
                matched_on=_matched(query, name=i.name, email=i.email),
            )
        )
    found.sort(key=lambda m: (not m.strong, m.kind, m.where))
    return found
