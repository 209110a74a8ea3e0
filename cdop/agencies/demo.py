"""Synthetic organisations and contacts for the demonstration area (no real people)."""

from __future__ import annotations

from cdop.agencies.models import AgencyContact, Organisation
from cdop.areas.models import Area

DEMO_DIRECTORY: list[tuple[str, str, list[tuple[str, str, str]]]] = [
    (
        "Demo Hospitals NHS Trust",
        Organisation.Kind.HEALTH_TRUST,
        [
            ("Hana Hospital", "Named nurse for safeguarding", "hana.hospital@demo-trust.invalid"),
            ("Harry Paediatrics", "Consultant paediatrician", "harry.paeds@demo-trust.invalid"),
        ],
    ),
    (
        "Demo Road Surgery",
        Organisation.Kind.GP_PRACTICE,
        [("Gita General", "GP partner", "gita.general@demo-surgery.invalid")],
    ),
    (
        "Demo Police",
        Organisation.Kind.POLICE,
        [
            (
                "Pete Police",
                "Detective sergeant, child death team",
                "pete.police@demo-police.invalid",
            )
        ],
    ),
    (
        "Demo Children's Social Care",
        Organisation.Kind.CHILDRENS_SOCIAL_CARE,
        [("Sam Social", "Team manager", "sam.social@demo-council.invalid")],
    ),
    (
        "Demo Primary School",
        Organisation.Kind.EDUCATION,
        [("Erin Education", "Designated safeguarding lead", "erin.education@demo-school.invalid")],
    ),
    (
        "Demo Ambulance Service",
        Organisation.Kind.AMBULANCE,
        [("Alex Ambulance", "Safeguarding lead", "alex.ambulance@demo-ambulance.invalid")],
    ),
    (
        "Demo Children's Hospice",
        Organisation.Kind.HOSPICE,
        [("Holly Hospice", "Care lead", "holly.hospice@demo-hospice.invalid")],
    ),
]


def demo_directory_load(*, area: Area) -> tuple[int, int]:
    """Create what is missing (by name and email), leave the rest alone; the numbers made."""
    made_orgs = made_contacts = 0
    for name, kind, contacts in DEMO_DIRECTORY:
        organisation, created = Organisation.objects.get_or_create(
            area=area, name=name, defaults={"kind": kind}
        )
        made_orgs += created
        for contact_name, job_title, email in contacts:
            _, created = AgencyContact.objects.get_or_create(
                organisation=organisation,
                email=email,
                defaults={"name": contact_name, "job_title": job_title},
            )
            made_contacts += created
    return made_orgs, made_contacts
