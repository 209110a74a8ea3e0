"""Demo data for meetings: one upcoming panel of the demo area with six cases ready for
review, the demo chair and member invited with outside members. Synthetic people only.

Idempotent: a second run finds the demo panel and adds nothing. Cases are brought to the
panel, where too few are waiting, only through the case transition services."""

from __future__ import annotations

import datetime
from collections import Counter
from typing import TextIO

from django.utils import timezone

from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.cases import services as case_services
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.errors import DomainError
from cdop.meetings import services
from cdop.meetings.models import AgendaItem, Meeting, MeetingStatus, Sector, Triage

DEMO_TITLE = "CDOP panel (demo)"
DEMO_CASES = 6
OUTSIDE_MEMBERS = [
    services.Person(
        name="Priya Publichealth",
        email="priya.publichealth@demo-council.invalid",
        organisation="Demo Council Public Health",
        role="Consultant in public health",
        sector=Sector.PUBLIC_HEALTH,
    ),
    services.Person(
        name="Lewis Localauthority",
        email="lewis.la@demo-council.invalid",
        organisation="Demo Children's Social Care",
        role="Head of service",
        sector=Sector.LOCAL_AUTHORITY,
    ),
    services.Person(
        name="Pete Police",
        email="pete.police@demo-police.invalid",
        organisation="Demo Police",
        role="Detective inspector",
        sector=Sector.POLICE,
    ),
    services.Person(
        name="Erin Education",
        email="erin.education@demo-school.invalid",
        organisation="Demo Primary School",
        role="Designated safeguarding lead",
        sector=Sector.EDUCATION,
    ),
]
# The steps that bring a case to the panel, from where it may be, as the team would take them.
_TO_PANEL = {
    Status.INFORMATION_GATHERING: case_services.case_ready_for_cdrm,
    Status.AWAITING_CDRM: case_services.case_record_cdrm_held,
    Status.CDRM_HELD: case_services.case_refer_to_panel,
}


def _bring_to_panel(case: Case, by: User) -> bool:
    while case.status in _TO_PANEL:
        try:
            case = _TO_PANEL[Status(case.status)](case=case, by=by, reason="Demo data")
        except DomainError:
            return False  # held up (for example a post-mortem report awaited): skip it
    return case.status == Status.AWAITING_PANEL


def load_demo(*, stdout: TextIO) -> None:
    area = Area.objects.filter(slug="llr").first()
    manager = User.objects.filter(email="manager@demo.invalid").first()
    chair = User.objects.filter(email="chair@demo.invalid").first()
    member = User.objects.filter(email="member@demo.invalid").first()
    if area is None or manager is None or chair is None or member is None:
        stdout.write("Meetings: the demo area and users are not loaded; nothing done.\n")
        return
    if Meeting.objects.filter(area=area, title=DEMO_TITLE).exists():
        return
    busy = AgendaItem.objects.filter(
        meeting__status=MeetingStatus.SCHEDULED, discussed_at__isnull=True
    ).values("case_id")
    chosen: list[Case] = list(
        Case.objects.filter(area=area, status=Status.AWAITING_PANEL)
        .exclude(pk__in=busy)
        .order_by("date_of_death", "pk")[:DEMO_CASES]
    )
    if len(chosen) < DEMO_CASES:
        nearly = (
            Case.objects.filter(area=area, status__in=list(_TO_PANEL))
            .exclude(pk__in=busy)
            .order_by("-stage_position", "date_of_death", "pk")
        )
        # Leave at least one case at every stage, so that the demo still shows each.
        left = Counter(c.status for c in nearly)
        for case in nearly:
            if len(chosen) >= DEMO_CASES:
                break
            if left[case.status] <= 1:
                continue
            left[case.status] -= 1
            if _bring_to_panel(case, manager):
                chosen.append(Case.objects.get(pk=case.pk))
    local_now = timezone.localtime()
    starts_at = (local_now + datetime.timedelta(days=21)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    meeting = services.meeting_schedule(
        area=area,
        kind="panel",
        title=DEMO_TITLE,
        theme="",
        starts_at=starts_at,
        place="Room 2, Demo County Hall",
        video_link="https://meet.example.invalid/cdop-demo",
        by=manager,
        invitees=[
            services.Person(
                name=chair.full_name, email=chair.email, sector=Sector.CHAIR, user=chair
            ),
            services.Person(
                name=member.full_name,
                email=member.email,
                sector=Sector.HEALTH,
                organisation="Demo Hospitals NHS Trust",
                role="Consultant paediatrician",
                user=member,
            ),
            *OUTSIDE_MEMBERS,
        ],
        add_ready_cases=False,
    )
    for case in chosen:
        services.agenda_add(meeting=meeting, by=manager, case=case)
    last = meeting.items.order_by("-position").first()
    if last is not None:
        services.agenda_item_triage(
            item=last,
            by=manager,
            triage=Triage.SHORT,
            reason="Demo: a clear cause of death with no new learning expected",
        )
    stdout.write(
        f"Meetings: demo panel on {starts_at:%d %B %Y} with {len(chosen)} cases and "
        f"{meeting.invitees.count()} invitees.\n"
    )
