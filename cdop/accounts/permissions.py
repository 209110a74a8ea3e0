"""Who may do what: every access rule of the platform, as named predicates.

Views, selectors, exports and the API all ask these functions; nothing else decides access.
A user who fails a predicate for an object gets a 404 from the selectors, so that an
identifier tells them nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from cdop.accounts.models import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cdop.accounts.models import User
    from cdop.areas.models import Area
    from cdop.cases.models import Case
    from cdop.meetings.models import Meeting
    from cdop.notifications.models import Notification

# Roles that may read identifiable case records. Panel chairs and members work from
# anonymised papers (a later step), so they see aggregate figures only.
CASE_READERS = frozenset(
    {Role.ADMINISTRATOR, Role.CDR_MANAGER, Role.DESIGNATED_DOCTOR, Role.KEY_WORKER}
)
# Roles that run the case: triage notifications, open cases, move them between stages.
CASE_MANAGERS = frozenset({Role.ADMINISTRATOR, Role.CDR_MANAGER, Role.DESIGNATED_DOCTOR})
# Roles that read every case in their area. A key worker (and nobody else) reads only the
# cases they are the key worker for.
AREA_CASE_READERS = frozenset({Role.ADMINISTRATOR, Role.CDR_MANAGER, Role.DESIGNATED_DOCTOR})
# Safeguarding concerns and referrals: only the roles that act on them.
SAFEGUARDING_READERS = frozenset({Role.ADMINISTRATOR, Role.CDR_MANAGER, Role.DESIGNATED_DOCTOR})
STATISTICS_READERS = frozenset(Role)
AREA_ADMINISTRATORS = frozenset({Role.ADMINISTRATOR})


def roles_in_area(user: User | AnonymousUser, area_id: int) -> frozenset[str]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cache: dict[int, frozenset[str]] | None = getattr(user, "_roles_by_area", None)
    if cache is None:
        cache = {}
        for membership_area_id, role in user.memberships.values_list("area_id", "role"):
            cache[membership_area_id] = cache.get(membership_area_id, frozenset()) | {role}
        user._roles_by_area = cache
        user._roles_from_db = True  # RolesCacheMiddleware keeps it in the session
    return cache.get(area_id, frozenset())


def area_ids_with_roles(user: User | AnonymousUser, roles: frozenset[Role]) -> list[int]:
    """The areas in which the user holds at least one of these roles."""
    if not user.is_authenticated or not user.is_active:
        return []
    roles_in_area(user, 0)  # fills the cache
    cache: dict[int, frozenset[str]] = getattr(user, "_roles_by_area", {})
    return sorted(area_id for area_id, held in cache.items() if held & roles)


def _has_any(user: User | AnonymousUser, area_id: int, roles: frozenset[Role]) -> bool:
    return bool(roles_in_area(user, area_id) & roles)


def is_staff_member(user: User | AnonymousUser) -> bool:
    """Any signed-in user with at least one role somewhere."""
    return bool(area_ids_with_roles(user, frozenset(Role)))


def can_view_case(user: User | AnonymousUser, case: Case) -> bool:
    if _has_any(user, case.area_id, AREA_CASE_READERS):
        return True
    return _has_any(user, case.area_id, frozenset({Role.KEY_WORKER})) and (
        case.key_worker_id is not None and case.key_worker_id == user.pk
    )


def can_work_on_case(user: User | AnonymousUser, case: Case) -> bool:
    """Add to the case record (contacts, documents, tasks, events): the people who run the
    case, and the case's own key worker. Nobody, once the review is finalised (reopen it)."""
    if case_is_locked(case):
        return False
    return can_follow_up_case(user, case)


def can_follow_up_case(user: User | AnonymousUser, case: Case) -> bool:
    """Work that goes on after the review is finalised, so the lock does not stop it:
    completing the case's tasks and telling the family the panel's outcome. The same people
    as can_work_on_case."""
    return can_manage_case(user, case) or (
        _has_any(user, case.area_id, frozenset({Role.KEY_WORKER}))
        and case.key_worker_id is not None
        and case.key_worker_id == user.pk
    )


def can_view_safeguarding(user: User | AnonymousUser, case: Case) -> bool:
    """Safeguarding concerns, referrals and the looked-after flag of a case."""
    return _has_any(user, case.area_id, SAFEGUARDING_READERS)


def case_visibility_q(user: User | AnonymousUser) -> Q:
    """The cases a user may read, as a filter: the database twin of can_view_case."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    whole_areas = area_ids_with_roles(user, AREA_CASE_READERS)
    key_worker_areas = [
        a for a in area_ids_with_roles(user, frozenset({Role.KEY_WORKER})) if a not in whole_areas
    ]
    condition = Q(area_id__in=whole_areas)
    if key_worker_areas:
        condition |= Q(area_id__in=key_worker_areas, key_worker_id=user.pk)
    return condition


def can_manage_case(user: User | AnonymousUser, case: Case) -> bool:
    return _has_any(user, case.area_id, CASE_MANAGERS)


def can_view_notification(user: User | AnonymousUser, notification: Notification) -> bool:
    """The notification queue is for the people who run cases; a key worker reads the
    notifications of the cases they are the key worker for."""
    if _has_any(user, notification.area_id, AREA_CASE_READERS):
        return True
    case = notification.case if notification.case_id is not None else None
    return case is not None and can_view_case(user, case)


def can_triage_notification(user: User | AnonymousUser, notification: Notification) -> bool:
    return _has_any(user, notification.area_id, CASE_MANAGERS)


def can_view_statistics(user: User | AnonymousUser, area: Area) -> bool:
    return _has_any(user, area.pk, STATISTICS_READERS)


def can_edit_area_pages(user: User | AnonymousUser, area: Area) -> bool:
    return _has_any(user, area.pk, AREA_ADMINISTRATORS)


def can_read_audit_log(user: User | AnonymousUser) -> bool:
    return bool(area_ids_with_roles(user, AREA_ADMINISTRATORS))


# --- clocks and work (cdop.clocks, cdop.work) ---


def can_edit_clock_settings(user: User | AnonymousUser, area: Area) -> bool:
    """An area's timescales are set by its administrators."""
    return _has_any(user, area.pk, AREA_ADMINISTRATORS)


def can_view_team_work(user: User | AnonymousUser) -> bool:
    """The team's queue shows every case's tasks and clocks: for those who read every case."""
    return bool(area_ids_with_roles(user, AREA_CASE_READERS))


def task_visibility_q(user: User | AnonymousUser) -> Q:
    """The tasks a user may read, as a filter on Task: those of the cases they may read,
    and (for the people who run cases) those of notifications not yet opened as cases."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    whole_areas = area_ids_with_roles(user, AREA_CASE_READERS)
    key_worker_areas = [
        a for a in area_ids_with_roles(user, frozenset({Role.KEY_WORKER})) if a not in whole_areas
    ]
    condition = Q(area_id__in=whole_areas)
    if key_worker_areas:
        condition |= Q(area_id__in=key_worker_areas, case__key_worker_id=user.pk)
    return condition


# --- Family and key worker (cdop.family) ----------------------------------------------------


def can_be_key_worker(user: User | AnonymousUser, case: Case) -> bool:
    """Who may be made a case's key worker: an active user with the key-worker role in the
    case's area. Managers who also support families hold that role as well."""
    return _has_any(user, case.area_id, frozenset({Role.KEY_WORKER}))


def can_edit_letter_templates(user: User | AnonymousUser, area: Area) -> bool:
    """The letters sent to families are the area's words, like its public pages."""
    return _has_any(user, area.pk, AREA_ADMINISTRATORS)


# --- Safeguarding (cdop.safeguarding) -------------------------------------------------------

# Clocks and blockers that are themselves safeguarding records: wherever clocks or blockers
# are listed (case page, chronology, work queues), only those who may see safeguarding see
# these. A key worker must not learn of a serious incident or a looked-after child this way.
SAFEGUARDING_CLOCK_KINDS = frozenset({"safeguarding_5wd", "safeguarding_15wd"})
SAFEGUARDING_BLOCKER_KINDS = frozenset({"looked_after_notification"})


def can_view_clock_kind(user: User | AnonymousUser, case: Case, kind: str) -> bool:
    """Whether a clock of this kind on this (readable) case may be shown to the user."""
    return kind not in SAFEGUARDING_CLOCK_KINDS or can_view_safeguarding(user, case)


def can_view_blocker_kind(user: User | AnonymousUser, case: Case, kind: str) -> bool:
    """Whether a blocker of this kind on this (readable) case may be shown to the user."""
    return kind not in SAFEGUARDING_BLOCKER_KINDS or can_view_safeguarding(user, case)


def clock_kind_visibility_q(user: User | AnonymousUser) -> Q:
    """A filter on Clock leaving out the safeguarding clocks the user may not see: the
    database twin of can_view_clock_kind (combine it with the case's own visibility)."""
    # The clock's own copy of its case's area: no join to the cases.
    return ~Q(kind__in=SAFEGUARDING_CLOCK_KINDS) | Q(
        area_id__in=area_ids_with_roles(user, SAFEGUARDING_READERS)
    )


# --- Agency directory and Reporting Forms (cdop.agencies, cdop.agencyforms) -----------------


def can_edit_agency_directory(user: User | AnonymousUser, area: Area) -> bool:
    """The area's organisations and contacts are kept by its administrators."""
    return _has_any(user, area.pk, AREA_ADMINISTRATORS)


def can_read_agency_directory(user: User | AnonymousUser, area: Area) -> bool:
    """Those who request forms from agencies read the directory."""
    return _has_any(user, area.pk, CASE_MANAGERS)


def can_view_outstanding_forms(user: User | AnonymousUser) -> bool:
    """The area's list of outstanding Reporting Forms spans every case."""
    return bool(area_ids_with_roles(user, AREA_CASE_READERS))


# --- Form definitions (cdop.formdefs) --------------------------------------------------------

FORM_DEFINITION_READERS = frozenset({Role.ADMINISTRATOR, Role.CDR_MANAGER})


def can_view_form_definitions(user: User | AnonymousUser) -> bool:
    """The national forms are the same for every area: whoever requests them reads them."""
    return bool(area_ids_with_roles(user, FORM_DEFINITION_READERS))


def can_publish_form_definitions(user: User | AnonymousUser) -> bool:
    """A new national version is published by an administrator (of any area: the forms are
    shared; every version is kept and returns keep theirs)."""
    return bool(area_ids_with_roles(user, AREA_ADMINISTRATORS))


# --- Meetings (cdop.meetings) ----------------------------------------------------------------

# Those who schedule meetings, build agendas and triage: the people who run cases.
MEETING_MANAGERS = CASE_MANAGERS
# Those who record attendance and minutes for any meeting of the area (besides its chair).
MEETING_RECORDERS = frozenset({Role.ADMINISTRATOR, Role.CDR_MANAGER})


def can_manage_meetings(user: User | AnonymousUser, area_id: int) -> bool:
    """Schedule, change and cancel an area's meetings, and build their agendas."""
    return _has_any(user, area_id, MEETING_MANAGERS)


def _is_invited(user: User | AnonymousUser, meeting: Meeting, *, chair: bool = False) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    invitees = meeting.invitees.filter(user_id=user.pk)
    if chair:
        invitees = invitees.filter(sector="chair")
    return invitees.exists()


def can_read_meeting(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """A meeting and its anonymised agenda: whoever reads every case of its area, and the
    people invited who have an account (chairs and members see labels, never names)."""
    return _has_any(user, meeting.area_id, AREA_CASE_READERS) or _is_invited(user, meeting)


def can_record_meeting(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """Attendance and minutes: the meeting's chair, or an administrator or CDR manager of
    its area."""
    return _has_any(user, meeting.area_id, MEETING_RECORDERS) or _is_invited(
        user, meeting, chair=True
    )


def can_edit_quorum_rule(user: User | AnonymousUser, area_id: int) -> bool:
    """When the area's panel is quorate is decided by its administrators."""
    return _has_any(user, area_id, AREA_ADMINISTRATORS)


# --- Actions and family feedback (cdop.actions) ---------------------------------------------

# Who follows actions up across cases: the people who read every case of their area.
ACTION_TRACKER_READERS = AREA_CASE_READERS


def can_manage_actions(user: User | AnonymousUser, case: Case) -> bool:
    """Add, change and close a case's actions from the case or the tracker: the people who
    run cases in its area (the panel's chair adds them from the meeting instead)."""
    return _has_any(user, case.area_id, CASE_MANAGERS)


def can_view_action_tracker(user: User | AnonymousUser) -> bool:
    """The tracker lists every action of the user's areas, with case references."""
    return bool(area_ids_with_roles(user, ACTION_TRACKER_READERS))


# --- Anonymised papers (cdop.papers) ----------------------------------------------------------

# Who publishes a meeting's papers and changes when invitees may read them.
PAPERS_PUBLISHERS = frozenset({Role.ADMINISTRATOR, Role.CDR_MANAGER})


def can_publish_papers(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """Publish (and republish) a meeting's anonymised papers: its area's administrators and
    CDR managers."""
    return _has_any(user, meeting.area_id, PAPERS_PUBLISHERS)


def can_read_papers_any_time(user: User | AnonymousUser, meeting: Meeting) -> bool:
    """The area's case readers read a meeting's papers as soon as they are published; the
    people invited, only from some days before the meeting (cdop.papers.selectors)."""
    return _has_any(user, meeting.area_id, AREA_CASE_READERS)


def can_edit_papers_setting(user: User | AnonymousUser, area: Area) -> bool:
    """How many days before a meeting its papers open to invitees: the area's administrators."""
    return _has_any(user, area.pk, AREA_ADMINISTRATORS)


# --- The Analysis Form, finalising and reopening (cdop.analysis) ------------------------------

# Who reopens a finalised review (an audited amendment): those who run the team.
CASE_REOPENERS = frozenset({Role.ADMINISTRATOR, Role.CDR_MANAGER})


def case_is_locked(case: Case) -> bool:
    """A finalised review is locked: nothing is added to or changed in it until it is
    reopened (can_work_on_case and the Analysis Form both refuse)."""
    return bool(case.status == "finalised")


def can_edit_analysis(user: User | AnonymousUser, case: Case) -> bool:
    """The Analysis Form from the case: the people who run cases (administrators, CDR
    managers, designated doctors), while the review is not finalised."""
    return can_manage_case(user, case) and not case_is_locked(case)


def can_record_analysis_at_meeting(
    user: User | AnonymousUser, meeting: Meeting, case: Case
) -> bool:
    """The Analysis Form from a meeting's agenda item: whoever records the meeting (its
    chair, or an administrator or CDR manager), unless the meeting was cancelled or the
    review is finalised."""
    return (
        meeting.status != "cancelled"
        and not case_is_locked(case)
        and can_record_meeting(user, meeting)
    )


def can_finalise_case(user: User | AnonymousUser, case: Case) -> bool:
    """Finalise a review: the people who run cases, and the chair of a panel meeting (not
    cancelled) that has the case on its agenda, who finalises from the meeting."""
    return can_manage_case(user, case) or _chairs_a_panel_with(user, case)


def _chairs_a_panel_with(user: User | AnonymousUser, case: Case) -> bool:
    """The user chairs a panel meeting (not cancelled) with the case on its agenda."""
    if not user.is_authenticated or not user.is_active:
        return False
    from cdop.meetings.models import AgendaItem

    return (
        AgendaItem.objects.filter(
            case_id=case.pk,
            meeting__kind="panel",
            meeting__invitees__user_id=user.pk,
            meeting__invitees__sector="chair",
        )
        .exclude(meeting__status="cancelled")
        .exists()
    )


def can_reopen_case(user: User | AnonymousUser, case: Case) -> bool:
    """Reopen a finalised review to amend it: administrators and CDR managers."""
    return _has_any(user, case.area_id, CASE_REOPENERS)


def can_record_panel_review(user: User | AnonymousUser, case: Case) -> bool:
    """Record that the panel discussed a case (awaiting panel -> reviewed by panel): the
    people who run cases, and the chair of a panel meeting (not cancelled) with the case on
    its agenda, who records it from the agenda item without reading the case."""
    return can_manage_case(user, case) or _chairs_a_panel_with(user, case)


# --- The national data set export (cdop.ncmd) -------------------------------------------------

NCMD_EXPORTERS = frozenset({Role.ADMINISTRATOR, Role.CDR_MANAGER})


def can_export_ncmd(user: User | AnonymousUser, area_id: int) -> bool:
    """Send an area's cases to NCMD, and read what was sent: the identifiable data set
    leaves here, so only the area's administrators and CDR managers."""
    return _has_any(user, area_id, NCMD_EXPORTERS)


# --- Aggregate figures, learning, surveillance and data quality (issue 7) -------------------

# The annual report shows only suppressed aggregates: every role of the area may read it.
REPORT_READERS = STATISTICS_READERS
# Tag cases with learning themes, and read a theme's anonymised learning and actions.
LEARNING_TAGGERS = CASE_MANAGERS
LEARNING_READERS = frozenset(Role)
# Approve text for the area's public learning page.
PUBLIC_LEARNING_APPROVERS = frozenset({Role.ADMINISTRATOR, Role.CDR_MANAGER})
# Recent patterns against the area's history: the team, and the chair who leads the panel.
SURVEILLANCE_READERS = AREA_CASE_READERS | {Role.PANEL_CHAIR}
# Completeness and consistency of each case: names cases, so the area's case readers only.
DATA_QUALITY_READERS = AREA_CASE_READERS


def can_read_annual_report(user: User | AnonymousUser, area_id: int) -> bool:
    return _has_any(user, area_id, REPORT_READERS)


def can_tag_learning(user: User | AnonymousUser, case: Case) -> bool:
    return _has_any(user, case.area_id, LEARNING_TAGGERS)


def can_manage_learning_themes(user: User | AnonymousUser, area_id: int) -> bool:
    """Add and change an area's own themes: whoever tags its cases."""
    return _has_any(user, area_id, LEARNING_TAGGERS)


def can_read_learning(user: User | AnonymousUser, area_id: int) -> bool:
    return _has_any(user, area_id, LEARNING_READERS)


def can_approve_public_learning(user: User | AnonymousUser, area_id: int) -> bool:
    return _has_any(user, area_id, PUBLIC_LEARNING_APPROVERS)


def can_read_surveillance(user: User | AnonymousUser, area_id: int) -> bool:
    return _has_any(user, area_id, SURVEILLANCE_READERS)


def can_read_data_quality(user: User | AnonymousUser, area_id: int) -> bool:
    return _has_any(user, area_id, DATA_QUALITY_READERS)
