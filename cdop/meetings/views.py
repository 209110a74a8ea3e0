"""Meeting pages: the list, scheduling, the meeting page (invitees, attendance, quorum,
agenda), agenda item pages (triage, minutes, discussed) and the area's quorum rule.

Every page starts from a selector that answers 404 to anyone who may not read the meeting.
Managing (scheduling, the agenda, triage, holding) needs can_manage_meetings and answers
404 otherwise; attendance and minutes need can_record_meeting (the chair, or an
administrator or CDR manager). Panel chairs and members see anonymised labels only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.audit.services import audit_read
from cdop.cases.models import Case
from cdop.core.errors import DomainError
from cdop.meetings import selectors, services
from cdop.meetings.forms import (
    AgendaAddForm,
    CancelForm,
    InviteeChangeForm,
    InviteeForm,
    MeetingDetailsForm,
    MinutesForm,
    QuorumForm,
    ScheduleForm,
    TriageForm,
    attendance_form_class,
)
from cdop.meetings.models import (
    AgendaItem,
    Invitee,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Sector,
)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required comes first
    return user


def _posted(request: HttpRequest) -> Any:
    """The posted data for a form (bound even when nothing was sent), or None for a GET."""
    return request.POST if request.method == "POST" else None


def _meeting(request: HttpRequest, meeting_id: int, *, manage: bool = False) -> Meeting:
    meeting = selectors.meeting_get_for_user(user=_user(request), meeting_id=meeting_id)
    if manage and not permissions.can_manage_meetings(request.user, meeting.area_id):
        raise Http404
    return meeting


def _detail_url(meeting: Meeting | int) -> str:
    pk = meeting if isinstance(meeting, int) else meeting.pk
    return reverse("meetings:detail", kwargs={"meeting_id": pk})


def _item_url(item: AgendaItem) -> str:
    return reverse("meetings:item", kwargs={"meeting_id": item.meeting_id, "item_id": item.pk})


def _managed_areas(user: User) -> list[Area]:
    ids = permissions.area_ids_with_roles(user, permissions.MEETING_MANAGERS)
    return list(Area.objects.filter(pk__in=ids).order_by("name"))


def _staff_choices(
    area_id: int,
) -> tuple[list[tuple[str, str]], dict[int, User], dict[int, list[str]]]:
    staff = selectors.area_staff_for_invitation(area_id=area_id)
    roles = selectors.staff_roles_in_area(area_id=area_id)
    choices = [(str(u.pk), f"{u.full_name} ({', '.join(roles.get(u.pk, []))})") for u in staff]
    return choices, {u.pk: u for u in staff}, roles


def _roles_raw(area_id: int) -> dict[int, list[str]]:
    from cdop.accounts.models import Membership

    found: dict[int, list[str]] = {}
    for user_id, role in Membership.objects.filter(area_id=area_id).values_list("user_id", "role"):
        found.setdefault(user_id, []).append(role)
    return found


def _apply_error(form: Any, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    if error.field == "starts_at" and "date" in form.fields:
        field = "date"
    form.add_error(field, error.message)


# --- The list -----------------------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    readable_areas = permissions.area_ids_with_roles(user, permissions.AREA_CASE_READERS)
    wanted = request.GET.get("area", "")
    # ASCII digits only, and short: "²" is a digit to str.isdigit but not to int(), and a
    # number too large for the database raised an error instead of showing every area.
    area_id = int(wanted) if wanted.isascii() and wanted.isdigit() and len(wanted) < 10 else None
    lists = selectors.meetings_for_user(user=user, area_id=area_id)
    if not readable_areas and not lists.upcoming and not lists.past and area_id is None:
        raise Http404
    managed = _managed_areas(user)
    if area_id is not None:
        managed = [a for a in managed if a.pk == area_id]
    return render(
        request,
        "meetings/list.html",
        {
            "upcoming": lists.upcoming,
            "past": lists.past,
            "managed_areas": managed,
            "many_areas": len({m.area_id for m in [*lists.upcoming, *lists.past]}) > 1,
            "quorum_areas": [a for a in managed if permissions.can_edit_quorum_rule(user, a.pk)],
            "area_choices": (
                list(Area.objects.filter(pk__in=readable_areas).order_by("name"))
                if len(readable_areas) > 1
                else []
            ),
            "area_id": area_id,
        },
    )


# --- Scheduling -----------------------------------------------------------------------------


@login_required
def meeting_new(request: HttpRequest, kind: str) -> HttpResponse:
    user = _user(request)
    if kind not in MeetingKind.values:
        raise Http404
    areas = _managed_areas(user)
    if not areas:
        raise Http404
    wanted = request.POST.get("area") or request.GET.get("area")
    area = next((a for a in areas if str(a.pk) == wanted), areas[0])
    panel = kind == MeetingKind.PANEL
    choices, staff, _ = _staff_choices(area.pk)
    initial: dict[str, Any] = {
        "title": "CDOP panel meeting" if panel else "Child death review meeting",
        "add_ready_cases": True,
    }
    if not panel and request.GET.get("case"):
        initial["case"] = request.GET["case"][:24]
        initial["title"] = f"Child death review meeting {initial['case']}"
    form = ScheduleForm(_posted(request), panel=panel, staff_choices=choices, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            roles = _roles_raw(area.pk)
            people = [
                services.person_from_user(staff[int(pk)], roles=roles.get(int(pk), []))
                for pk in data["staff"]
            ] + list(data["outside"])
            case = None
            if not panel:
                case = (
                    Case.objects.filter(reference=data["case"].strip().upper(), area=area)
                    .order_by()
                    .first()
                )
            try:
                if not panel and case is None:
                    raise DomainError(
                        f"There is no case {data['case'].strip().upper()} in {area.short_name}: "
                        "check the reference, for example LLR-2026-0042",
                        field="case",
                    )
                meeting = services.meeting_schedule(
                    area=area,
                    kind=kind,
                    title=data["title"],
                    theme=data.get("theme", ""),
                    starts_at=data["starts_at"],
                    place=data["place"],
                    video_link=data["video_link"],
                    by=user,
                    invitees=people,
                    case=case,
                    add_ready_cases=bool(data.get("add_ready_cases")),
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(
                    request,
                    f"Meeting scheduled. Invitations are on their way to {len(people)} "
                    f"{'person' if len(people) == 1 else 'people'}.",
                )
                return redirect(_detail_url(meeting))
        status = 400
    return render(
        request,
        "meetings/new.html",
        {"form": form, "kind": kind, "panel": panel, "area": area, "areas": areas},
        status=status,
    )


@login_required
def meeting_change(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id, manage=True)
    if meeting.status != MeetingStatus.SCHEDULED:
        messages.info(request, f"This meeting was {meeting.get_status_display().lower()}.")
        return redirect(_detail_url(meeting))
    from django.utils import timezone

    local = timezone.localtime(meeting.starts_at)
    initial = {
        "title": meeting.title,
        "theme": meeting.theme,
        "date": local.date(),
        "time": f"{local:%H:%M}",
        "place": meeting.place,
        "video_link": meeting.video_link,
    }
    panel = meeting.kind == MeetingKind.PANEL
    form = MeetingDetailsForm(_posted(request), initial=initial, panel=panel)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                resent = services.meeting_update(
                    meeting=meeting,
                    by=_user(request),
                    title=data["title"],
                    theme=data.get("theme", ""),
                    starts_at=data["starts_at"],
                    place=data["place"],
                    video_link=data["video_link"],
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(
                    request,
                    "Meeting changed."
                    + (" Everyone invited has been sent the new details." if resent else ""),
                )
                return redirect(_detail_url(meeting))
        status = 400
    return render(
        request, "meetings/change.html", {"form": form, "meeting": meeting}, status=status
    )


@login_required
def meeting_cancel(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id, manage=True)
    form = CancelForm(_posted(request))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.meeting_cancel(
                    meeting=meeting, by=_user(request), reason=form.cleaned_data["reason"]
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, "Meeting cancelled. Everyone invited has been told.")
                return redirect(_detail_url(meeting))
        status = 400
    return render(
        request, "meetings/cancel.html", {"form": form, "meeting": meeting}, status=status
    )


@login_required
@require_POST
def meeting_held(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)  # the service checks who may record it
    try:
        services.meeting_mark_held(meeting=meeting, by=_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            "Meeting recorded as held."
            + (" Its case has moved on." if meeting.kind == MeetingKind.CDRM else ""),
        )
    return redirect(_detail_url(meeting))


# --- The meeting page ----------------------------------------------------------------------


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting = _meeting(request, meeting_id)
    items = selectors.agenda_items_for(meeting=meeting)
    invitees = selectors.invitees_for(meeting=meeting)
    rule = selectors.quorum_rule_for(area_id=meeting.area_id)
    quorum = selectors.quorum_of(rule=rule, invitees=invitees)
    can_manage = permissions.can_manage_meetings(user, meeting.area_id)
    audit_read(obj=meeting)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "items": items,
            "invitees": invitees,
            "quorum": quorum,
            "rule": rule,
            "rule_sectors": [label for v, label in Sector.choices if v in rule.sectors],
            "can_manage": can_manage,
            "can_record": can_manage or permissions.can_record_meeting(user, meeting),
            "scheduled": meeting.status == MeetingStatus.SCHEDULED,
            "panel": meeting.kind == MeetingKind.PANEL,
            "add_form": AgendaAddForm() if can_manage else None,
        },
    )


# --- Invitees and attendance ---------------------------------------------------------------


@login_required
def invitee_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id, manage=True)
    if meeting.status != MeetingStatus.SCHEDULED:
        raise Http404
    choices, staff, _ = _staff_choices(meeting.area_id)
    form = InviteeForm(_posted(request), staff_choices=choices)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if data["user"]:
                chosen = staff[int(data["user"])]
                person = services.person_from_user(
                    chosen, roles=_roles_raw(meeting.area_id).get(chosen.pk, [])
                )
                person = services.Person(
                    name=person.name,
                    email=person.email,
                    sector=data["sector"] or person.sector,
                    organisation=data["organisation"],
                    role=data["role"],
                    user=chosen,
                )
            else:
                person = services.Person(
                    name=data["name"],
                    email=data["email"],
                    sector=data["sector"],
                    organisation=data["organisation"],
                    role=data["role"],
                )
            try:
                services.invitee_add(meeting=meeting, by=_user(request), person=person)
            except DomainError as error:
                form.add_error("email" if not data["user"] else "user", error.message)
            else:
                messages.success(request, f"{person.name} invited. The invitation is on its way.")
                return redirect(_detail_url(meeting))
        status = 400
    return render(
        request, "meetings/invitee_add.html", {"form": form, "meeting": meeting}, status=status
    )


def _invitee(meeting: Meeting, invitee_id: int) -> Invitee:
    return get_object_or_404(Invitee, pk=invitee_id, meeting=meeting)


@login_required
def invitee_change(request: HttpRequest, meeting_id: int, invitee_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id, manage=True)
    invitee = _invitee(meeting, invitee_id)
    invitee.meeting = meeting
    form = InviteeChangeForm(
        _posted(request),
        initial={
            "sector": invitee.sector,
            "organisation": invitee.organisation,
            "role": invitee.role,
        },
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.invitee_update(invitee=invitee, by=_user(request), **form.cleaned_data)
            messages.success(request, f"{invitee.name}'s details changed.")
            return redirect(_detail_url(meeting))
        status = 400
    return render(
        request,
        "meetings/invitee_change.html",
        {"form": form, "meeting": meeting, "invitee": invitee},
        status=status,
    )


@login_required
@require_POST
def invitee_remove(request: HttpRequest, meeting_id: int, invitee_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id, manage=True)
    invitee = _invitee(meeting, invitee_id)
    invitee.meeting = meeting
    try:
        services.invitee_remove(invitee=invitee, by=_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{invitee.name} is no longer invited.")
    return redirect(_detail_url(meeting))


@login_required
def attendance(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id)
    if not permissions.can_record_meeting(request.user, meeting):
        raise Http404
    invitees = selectors.invitees_for(meeting=meeting)
    form_class = attendance_form_class(invitees)
    form = form_class(_posted(request), initial={f"a_{i.pk}": i.attendance for i in invitees})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.attendance_record(
                    meeting=meeting,
                    by=_user(request),
                    attendance={i.pk: form.cleaned_data[f"a_{i.pk}"] for i in invitees},
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                quorum = selectors.meeting_quorum(meeting=meeting)
                messages.success(request, "Attendance recorded. " + quorum.summary)
                return redirect(_detail_url(meeting))
        status = 400
    rows = [(invitee, form[f"a_{invitee.pk}"]) for invitee in invitees]
    return render(
        request,
        "meetings/attendance.html",
        {"form": form, "meeting": meeting, "rows": rows},
        status=status,
    )


# --- The agenda ------------------------------------------------------------------------------


@login_required
def agenda_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting(request, meeting_id, manage=True)
    if meeting.status != MeetingStatus.SCHEDULED or meeting.kind != MeetingKind.PANEL:
        raise Http404
    form = AgendaAddForm(_posted(request))
    ready = list(selectors.cases_ready_for(meeting=meeting)[:200])
    status = 200
    if request.method == "POST":
        reference = (request.POST.get("reference") or "").strip().upper()
        if reference:
            form = AgendaAddForm({"case": reference})
        if form.is_valid():
            reference = form.cleaned_data["case"].strip().upper()
            case = (
                Case.objects.filter(reference=reference, area_id=meeting.area_id).order_by().first()
            )
            try:
                if case is None:
                    raise DomainError(
                        f"There is no case {reference} in this area: check the reference",
                        field="case",
                    )
                item = services.agenda_add(meeting=meeting, by=_user(request), case=case)
            except DomainError as error:
                form.add_error("case", error.message)
            else:
                messages.success(request, f"Case {case.reference} added as “{item.label}”.")
                return redirect(_detail_url(meeting) + "#agenda")
        status = 400
    return render(
        request,
        "meetings/agenda_add.html",
        {"form": form, "meeting": meeting, "ready": ready},
        status=status,
    )


def _item(request: HttpRequest, meeting_id: int, item_id: int) -> AgendaItem:
    return selectors.agenda_item_get_for_user(
        user=_user(request), meeting_id=meeting_id, item_id=item_id
    )


def _managed_item(request: HttpRequest, meeting_id: int, item_id: int) -> AgendaItem:
    item = _item(request, meeting_id, item_id)
    if not permissions.can_manage_meetings(request.user, item.meeting.area_id):
        raise Http404
    return item


@login_required
@require_POST
def agenda_remove(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    item = _managed_item(request, meeting_id, item_id)
    try:
        services.agenda_remove(item=item, by=_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Case {item.case.reference} taken off the agenda.")
    return redirect(_detail_url(meeting_id) + "#agenda")


@login_required
@require_POST
def agenda_move(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    item = _managed_item(request, meeting_id, item_id)
    try:
        services.agenda_move(
            item=item, by=_user(request), direction=request.POST.get("direction", "")
        )
    except DomainError as error:
        messages.error(request, error.message)
    return redirect(_detail_url(meeting_id) + "#agenda")


def triage_page(
    request: HttpRequest, item: AgendaItem, *, back: str, template: str, extra: dict[str, Any]
) -> HttpResponse:
    form = TriageForm(
        _posted(request), initial={"triage": item.triage, "reason": item.triage_reason}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.agenda_item_triage(
                    item=item,
                    by=_user(request),
                    triage=form.cleaned_data["triage"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, "Triage recorded.")
                return redirect(back)
        status = 400
    audit_read(obj=item)
    return render(
        request, template, {"form": form, "item": item, "back": back, **extra}, status=status
    )


@login_required
def item_triage(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    item = _managed_item(request, meeting_id, item_id)
    return triage_page(
        request,
        item,
        back=_detail_url(meeting_id) + "#agenda",
        template="meetings/triage.html",
        extra={"meeting": item.meeting},
    )


@login_required
def item_detail(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    user = _user(request)
    item = _item(request, meeting_id, item_id)
    meeting = item.meeting
    can_record = permissions.can_record_meeting(user, meeting)
    can_manage = permissions.can_manage_meetings(user, meeting.area_id)
    form = MinutesForm(_posted(request), initial={"minutes": item.minutes})
    status = 200
    if request.method == "POST":
        if not can_record:
            raise Http404
        if form.is_valid():
            try:
                services.agenda_item_minutes(
                    item=item, by=user, minutes=form.cleaned_data["minutes"]
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, "Minutes saved.")
                return redirect(_item_url(item))
        status = 400
    audit_read(obj=item)
    quorum = (
        selectors.meeting_quorum(meeting=meeting) if meeting.kind == MeetingKind.PANEL else None
    )
    return render(
        request,
        "meetings/item.html",
        {
            "meeting": meeting,
            "item": item,
            "form": form if can_record and meeting.status != MeetingStatus.CANCELLED else None,
            "can_manage": can_manage,
            "can_record_discussion": can_manage or can_record,
            "quorum": quorum,
            "panel": meeting.kind == MeetingKind.PANEL,
        },
        status=status,
    )


@login_required
@require_POST
def item_discussed(request: HttpRequest, meeting_id: int, item_id: int) -> HttpResponse:
    item = _item(request, meeting_id, item_id)  # the service checks who may record it
    try:
        services.agenda_item_discussed(item=item, by=_user(request))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, f"{item.label} recorded as discussed: the case is now reviewed by the panel."
        )
    return redirect(_item_url(item))


# --- Quorum rule -------------------------------------------------------------------------------


@login_required
def quorum_rule(request: HttpRequest, area_slug: str) -> HttpResponse:
    area = Area.objects.filter(slug=area_slug).first()
    if area is None or not permissions.can_edit_quorum_rule(request.user, area.pk):
        raise Http404
    rule = selectors.quorum_rule_for(area_id=area.pk)
    form = QuorumForm(
        _posted(request),
        initial={"chair_required": rule.chair_required, "sectors": list(rule.sectors)},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.quorum_rule_set(
                    area=area,
                    by=_user(request),
                    chair_required=form.cleaned_data["chair_required"],
                    sectors=form.cleaned_data["sectors"],
                )
            except DomainError as error:
                _apply_error(form, error)
            else:
                messages.success(request, f"Quorum rule for {area.short_name} saved.")
                return redirect(reverse("meetings:list"))
        status = 400
    return render(request, "meetings/quorum.html", {"form": form, "area": area}, status=status)
