"""A finalised case with personal data in every app that holds any, for the retention tests.

Every value is synthetic. The names below are the strings the tests look for afterwards,
anywhere (rows, audit log, files)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from cdop.accounts.models import User
from cdop.actions.models import FamilyFeedback
from cdop.actions.tests.factories import ActionFactory
from cdop.agencies.tests.factories import AgencyContactFactory, OrganisationFactory
from cdop.agencyforms.models import RequestedForm
from cdop.agencyforms.tests.factories import FormDefinitionFactory, FormRequestFactory
from cdop.analysis.tests.factories import complete_analysis
from cdop.areas.models import Area
from cdop.cases.models import Case, CaseTransition, Task
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory, NotificationFactory
from cdop.documents.models import Document
from cdop.documents.storage import new_storage_name, storage_write
from cdop.family.models import KeyWorkerAssignment, Letter, LetterKind
from cdop.family.tests.factories import (
    DateToAvoidFactory,
    FamilyContactFactory,
    FamilyMemberFactory,
    FamilyProfileFactory,
    FamilyQuestionFactory,
)
from cdop.familyvoice.models import FamilyVoiceEntry, FamilyVoiceRequest
from cdop.investigations.tests.factories import (
    CoronerReferralFactory,
    InquestFactory,
    MedicalExaminerReviewFactory,
    PostMortemFactory,
)
from cdop.meetings.tests.factories import AgendaItemFactory, MeetingFactory
from cdop.safeguarding.tests.factories import (
    SafeguardingConcernFactory,
    SafeguardingProfileFactory,
    SafeguardingReferralFactory,
)
from cdop.securelinks.models import SecureLink

# The personal data planted in the case: none of it may survive anonymisation anywhere.
CHILD_FIRST = "Zebedee"
CHILD_LAST = "Quillfeather"
NHS = "9991234561"
POSTCODE = "LE2 7QQ"
MOTHER = "Marigold Quillfeather"
MOTHER_EMAIL = "marigold.q@example.invalid"
MOTHER_PHONE = "0116 496 0777"
FATHER = "Bartholomew Quillfeather"
FATHER_PHONE = "0116 496 0888"
NOTIFIER = "Sam Notifier"
NOTIFIER_EMAIL = "sam.notifier@hospital.invalid"
NOTIFIER_PHONE = "0116 496 0000"
AGENCY_EMAIL = "school.lead@agency.invalid"
SECRETS = (
    CHILD_FIRST,
    CHILD_LAST,
    NHS,
    POSTCODE,
    MOTHER,
    MOTHER_EMAIL,
    MOTHER_PHONE,
    FATHER,
    FATHER_PHONE,
    NOTIFIER,
    NOTIFIER_EMAIL,
    NOTIFIER_PHONE,
    "Quillfeather",
    "Marigold",
)


@pytest.fixture(autouse=True)
def retention_documents(settings: Any, tmp_path: Path) -> None:
    settings.DOCUMENTS_ROOT = str(tmp_path / "documents")


@dataclass
class PlantedCase:
    case: Case
    document: Document
    link: SecureLink
    others: dict[str, Any]


def plant_case(
    *, area: Area, staff: User, finalised_at: datetime.datetime, status: str = Status.FINALISED
) -> PlantedCase:
    """A case of `area`, finalised at `finalised_at`, with personal data in every app."""
    case = CaseFactory(
        area=area,
        status=status,
        finalised_at=finalised_at if status == Status.FINALISED else None,
        status_changed_at=finalised_at,
        child_first_name=CHILD_FIRST,
        child_last_name=CHILD_LAST,
        child_nhs_number=NHS,
        child_postcode=POSTCODE,
        child_date_of_birth=datetime.date(2004, 3, 17),
        date_of_death=datetime.date(2004, 9, 23),
        key_worker=staff,
    )
    notification = NotificationFactory(
        area=area,
        case=case,
        status="case_opened",
        child_first_name=CHILD_FIRST,
        child_last_name=CHILD_LAST,
        child_other_names="Zeb",
        child_nhs_number=NHS,
        child_postcode=POSTCODE,
        child_address=f"4 Feather Lane, Leicester {POSTCODE}",
        child_date_of_birth=datetime.date(2004, 3, 17),
        date_of_death=datetime.date(2004, 9, 23),
        time_of_death=datetime.time(3, 15),
        child_ethnicity="white_british",
        circumstances=f"{CHILD_FIRST} was found unresponsive by {MOTHER}.",
        parental_responsibility=f"{MOTHER} (mother)\n{FATHER} (father)",
        other_children="A sister, aged 6",
        notifier_name=NOTIFIER,
        notifier_email=NOTIFIER_EMAIL,
        notifier_phone=NOTIFIER_PHONE,
    )
    CaseTransition.objects.create(
        case=case,
        name="finalise",
        from_status=Status.PANEL_REVIEWED,
        to_status=Status.FINALISED,
        by=staff,
        at=finalised_at,
        reason=f"Finalised after talking to {MOTHER}",
    )
    task = Task.objects.create(
        area=area,
        case=case,
        title=f"Call {MOTHER}",
        detail=f"Ring {MOTHER} on {MOTHER_PHONE}",
        due_at=finalised_at,
        completion_note=f"Spoke to {FATHER}",
    )
    KeyWorkerAssignment.objects.create(
        case=case,
        key_worker=staff,
        phone="0116 496 0999",
        note=f"Known to {MOTHER}",
        assigned_at=finalised_at,
        assigned_by=staff,
    )
    contact = FamilyContactFactory(
        case=case,
        staff=staff,
        family_members=f"Mother ({MOTHER})",
        discussed=f"{MOTHER} asked about the post-mortem",
        promised="Send the leaflet",
    )
    profile = FamilyProfileFactory(
        case=case,
        updated_by=staff,
        family_name=f"The {CHILD_LAST} family",
        postal_address=f"4 Feather Lane\nLeicester\n{POSTCODE}",
        language="Polish",
        other_needs=f"{FATHER} uses a wheelchair",
    )
    mother = FamilyMemberFactory(
        case=case,
        name=MOTHER,
        relationship="Mother",
        phone=MOTHER_PHONE,
        email=MOTHER_EMAIL,
        main_contact=True,
        notes=f"Prefers to be called {MOTHER.split()[0]}",
    )
    father = FamilyMemberFactory(case=case, name=FATHER, relationship="Father", phone=FATHER_PHONE)
    avoid = DateToAvoidFactory(case=case, description=f"{CHILD_FIRST}'s birthday")
    question = FamilyQuestionFactory(
        case=case, recorded_by=staff, text=f"Why did nobody see {CHILD_FIRST} sooner?"
    )
    letter = Letter.objects.create(
        case=case,
        kind=LetterKind.FIRST_CONTACT,
        template_version=0,
        title=f"Letter to {MOTHER}",
        produced_at=finalised_at,
        produced_by=staff,
    )
    voice = FamilyVoiceRequest.objects.create(
        case=case,
        sent_by=staff,
        sent_at=finalised_at,
        agreement_recorded=f"{MOTHER} agreed on the phone",
    )
    entry = FamilyVoiceEntry.objects.create(
        request=voice, kind="view", text=f"We are {CHILD_FIRST}'s parents.", written_at=finalised_at
    )
    family_link = SecureLink.objects.create(
        purpose=SecureLink.Purpose.FAMILY_VOICE,
        token_hash="f" * 64,
        email=MOTHER_EMAIL,
        area=area,
        family_voice_request=voice,
        created_at=finalised_at,
        created_by=staff,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    organisation = OrganisationFactory(area=area)
    agency = AgencyContactFactory(organisation=organisation, email=AGENCY_EMAIL)
    request = FormRequestFactory(
        case=case,
        contact=agency,
        organisation=organisation,
        requested_by=staff,
        note=f"About {CHILD_FIRST}",
    )
    requested = RequestedForm.objects.create(
        request=request,
        definition=FormDefinitionFactory(),
        answers={"known_since": f"{CHILD_FIRST} joined in 2003", "attended": True},
    )
    agency_link = SecureLink.objects.create(
        purpose=SecureLink.Purpose.AGENCY_FORM,
        token_hash="a" * 64,
        email=AGENCY_EMAIL,
        area=area,
        form_request=request,
        created_at=finalised_at,
        created_by=staff,
        expires_at=timezone.now() + datetime.timedelta(days=30),
    )
    storage_name = new_storage_name()
    storage_write(storage_name=storage_name, chunks=[b"%PDF-1.4 synthetic"])
    document = Document.objects.create(
        case=case,
        category="post_mortem_report",
        title=f"Post-mortem report {CHILD_FIRST} {CHILD_LAST}",
        original_filename=f"{CHILD_LAST}-pm.pdf",
        mime_type="application/pdf",
        size=18,
        sha256="0" * 64,
        storage_name=storage_name,
        uploaded_by=staff,
        uploaded_at=finalised_at,
    )
    post_mortem = PostMortemFactory(
        case=case,
        recorded_by=staff,
        notes=f"Pathologist spoke to {FATHER}",
        result_summary=f"{CHILD_FIRST}: bronchopneumonia",
        cause_of_death="1a Bronchopneumonia",
        requested_on=datetime.date(2004, 9, 24),
        performed_on=datetime.date(2004, 9, 25),
    )
    CoronerReferralFactory(
        case=case, recorded_by=staff, informed_on=datetime.date(2004, 9, 23), notes="Told"
    )
    InquestFactory(
        case=case,
        recorded_by=staff,
        opened_on=datetime.date(2004, 10, 1),
        notes=f"{MOTHER} attended",
    )
    MedicalExaminerReviewFactory(
        case=case,
        recorded_by=staff,
        reviewed_on=datetime.date(2004, 9, 24),
        medical_examiner="Dr Ima Examiner",
        cause_of_death_proposed="Pneumonia",
    )
    SafeguardingProfileFactory(
        case=case, looked_after=False, ofsted_notified_by="", ofsted_reference="OF-1"
    )
    concern = SafeguardingConcernFactory(
        case=case, recorded_by=staff, description=f"{FATHER} was known to the police"
    )
    SafeguardingReferralFactory(
        case=case, concern=concern, recorded_by=staff, sent_by="Ada", reply="Noted"
    )
    meeting = MeetingFactory(area=area, created_by=staff)
    item = AgendaItemFactory(meeting=meeting, case=case, minutes=f"{MOTHER}'s questions read out")
    action = ActionFactory(case=case, created_by=staff, evidence="")
    FamilyFeedback.objects.create(
        case=case,
        told_on=datetime.date(2005, 3, 1),
        method="visit",
        told_by=staff,
        note=f"{MOTHER} was told at home",
        recorded_at=finalised_at,
        recorded_by=staff,
    )
    analysis = complete_analysis(case=case, by=staff)
    return PlantedCase(
        case=case,
        document=document,
        link=family_link,
        others={
            "notification": notification,
            "task": task,
            "contact": contact,
            "profile": profile,
            "mother": mother,
            "father": father,
            "avoid": avoid,
            "question": question,
            "letter": letter,
            "voice_entry": entry,
            "agency_link": agency_link,
            "requested": requested,
            "post_mortem": post_mortem,
            "item": item,
            "action": action,
            "analysis": analysis,
            "agency": agency,
            "meeting": meeting,
        },
    )


@pytest.fixture
def long_ago() -> datetime.datetime:
    """Finalised twenty years ago: past any policy's period."""
    return timezone.now() - datetime.timedelta(days=365 * 20 + 5)


@pytest.fixture
def old_case(llr: Area, ada: User, long_ago: datetime.datetime) -> PlantedCase:
    return plant_case(area=llr, staff=ada, finalised_at=long_ago)
