"""Synthetic cases for a panel meeting, full of identifiers in every place they hide: the
notification, the family's records, and the free text of returned Reporting Forms. For the
papers' tests, the benchmark and the demo. Every value is invented; NHS numbers are from the
999 range that is never issued.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from cdop.accounts.models import User
from cdop.agencies.models import AgencyContact, Organisation
from cdop.agencyforms.models import FormRequest, RequestedForm
from cdop.areas.models import Area
from cdop.cases.models import Case, Expectedness, Sex
from cdop.cases.workflow import Status
from cdop.family.models import FamilyContact, FamilyMember, FamilyProfile, FamilyQuestion
from cdop.formdefs.models import FormDefinition
from cdop.investigations.models import PostMortem, PostMortemType
from cdop.meetings.models import AgendaItem, Meeting, MeetingKind, Sector, Triage
from cdop.notifications.models import Notification

CHILD_FIRST = (
    "Amelia", "Oliver", "Isla", "Noah", "Freya", "Arjun", "Maisie", "Kacper", "Zainab",
    "Theodore", "Imogen", "Jayden", "Lowenna", "Ebrima", "Saoirse", "Tobiah",
)  # fmt: skip
SURNAMES = (
    "Thistlewood", "Okonkwo-Barnes", "Pemberton", "Kowalczyk", "Featherstone", "Abernathy",
    "Ravensworth", "Quigley", "Hollingsworth", "Nakamura", "Fairbrother", "O'Halloran",
    "Winterbourne", "Achterberg", "Blaxhall", "Cheverton",
)  # fmt: skip
MOTHERS = (
    "Sarah", "Priya", "Chloe", "Agnieszka", "Fatoumata", "Rebecca", "Niamh", "Yasmin",
    "Hollie", "Marta", "Grainne", "Tamsin", "Ifeoma", "Lucinda", "Perpetua", "Rhiannon",
)  # fmt: skip
FATHERS = (
    "Jamal", "Tomasz", "Dominic", "Kwabena", "Rhys", "Farhan", "Callum", "Stanislav",
    "Lachlan", "Oluwaseun", "Peregrine", "Torin", "Benedek", "Caspian", "Ignatius", "Wystan",
)  # fmt: skip
SIBLINGS = (
    "Bartholomew", "Clementine", "Evander", "Philippa", "Aurelio", "Seraphina", "Lysander",
    "Ottilie", "Ptolemy", "Wilhelmina", "Cosimo", "Araminta", "Fenwick", "Henrietta",
    "Leopold", "Marigold",
)  # fmt: skip
GRANDMOTHERS = (
    "Edwina", "Gwendolyn", "Hortense", "Ludmila", "Mildred", "Philomena", "Rosalind",
    "Winifred", "Bronwen", "Dorothea", "Ermintrude", "Ottoline", "Prudence", "Wilhelma",
    "Hyacinth", "Euphemia",
)  # fmt: skip
STREETS = (
    "Juniper Road", "Larkspur Close", "Foxglove Avenue", "Kingfisher Way", "Tamarisk Drive",
    "Wheatsheaf Lane", "Cloudberry Court", "Honeysuckle Crescent", "Samphire Street",
    "Bilberry Grove", "Meadowsweet Terrace", "Rowanberry Mews",
)  # fmt: skip


def nhs_number(n: int) -> str:
    """The n-th valid NHS number of the 999 range (never issued to anyone)."""
    base = 999_000_000 + n * 7
    while True:
        digits = [int(d) for d in f"{base:09d}"]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 11:
            check = 0
        if check != 10:
            return f"{base:09d}{check}"
        base += 1


@dataclass
class SyntheticCase:
    case: Case
    names: list[str]  # every name of the child and family, whole and in parts
    nhs_number: str
    postcode: str
    born: dt.date
    address: str
    phones: list[str] = field(default_factory=list)


def _organisations(area: Area) -> list[tuple[Organisation, AgencyContact]]:
    pairs = []
    for kind, name in (
        (Organisation.Kind.HEALTH_TRUST, "Synthetic Royal Infirmary"),
        (Organisation.Kind.POLICE, "Synthetic Constabulary"),
        (Organisation.Kind.CHILDRENS_SOCIAL_CARE, "Synthetic Children's Services"),
        (Organisation.Kind.GP_PRACTICE, "Synthetic Medical Centre"),
    ):
        organisation, _ = Organisation.objects.get_or_create(
            area=area, name=name, defaults={"kind": kind}
        )
        contact, _ = AgencyContact.objects.get_or_create(
            organisation=organisation,
            email=f"papers.{kind}.{area.slug}@synthetic-agency.invalid",
            defaults={"name": f"{name} contact", "job_title": "Safeguarding lead"},
        )
        pairs.append((organisation, contact))
    return pairs


def _answers(sc: dict[str, str], rng: random.Random, died: dt.date) -> dict[str, dict[str, object]]:
    """A Reporting Form's answers whose free text names the family, the address, the NHS
    number and the date of birth in the ways people write them."""
    seen = died - dt.timedelta(days=rng.randint(3, 40))
    return {
        "completed_by_name": {"value": "Dr Rowan Synthetic"},
        "completed_by_role": {"value": "Named nurse for safeguarding"},
        "completed_by_phone": {"value": "0116 496 0999"},
        "agency_knew_child": {"value": "yes"},
        "involvement_dates": {"value": f"From {sc['born_slash']} until {died:%d.%m.%Y}"},
        "height_cm": {"value": rng.randint(50, 140)},
        "weight_kg": {"value": rng.randint(4, 35)},
        "measured_on": {"value": seen.isoformat()},
        "disability": {"value": "no"},
        "language": {"value": "English"},
        "household": {
            "value": f"{sc['child']} lived with mum {sc['mother']} {sc['surname']} "
            f"(mobile {sc['mother_phone']}), dad {sc['father']} and older brother "
            f"{sc['sibling']}, at {sc['address_line']}, {sc['postcode_lower']}. "
            f"Maternal grandmother {sc['grandmother']} {sc['surname'].upper()} often stayed."
        },
        "smoking_household": {"value": "yes"},
        "substance_misuse": {"value": "no"},
        "domestic_abuse": {"value": "no"},
        "housing": {"value": "social"},
        "home_concerns": {
            "value": f"Home visit on {seen:%d/%m/%Y}: the flat at {sc['street']} was damp. "
            f"{sc['mother']} said {sc['child']}'s cot was in the parents' room."
        },
        "gestation_weeks": {"value": rng.randint(30, 41)},
        "long_term_conditions": {"value": "yes"},
        "conditions_detail": {
            "value": f"{sc['child'].upper()} {sc['surname']} (NHS no. {sc['nhs_spaced']}, "
            f"DOB {sc['born_words']}) had recurrent chest infections; "
            f"seen in clinic {seen:%-d %B %Y}."
        },
        "last_contact": {"value": seen.isoformat()},
        "missed_appointments": {"value": "yes"},
        "missed_detail": {
            "value": f"Two appointments were not attended; letters went to {sc['address_line']} "
            f"{sc['postcode_nospace']}. Mrs {sc['surname']} said she had not received them."
        },
        "immunisations": {"value": "yes"},
        "services": {"value": ["health_visiting", "gp"]},
        "child_protection": {"value": "never"},
        "looked_after": {"value": "no"},
        "safeguarding_concerns": {"value": "no"},
        "involvement_summary": {
            "value": f"Our records for {sc['child']} {sc['surname']} (born {sc['born_iso']}, "
            f"NHS {sc['nhs']}) show routine contact. {sc['father']} {sc['surname']} rang on "
            f"{sc['phone_father']} to cancel one visit. Our reference {sc['reference']}."
        },
        "events_before_death": {
            "value": f"On the evening before, {sc['mother']} put {sc['child']} down to sleep "
            f"at about 19:00. {sc['sibling']} found {sc['child']} unresponsive in the morning."
        },
        "bereavement_support": {"value": "yes"},
        "learning": {"value": "Safer sleep advice to be repeated at every contact."},
    }


def synthetic_case(*, area: Area, by: User, n: int, seed: int = 1) -> SyntheticCase:
    """One case awaiting the panel with two notifications, the family's records, a
    post-mortem and two returned Reporting Forms, all carrying identifiers."""
    rng = random.Random(f"{seed}-{n}")  # noqa: S311 - synthetic data
    i = n % len(CHILD_FIRST)
    child, surname = CHILD_FIRST[i], SURNAMES[(n * 5) % len(SURNAMES)]
    mother, father = MOTHERS[(n * 3) % len(MOTHERS)], FATHERS[(n * 7) % len(FATHERS)]
    sibling, grandmother = SIBLINGS[(n * 11) % len(SIBLINGS)], GRANDMOTHERS[n % 16]
    died = dt.date(2026, 1 + n % 9, 1 + (n * 3) % 27)
    born = died - dt.timedelta(days=rng.choice([12, 45, 130, 300, 700, 2400, 5000]))
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcode = f"LE{1 + n % 9} {1 + (n * 7) % 9}{letters[n % 20]}{letters[(n * 3 + 1) % 20]}"
    street = STREETS[n % len(STREETS)]
    house = 3 + (n * 13) % 140
    address_line = f"{house} {street}"
    address = f"{address_line}\nLeicester\n{postcode}"
    nhs = nhs_number(n + seed * 1000)
    mother_phone = f"07700 900{100 + n:03d}"
    father_phone = f"0116 496 {1000 + n:04d}"
    now = timezone.now()
    reference = f"{area.code}-PAP-{seed:02d}{n:04d}"
    case = Case.objects.create(
        area=area,
        reference=reference,
        status=Status.AWAITING_PANEL,
        status_changed_at=now,
        child_first_name=child,
        child_last_name=surname,
        child_date_of_birth=born,
        child_sex=Sex.FEMALE if n % 2 else Sex.MALE,
        child_nhs_number=nhs,
        child_postcode=postcode,
        date_of_death=died,
        expectedness=Expectedness.UNEXPECTED if n % 3 else Expectedness.EXPECTED,
        opened_at=timezone.make_aware(dt.datetime.combine(died, dt.time(12))),
    )
    circumstances = (
        f"{child} {surname} (DOB {born:%d/%m/%Y}) was found unresponsive at home, "
        f"{address_line}, {postcode}, by mum {mother} at 06:40 on {died:%-d %B %Y}. "
        f"Ambulance called by dad {father} ({father_phone}). NHS number {nhs[:3]} {nhs[3:6]} "
        f"{nhs[6:]}. Pronounced dead at the Synthetic Royal Infirmary."
    )
    for k, (role, organisation) in enumerate(
        (("Paediatric registrar", "Synthetic Royal Infirmary"), ("Detective sergeant", "Police"))
    ):
        Notification.objects.create(
            area=area,
            reference=f"NP-{area.pk % 100:02d}{seed:02d}{n:04d}{k}",  # 16 at most
            received_at=timezone.make_aware(dt.datetime.combine(died, dt.time(9 + k))),
            status=Notification.Status.CASE_OPENED if k == 0 else Notification.Status.ADDED_TO_CASE,
            case=case,
            child_first_name=child,
            child_last_name=surname,
            child_other_names=f"Baby {surname}" if n % 4 == 0 else "",
            child_date_of_birth=born,
            child_sex=case.child_sex,
            child_nhs_number=nhs,
            child_postcode=postcode,
            child_address=address,
            date_of_death=died,
            expectedness=case.expectedness,
            place_of_death="home" if n % 2 else "hospital_ed",
            circumstances=circumstances
            if k == 0
            else f"Police attended {address_line.lower()}. {mother} {surname} and "
            f"{father} {surname} were spoken to. {sibling} was at home.",
            parental_responsibility=f"{mother} {surname} (mother), {mother_phone}\n"
            f"Father: {father} {surname}",
            other_children=f"{sibling} {surname}, brother, aged 6",
            carer_at_time=f"{mother} {surname} (mother)",
            notifier_name=f"Notifier {k}",
            notifier_role=role,
            notifier_organisation=organisation,
            notifier_email="notifier@synthetic.invalid",
            notifier_phone="0116 496 0000",
        )
    FamilyProfile.objects.create(
        case=case,
        family_name=f"The {surname} family",
        postal_address=address,
        updated_at=now,
        updated_by=by,
    )
    FamilyMember.objects.create(
        case=case, name=f"{mother} {surname}", relationship="Mother", phone=mother_phone,
        email=f"{mother.lower()}.{n}@family.invalid", main_contact=True,
    )  # fmt: skip
    FamilyMember.objects.create(case=case, name=f"{father} {surname}", relationship="Dad")
    FamilyMember.objects.create(
        case=case, name=f"{grandmother} {surname}", relationship="Maternal grandmother"
    )
    FamilyContact.objects.create(
        case=case,
        at=now - dt.timedelta(days=20),
        staff=by,
        family_members=f"{mother} and {grandmother}",
        method="visit",
        discussed=f"Visited {mother} at {address_line}.",
        recorded_at=now,
        recorded_by=by,
    )
    FamilyQuestion.objects.create(
        case=case,
        text=f"{mother} asks why {child} was not seen by a doctor on "
        f"{died - dt.timedelta(days=2):%d/%m/%Y}.",
        recorded_on=died + dt.timedelta(days=10),
        recorded_by=by,
    )
    PostMortem.objects.create(
        case=case,
        pm_type=PostMortemType.CORONIAL,
        requested_on=died,
        performed_on=died + dt.timedelta(days=3),
        report_received_on=died + dt.timedelta(days=60),
        result_summary=f"Examination of {child} {surname} found bronchiolitis.",
        cause_of_death="1a Bronchiolitis",
        recorded_at=now,
        recorded_by=by,
        updated_at=now,
    )
    details = {
        "child": child,
        "surname": surname,
        "mother": mother,
        "father": father,
        "sibling": sibling,
        "grandmother": grandmother,
        "address_line": address_line,
        "street": street,
        "postcode_lower": postcode.lower(),
        "postcode_nospace": postcode.replace(" ", ""),
        "mother_phone": mother_phone,
        "phone_father": father_phone,
        "nhs": nhs,
        "nhs_spaced": f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}",
        "born_slash": f"{born:%d/%m/%Y}",
        "born_words": f"{born.day}{_ordinal(born.day)} {born:%B %Y}",
        "born_iso": born.isoformat(),
        "reference": reference,
    }
    core = (
        FormDefinition.objects.filter(code="reporting-form", published_at__isnull=False)
        .order_by("-version")
        .first()
    )
    if core is not None:
        for agency, contact in _organisations(area)[: 2 + n % 3]:
            submitted = timezone.make_aware(
                dt.datetime.combine(died + dt.timedelta(days=rng.randint(10, 50)), dt.time(15))
            )
            request = FormRequest.objects.create(
                case=case,
                area=area,
                contact=contact,
                organisation=agency,
                status=FormRequest.Status.SUBMITTED,
                requested_at=submitted - dt.timedelta(days=9),
                requested_by=by,
                due_on=(submitted + dt.timedelta(days=20)).date(),
                first_opened_at=submitted - dt.timedelta(days=5),
                submitted_at=submitted,
            )
            RequestedForm.objects.create(
                request=request,
                definition=core,
                answers=_answers(details, rng, died),
                updated_at=submitted,
                completed_at=submitted,
            )
    names = [child, surname, mother, father, sibling, grandmother, f"{child} {surname}"]
    return SyntheticCase(
        case=case,
        names=names,
        nhs_number=nhs,
        postcode=postcode,
        born=born,
        address=address_line,
        phones=[mother_phone, father_phone],
    )


def _ordinal(day: int) -> str:
    if 10 <= day % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def synthetic_meeting(
    *,
    area: Area,
    by: User,
    cases: list[Case],
    starts_at: dt.datetime | None = None,
    invitees: list[tuple[User, str]] | None = None,
    title: str = "Panel meeting",
) -> Meeting:
    """A panel meeting with these cases on its agenda (the first short-triaged) and these
    users invited, as (user, sector)."""
    meeting = Meeting.objects.create(
        area=area,
        kind=MeetingKind.PANEL,
        title=title,
        starts_at=starts_at or timezone.now() + dt.timedelta(days=30),
        place="Synthetic Town Hall, committee room 2",
        created_by=by,
        created_at=timezone.now(),
    )
    for position, case in enumerate(cases, start=1):
        AgendaItem.objects.create(
            meeting=meeting,
            case=case,
            position=position,
            triage=Triage.SHORT if position == 1 else Triage.FULL,
            triage_reason=f"Extreme prematurity with a clear cause; {case.child_first_name}'s "
            "notes agree."
            if position == 1
            else "",
        )
    for user, sector in invitees or []:
        meeting.invitees.create(
            user=user, name=user.full_name, email=user.email, sector=sector or Sector.OTHER
        )
    return meeting
