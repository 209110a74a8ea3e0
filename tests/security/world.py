"""One seeded world for the security tests: two areas, every persona, and one of each kind
of record a URL can name. Every value is synthetic.

LLR holds the records. `kim` is the key worker of the case; `kit` is a key worker of LLR
who is not. `chris` chairs and `pat` sits on the panel meeting that has the case on its
agenda. `olu` manages cases in another area. The agency and the family each hold a secure
link (a session opened through /link/<token>/) to their own request about the case.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from cdop.accounts.models import Role, User
from cdop.actions.services import PANEL
from cdop.actions.tests.factories import ActionFactory
from cdop.agencies.tests.factories import AgencyContactFactory, OrganisationFactory
from cdop.agencyforms.models import FormRequest
from cdop.agencyforms.tests.respond_helpers import issue_link, request_with_forms
from cdop.api.services import api_client_register
from cdop.areas.models import Area
from cdop.core.tests.factories import (
    AreaFactory,
    CaseFactory,
    MembershipFactory,
    NotificationFactory,
    UserFactory,
)
from cdop.documents.services import document_upload
from cdop.documents.tests import files
from cdop.family.tests.factories import DateToAvoidFactory
from cdop.familyvoice.models import FamilyVoiceEntry
from cdop.formdefs.selectors import formdef_current
from cdop.investigations.models import PostMortem
from cdop.meetings.models import Sector
from cdop.papers.services import papers_publish
from cdop.papers.synthetic import synthetic_case, synthetic_meeting
from cdop.safeguarding.models import Recipient
from cdop.safeguarding.tests.factories import (
    SafeguardingConcernFactory,
    SafeguardingReferralFactory,
)
from cdop.securelinks.tests.factories import family_link_make
from cdop.transfers.models import TransferRecord
from cdop.transfers.services import token_hash
from cdop.work.tests.factories import TaskFactory

STAFF = ("ada", "alice", "devi", "kim", "kit", "chris", "pat", "olu")
LINK_HOLDERS = ("agency", "family")
PERSONAS = ("anon", *STAFF, *LINK_HOLDERS)
PACK_TOKEN = "synthetic-transfer-pack-token-for-the-security-tests"


@dataclass
class World:
    llr: Area
    other: Area
    users: dict[str, User]
    agency_token: str
    family_token: str
    ids: dict[str, Any] = field(default_factory=dict)

    cookies: dict[str, dict[str, str]] = field(default_factory=dict)

    def sign_in_everyone(self) -> None:
        """Make each persona's session once (rows in the module's transaction), so that a
        test's browser only carries the cookie: no sign-in or link opening per request."""
        for persona in PERSONAS:
            client = self._fresh_client(persona)
            self.cookies[persona] = {name: morsel.value for name, morsel in client.cookies.items()}

    def _fresh_client(self, persona: str) -> Client:
        client = Client()
        if persona in self.users:
            client.force_login(
                self.users[persona],
                backend="allauth.account.auth_backends.AuthenticationBackend",
            )
        elif persona in LINK_HOLDERS:
            token = self.agency_token if persona == "agency" else self.family_token
            landed = client.get(f"/link/{token}/")
            assert landed.status_code == 302, landed.status_code
        return client

    def client(self, persona: str) -> Client:
        """A browser as the persona: signed in (staff, with a second factor), holding an
        opened secure link (agency, family), or neither (anon)."""
        if not self.cookies:
            return self._fresh_client(persona)
        client = Client()
        for name, value in self.cookies[persona].items():
            client.cookies[name] = value
        return client


def _user(email: str, name: str, area: Area, role: str) -> User:
    user = UserFactory(email=email, full_name=name)
    MembershipFactory(user=user, area=area, role=role)
    TOTP.activate(user, generate_totp_secret())
    return user


def _national_theme_slug() -> str:
    from cdop.learning.models import Theme

    theme = Theme.objects.filter(area__isnull=True).order_by("pk").first()
    return theme.slug if theme is not None else "no-theme"


def build_world() -> World:
    llr = Area.objects.get(slug="llr")
    Area.objects.filter(pk=llr.pk).update(contact_phone="0116 496 0999")  # for letters
    llr.refresh_from_db()
    other = AreaFactory(slug="demo-shire", code="DEMO", name="Demo Shire", short_name="Demo")
    users = {
        "ada": _user("ada@llr.invalid", "Ada Administrator", llr, Role.ADMINISTRATOR),
        "alice": _user("alice@llr.invalid", "Alice Manager", llr, Role.CDR_MANAGER),
        "devi": _user("devi@llr.invalid", "Devi Doctor", llr, Role.DESIGNATED_DOCTOR),
        "kim": _user("kim@llr.invalid", "Kim Keyworker", llr, Role.KEY_WORKER),
        "kit": _user("kit@llr.invalid", "Kit Otherkeyworker", llr, Role.KEY_WORKER),
        "chris": _user("chris@llr.invalid", "Chris Chair", llr, Role.PANEL_CHAIR),
        "pat": _user("pat@llr.invalid", "Pat Member", llr, Role.PANEL_MEMBER),
        "olu": _user("olu@demo.invalid", "Olu Otherarea", other, Role.CDR_MANAGER),
    }
    alice = users["alice"]

    # The case, rich with records (notification, family, post-mortem, returned forms).
    made = synthetic_case(area=llr, by=alice, n=1)
    case = made.case
    case.key_worker = users["kim"]
    case.save(update_fields=["key_worker"])
    submitted = FormRequest.objects.filter(case=case).first()
    assert submitted is not None

    # A notification not yet on a case (the triage pages), and one sent outside.
    notification = NotificationFactory(area=llr, child_last_name="Queuechild")
    sent_out = NotificationFactory(area=llr, child_last_name="Sentchild")
    transfer = TransferRecord.objects.create(
        notification=sent_out,
        kind=TransferRecord.Kind.OUTSIDE,
        from_area=llr,
        panel_name="Synthetic Shire Child Death Overview Panel",
        panel_email="cdop@synthetic-shire.invalid",
        by=alice,
        at=timezone.now(),
        reason="The child lived in Synthetic Shire",
        token_hash=token_hash(PACK_TOKEN),
        link_sent_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=14),
    )

    meeting = synthetic_meeting(
        area=llr,
        by=alice,
        cases=[case],
        invitees=[(users["chris"], Sector.CHAIR), (users["pat"], Sector.HEALTH)],
    )
    item = meeting.items.get()
    papers_publish(meeting=meeting, by=alice)
    chair_invitee = meeting.invitees.get(user=users["chris"])

    document = document_upload(
        case=case,
        by=alice,
        file=SimpleUploadedFile("pm.pdf", files.PDF),
        filename="pm.pdf",
        category="post_mortem_report",
        title="Post-mortem report",
    )
    concern = SafeguardingConcernFactory(case=case, recorded_by=alice)
    referral = SafeguardingReferralFactory(concern=concern, case=case, recorded_by=alice)
    panel_concern = SafeguardingConcernFactory(case=case, recorded_by=alice, raised_by=PANEL)
    escalation = SafeguardingReferralFactory(
        concern=panel_concern, case=case, recorded_by=alice, recipient=Recipient.PARTNERSHIP
    )
    action = ActionFactory(case=case, created_by=alice)
    task = TaskFactory(case=case)
    organisation = OrganisationFactory(area=llr, name="Synthetic Health Trust")
    contact = AgencyContactFactory(organisation=organisation)
    avoid = DateToAvoidFactory(case=case)
    api_client, _ = api_client_register(area=llr, name="Synthetic EPR", by=users["ada"])
    definition = formdef_current(code="reporting-form")

    # The agency's open request with its link; the family's request with its link.
    open_request = request_with_forms(case=case, by=alice)
    agency_token = issue_link(open_request)
    requested_form = open_request.forms.get()
    family_token, voice_request = family_link_make(case=case, by=alice)
    entry = FamilyVoiceEntry.objects.create(
        request=voice_request, kind="question", text="Why?", written_at=timezone.now()
    )

    # An audit entry to open.
    audit_entry = LogEntry.objects.filter(object_pk=str(case.pk)).first() or (
        LogEntry.objects.order_by("pk").first()
    )
    assert audit_entry is not None

    world = World(
        llr=llr, other=other, users=users, agency_token=agency_token, family_token=family_token
    )
    world.ids.update(
        case=case.reference,
        other_case=CaseFactory(area=other).reference,
        notification=notification.reference,
        sent_out=sent_out.reference,
        transfer=transfer.pk,
        meeting=meeting.pk,
        item=item.pk,
        chair_invitee=chair_invitee.pk,
        document=document.pk,
        contact=case.family_contacts.first().pk,  # type: ignore[attr-defined]
        member=case.family_members.first().pk,  # type: ignore[attr-defined]
        question=case.family_questions.first().pk,  # type: ignore[attr-defined]
        avoid=avoid.pk,
        post_mortem=PostMortem.objects.get(case=case).pk,
        concern=concern.pk,
        referral=referral.pk,
        escalation=escalation.pk,
        action=action.pk,
        task=task.pk,
        organisation=organisation.pk,
        agency_contact=contact.pk,
        api_client=api_client.pk,
        formdef_code=definition.code,
        formdef_version=definition.version,
        form_request=open_request.pk,
        submitted_request=submitted.pk,
        requested_form=requested_form.pk,
        section_id=definition.schema["sections"][0]["id"],
        voice_request=voice_request.pk,
        voice_entry=entry.pk,
        audit_entry=audit_entry.pk,
        pack_token=PACK_TOKEN,
        theme=_national_theme_slug(),
    )
    world.sign_in_everyone()
    return world
