"""Requesting Reporting Forms from agencies, withdrawing and resending them, and chasing.

Every service names its actor for the audit log and runs in one transaction. Anyone who may
not read the case gets a 404; only the people who run cases (permissions.can_manage_case)
may request, withdraw, resend or chase.

The raw token of a secure link is never stored, not even in the task queue: the email job
itself issues the link (securelink_issue) and sends it, so a job's arguments hold only ids.
Every reminder carries a fresh link; earlier links keep working until they expire, so a
contact half-way through their form is not thrown out by a reminder. All of a request's
links stop working when it is withdrawn or submitted.

The response side (saving answers, submitting) is in cdop.agencyforms.respond.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import Role
from cdop.agencies.models import AgencyContact
from cdop.agencyforms.models import Chase, FormRequest, RequestedForm
from cdop.audit.services import audit_actor
from cdop.cases.models import Case, Task
from cdop.clocks.working_days import add_working_days, is_working_day
from cdop.core.errors import DomainError

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.formdefs.models import FormDefinition

# Open requests: still waiting for the agency.
OPEN_STATUSES = (FormRequest.Status.REQUESTED, FormRequest.Status.IN_PROGRESS)
ESCALATION_TASK_RULE = "agency_form_escalation"


# --- Settings (each can be overridden in settings.py) --------------------------------------


def due_working_days() -> int:
    """How long an agency has, by default, in working days."""
    return int(getattr(settings, "AGENCY_FORM_DUE_WORKING_DAYS", 20))


def reminder_working_days() -> int:
    """The first reminder goes this many working days before the due date."""
    return int(getattr(settings, "AGENCY_FORM_REMINDER_WORKING_DAYS", 5))


def escalation_working_days() -> int:
    """The CDR team is told this many working days after the due date."""
    return int(getattr(settings, "AGENCY_FORM_ESCALATION_WORKING_DAYS", 5))


def link_days_after_due() -> int:
    """A link works until this many calendar days after the due date (a reminder or a resend
    gives a fresh one)."""
    return int(getattr(settings, "AGENCY_FORM_LINK_DAYS_AFTER_DUE", 60))


def form_request_due_default(*, today: datetime.date | None = None) -> datetime.date:
    return add_working_days(today or timezone.localdate(), due_working_days())


# --- Requesting ----------------------------------------------------------------------------


def _case_for_managing(*, case: Case, by: User) -> Case:
    locked = Case.objects.select_for_update(of=("self",)).select_related("area").get(pk=case.pk)
    if not permissions.can_view_case(by, locked):
        raise Http404
    if not permissions.can_manage_case(by, locked):
        raise DomainError("Only the review team can request, withdraw or chase agency forms.")
    return locked


def form_request_create(
    *,
    case: Case,
    contacts: list[AgencyContact],
    definitions: list[FormDefinition],
    due_on: datetime.date,
    note: str,
    by: User,
) -> list[FormRequest]:
    """Ask each contact for the chosen forms, in one step: one request per contact, each with
    the definitions pinned at their current version, and one email each with its own link."""
    with audit_actor(by), transaction.atomic():
        locked = _case_for_managing(case=case, by=by)
        if not contacts:
            raise DomainError("Choose at least one agency contact.", field="contacts")
        if not definitions:
            raise DomainError("Choose at least one form.", field="definitions")
        if due_on <= timezone.localdate():
            raise DomainError("The due date must be in the future.", field="due_on")
        fresh_contacts = list(
            AgencyContact.objects.select_related("organisation").filter(
                pk__in=[c.pk for c in contacts]
            )
        )
        for contact in fresh_contacts:
            if contact.organisation.area_id != locked.area_id:
                raise DomainError("Choose contacts from this area's directory.", field="contacts")
            if not (contact.active and contact.organisation.active):
                raise DomainError(
                    f"{contact.name} is no longer active in the directory.", field="contacts"
                )
        for definition in definitions:
            if definition.published_at is None or definition.retired_at is not None:
                raise DomainError(
                    f"{definition.title} is not available to request.", field="definitions"
                )
            if definition.kind == "family":
                raise DomainError("The family's form is not sent to agencies.", field="definitions")
        already = set(
            FormRequest.objects.filter(
                case=locked, contact__in=fresh_contacts, status__in=OPEN_STATUSES
            ).values_list("contact__name", flat=True)
        )
        if already:
            raise DomainError(
                "Already waiting for a form from " + ", ".join(sorted(already)) + ".",
                field="contacts",
            )
        now = timezone.now()
        created: list[FormRequest] = []
        for contact in sorted(fresh_contacts, key=lambda c: (c.organisation.name, c.name)):
            form_request = FormRequest.objects.create(
                case=locked,
                contact=contact,
                organisation=contact.organisation,
                requested_at=now,
                requested_by=by,
                due_on=due_on,
                note=note.strip(),
            )
            for definition in definitions:
                RequestedForm.objects.create(request=form_request, definition=definition)
            transaction.on_commit(partial(_enqueue_link_email, form_request.pk, "request"))
            transaction.on_commit(partial(_schedule_chases, form_request.pk, due_on))
            created.append(form_request)
    return created


def _request_for_managing(*, form_request: FormRequest, by: User) -> FormRequest:
    locked = (
        FormRequest.objects.select_for_update(of=("self",))
        .select_related("case", "case__area", "contact", "organisation")
        .get(pk=form_request.pk)
    )
    if not permissions.can_view_case(by, locked.case):
        raise Http404
    if not permissions.can_manage_case(by, locked.case):
        raise DomainError("Only the review team can withdraw, resend or chase agency forms.")
    return locked


def _revoke_links(*, form_request: FormRequest, by: User) -> int:
    from cdop.securelinks.services import securelink_revoke

    links = list(form_request.links.filter(revoked_at=None, used_at=None))
    for link in links:
        securelink_revoke(link=link, by=by)
    return len(links)


def form_request_revoke(*, form_request: FormRequest, by: User, reason: str = "") -> FormRequest:
    """Withdraw a request: its links stop working at once and it is no longer chased."""
    with audit_actor(by), transaction.atomic():
        locked = _request_for_managing(form_request=form_request, by=by)
        if locked.status not in OPEN_STATUSES:
            raise DomainError("This request has already been returned or withdrawn.")
        locked.status = FormRequest.Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.revoke_reason = reason.strip()
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
        _revoke_links(form_request=locked, by=by)
    return locked


def form_request_resend(*, form_request: FormRequest, by: User) -> FormRequest:
    """Send the contact a new link; every earlier link of the request stops working."""
    with audit_actor(by), transaction.atomic():
        locked = _request_for_managing(form_request=form_request, by=by)
        if locked.status not in OPEN_STATUSES:
            raise DomainError("This request has already been returned or withdrawn.")
        _revoke_links(form_request=locked, by=by)
        transaction.on_commit(partial(_enqueue_link_email, locked.pk, "resend"))
    return locked


def manual_chase_hours() -> int:
    return int(getattr(settings, "AGENCY_FORM_MANUAL_CHASE_HOURS", 24))


def form_request_chase_now(*, form_request: FormRequest, by: User) -> Chase:
    """Chase by hand: a reminder with a fresh link, at most once a day per request (any
    reminder to the contact counts), so a double click or an impatient day sends one."""
    with audit_actor(by), transaction.atomic():
        locked = _request_for_managing(form_request=form_request, by=by)
        if locked.status not in OPEN_STATUSES:
            raise DomainError("This request has already been returned or withdrawn.")
        now = timezone.now()
        if locked.last_chased_at and now - locked.last_chased_at < datetime.timedelta(
            hours=manual_chase_hours()
        ):
            raise DomainError(
                "This contact was reminded in the last day. You can chase again after "
                + timezone.localtime(
                    locked.last_chased_at + datetime.timedelta(hours=manual_chase_hours())
                ).strftime("%-d %B %Y, %H:%M")
                + "."
            )
        chase = Chase.objects.create(request=locked, kind=Chase.Kind.MANUAL, sent_at=now, by=by)
        locked.last_chased_at = now
        locked.save(update_fields=["last_chased_at"])
        transaction.on_commit(partial(_enqueue_link_email, locked.pk, "manual"))
    return chase


# --- The emails ----------------------------------------------------------------------------


def _enqueue_link_email(form_request_id: int, reason: str) -> None:
    from cdop.agencyforms.tasks import form_request_email_link

    form_request_email_link.enqueue(form_request_id=form_request_id, reason=reason)


def form_request_reference(form_request: FormRequest) -> str:
    """The request number an agency quotes: no case reference, nothing about the child."""
    return f"RF-{form_request.pk:06d}"


EMAIL_SUBJECTS = {
    "request": "Child death review: please complete a Reporting Form ({number})",
    "resend": "Child death review: a new link for your Reporting Form ({number})",
    "manual": "Reminder: Reporting Form {number}",
    "before_due": "Reminder: Reporting Form {number} is due on {due}",
    "on_due": "Reporting Form {number} is due today",
}


def form_request_send_link(*, form_request_id: int, reason: str) -> bool:
    """Issue a fresh link for the request and email it to its contact (the body of the email
    job). Nothing is sent for a request already returned or withdrawn. No personal details:
    the request number, the area, the due date and the link."""
    from cdop.securelinks.services import securelink_issue, securelink_url

    with transaction.atomic():
        form_request = (
            FormRequest.objects.select_for_update(of=("self",))
            .select_related("case__area", "contact", "organisation", "requested_by")
            .get(pk=form_request_id)
        )
        if form_request.status not in OPEN_STATUSES:
            return False
        area = form_request.case.area
        expires_at = timezone.make_aware(
            datetime.datetime.combine(
                form_request.due_on + datetime.timedelta(days=link_days_after_due()),
                datetime.time(23, 59),
            )
        )
        with audit_actor(form_request.requested_by):
            token = securelink_issue(
                purpose="agency_form",
                email=form_request.contact.email,
                area=area,
                created_by=form_request.requested_by,
                expires_at=expires_at,
                form_request=form_request,
                otp_required=bool(getattr(settings, "AGENCY_FORM_LINK_OTP", False)),
            )
        number = form_request_reference(form_request)
        message = render_to_string(
            "agencyforms/email_link.txt",
            {
                "reason": reason,
                "number": number,
                "area": area,
                "contact": form_request.contact,
                "due_on": form_request.due_on,
                "expires_at": timezone.localtime(expires_at),
                "note": form_request.note,
                "link": securelink_url(token),
            },
        )
        send_mail(
            subject=EMAIL_SUBJECTS.get(reason, EMAIL_SUBJECTS["manual"]).format(
                number=number, due=f"{form_request.due_on:%-d %B %Y}"
            ),
            message=message,
            from_email=None,
            recipient_list=[form_request.contact.email],
        )
    return True


# --- Chasing on schedule -------------------------------------------------------------------


@dataclass
class ChasePass:
    before_due: list[int] = field(default_factory=list)
    on_due: list[int] = field(default_factory=list)
    escalation: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.before_due) + len(self.on_due) + len(self.escalation)


def working_days_before(day: datetime.date, days: int) -> datetime.date:
    """The date `days` working days before `day`."""
    left = days
    while left:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def chase_stage_for(*, due_on: datetime.date, today: datetime.date) -> str | None:
    """Which automatic reminder is due today for a request due on `due_on`, if any. Only the
    latest stage reached is sent, so a pass that runs late does not send a burst."""
    if today >= add_working_days(due_on, escalation_working_days()):
        return Chase.Kind.ESCALATION
    if today >= due_on:
        return Chase.Kind.ON_DUE
    if today >= working_days_before(due_on, reminder_working_days()):
        return Chase.Kind.BEFORE_DUE
    return None


def form_requests_chase(*, today: datetime.date | None = None) -> ChasePass:
    """One pass of the automatic chasing: safe to run again and again (each automatic kind is
    a unique Chase row per request), and skips anything returned or withdrawn."""
    today = today or timezone.localdate()
    result = ChasePass()
    earliest_reminder = add_working_days(today, reminder_working_days()) + datetime.timedelta(
        days=1
    )
    candidates = (
        FormRequest.objects.filter(status__in=OPEN_STATUSES, due_on__lt=earliest_reminder)
        .exclude(escalated_at__isnull=False)
        .values_list("pk", "due_on")
        .order_by("due_on", "pk")
    )
    sent = {
        (request_id, kind)
        for request_id, kind in Chase.objects.filter(
            request__status__in=OPEN_STATUSES,
            request__due_on__lt=earliest_reminder,
            kind__in=[Chase.Kind.BEFORE_DUE, Chase.Kind.ON_DUE, Chase.Kind.ESCALATION],
        ).values_list("request_id", "kind")
    }
    for request_id, due_on in candidates:
        stage = chase_stage_for(due_on=due_on, today=today)
        if stage is None or (request_id, stage) in sent:
            continue
        if _chase_one(form_request_id=request_id, kind=stage):
            getattr(result, stage).append(request_id)
    return result


def chase_times(*, due_on: datetime.date) -> list[datetime.datetime]:
    """When the automatic reminders fall due: 08:00 on the day of each stage."""
    days = [
        working_days_before(due_on, reminder_working_days()),
        due_on,
        add_working_days(due_on, escalation_working_days()),
    ]
    return [timezone.make_aware(datetime.datetime.combine(day, datetime.time(8))) for day in days]


def _schedule_chases(form_request_id: int, due_on: datetime.date) -> int:
    """Queue a job for each reminder date (django-tasks' run_after), so the worker started by
    `make run` chases with no cron. Backends that cannot defer (the test suite's immediate
    one) schedule nothing; the daily `chase_forms` pass catches anything a job missed."""
    from cdop.agencyforms.tasks import form_request_chase_due

    if not form_request_chase_due.get_backend().supports_defer:
        return 0
    now = timezone.now()
    scheduled = 0
    for when in chase_times(due_on=due_on):
        if when > now:
            form_request_chase_due.using(run_after=when).enqueue(form_request_id=form_request_id)
            scheduled += 1
    return scheduled


def form_request_chase_one(
    *, form_request_id: int, today: datetime.date | None = None
) -> str | None:
    """The reminder due today for one request, if any and not sent yet (the body of the
    scheduled job); the kind sent, or None."""
    today = today or timezone.localdate()
    found = (
        FormRequest.objects.filter(pk=form_request_id, status__in=OPEN_STATUSES)
        .values_list("due_on", "escalated_at")
        .first()
    )
    if found is None or found[1] is not None:
        return None
    stage = chase_stage_for(due_on=found[0], today=today)
    if stage is None or Chase.objects.filter(request_id=form_request_id, kind=stage).exists():
        return None
    return stage if _chase_one(form_request_id=form_request_id, kind=stage) else None


def _chase_one(*, form_request_id: int, kind: str) -> bool:
    """Send one automatic reminder or escalation; False if it was already sent or the request
    is no longer open (another pass got there first)."""
    try:
        with transaction.atomic():
            form_request = (
                FormRequest.objects.select_for_update(of=("self",))
                .select_related("case__area", "organisation", "contact")
                .get(pk=form_request_id)
            )
            if form_request.status not in OPEN_STATUSES:
                return False
            now = timezone.now()
            Chase.objects.create(request=form_request, kind=kind, sent_at=now, by=None)
            if kind == Chase.Kind.ESCALATION:
                form_request.escalated_at = now
                form_request.save(update_fields=["escalated_at"])
                _escalate(form_request=form_request, now=now)
            else:
                form_request.last_chased_at = now
                form_request.save(update_fields=["last_chased_at"])
                form_request_send_link(form_request_id=form_request.pk, reason=kind)
    except IntegrityError:
        return False
    return True


def _escalate(*, form_request: FormRequest, now: datetime.datetime) -> None:
    """Tell the CDR team, and give them a task to follow it up."""
    from cdop.accounts.selectors import team_alert_emails

    case = form_request.case
    number = form_request_reference(form_request)
    Task.objects.create(
        area=case.area,
        case=case,
        title=f"Follow up the overdue Reporting Form from {form_request.organisation.name}",
        detail=(
            f"Request {number} to {form_request.contact.name} was due on "
            f"{form_request.due_on:%-d %B %Y} and has not been returned, despite reminders."
        ),
        rule=ESCALATION_TASK_RULE,
        due_at=now + datetime.timedelta(days=2),
        assigned_role=Role.CDR_MANAGER,
    )
    recipients = team_alert_emails(area=case.area)
    if recipients:
        link = settings.SITE_URL.rstrip("/") + reverse(
            "agencyforms:detail", kwargs={"reference": case.reference, "pk": form_request.pk}
        )
        send_mail(
            subject=f"Overdue Reporting Form on case {case.reference}",
            message=(
                f"A Reporting Form requested from {form_request.organisation.name} for case "
                f"{case.reference} was due on {form_request.due_on:%-d %B %Y} and has not "
                "been returned, despite reminders.\n\n"
                f"Sign in to follow it up: {link}\n\n"
                "This email contains no personal details on purpose."
            ),
            from_email=None,
            recipient_list=recipients,
        )
