from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.audit.services import audit_read
from cdop.cases.blockers import blockers_for_cases
from cdop.cases.models import Case, Task
from cdop.cases.sections import section_url
from cdop.cases.selectors import case_get_for_user
from cdop.core.db import queryset_rows_prepared
from cdop.core.errors import DomainError
from cdop.work import selectors
from cdop.work.forms import TaskAssignForm, TaskCompleteForm, TaskCreateForm
from cdop.work.presenters import (
    CLOCK_COLUMNS,
    TASK_COLUMNS,
    clock_rows,
    stage_rows,
    task_rows,
)
from cdop.work.services import (
    task_assign,
    task_can_work_on,
    task_closed_reason,
    task_complete,
    task_create,
)


def page_size() -> int:
    return int(getattr(settings, "WORK_PAGE_SIZE", 25))


# The first pages are read in one query, which the queues' indexes (task_queue_who,
# clock_running_area_due) serve in order: the database stops after the page and joins only
# the rows it passes. Deeper pages take the page's ids off the bare queryset (skipping rows
# without joining them), then the rows by id.
_DIRECT_ROWS_UP_TO = 250


def _page(
    queryset: QuerySet[Any],
    columns: tuple[str, ...],
    number: str | None,
    *,
    count: int | None = None,
    rows: Callable[[int, int], list[Any]] | None = None,
) -> Page[Any]:
    """A page of named rows with only `columns`, in at most two queries whatever the page
    size: the total on `queryset` (unless given), then the page's rows (from `rows`, given
    the 0-based start and end, if given: fixed SQL giving what `queryset` would)."""
    paginator = Paginator(queryset.values_list("pk", flat=True), page_size())
    # Fills the cached property.
    paginator.__dict__["count"] = queryset.order_by().count() if count is None else count
    page = paginator.get_page(number)
    if not paginator.count:
        page.object_list = []
        return page
    # SQLite walks the index in order and stops after the page even through the joins;
    # PostgreSQL's planner instead hash-joins every matching row and sorts, so there the
    # page's ids are picked first (from the index alone, in a subquery), then only their
    # rows are joined: one statement either way.
    start, end = page.start_index() - 1, page.end_index()
    if rows is not None:
        page.object_list = rows(start, end)
        return page
    if end <= _DIRECT_ROWS_UP_TO and connection.vendor == "sqlite":
        page.object_list = list(queryset.values_list(*columns, named=True)[start:end])
        return page
    ids = queryset.values("pk")[start:end]
    page.object_list = queryset_rows_prepared(
        queryset.filter(pk__in=ids).values_list(*columns, named=True), named=True
    )
    return page


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def my_work(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.area_ids_with_roles(user, permissions.CASE_READERS):
        raise Http404
    now = timezone.now()
    mine = selectors.my_tasks(user=user)
    tasks = _page(
        selectors.task_queue_mine(user=user),
        TASK_COLUMNS,
        request.GET.get("page"),
        count=selectors.task_count_mine(user=user, now=now, mine=mine),
    )
    clocks = _page(
        selectors.clocks_overdue_mine(user=user, now=now, mine=mine),
        CLOCK_COLUMNS,
        request.GET.get("clocks_page"),
    )
    return render(
        request,
        "work/mine.html",
        {
            **_queue_rows(user, tasks, clocks, now),
            "can_view_team": permissions.can_view_team_work(user),
        },
    )


def _queue_rows(
    user: User, tasks: Page[Any], clocks: Page[Any], now: datetime.datetime
) -> dict[str, Any]:
    rows = list(clocks.object_list)
    blocked = selectors.blockers_visible(
        user=user,
        blockers=blockers_for_cases({row.case_id for row in rows}),
        areas={row.case_id: row.case__area_id for row in rows},
    )
    return {
        "tasks": tasks,
        "clocks": clocks,
        "task_rows": task_rows(tasks.object_list, now=now),
        "clock_rows": clock_rows(rows, blockers=blocked, now=now),
        "now": now,
    }


@login_required
def team_work(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not permissions.can_view_team_work(user):
        raise Http404
    now = timezone.now()
    counts = selectors.team_counts(user=user, now=now)
    tasks = _page(
        selectors.task_queue_team(user=user),
        TASK_COLUMNS,
        request.GET.get("page"),
        count=counts.open_tasks,
        rows=lambda start, end: selectors.task_rows_team(user=user, start=start, end=end),
    )
    clocks = _page(
        selectors.clocks_overdue_team(user=user, now=now),
        CLOCK_COLUMNS,
        request.GET.get("clocks_page"),
        count=counts.overdue_clocks,
        rows=lambda start, end: selectors.clock_rows_team(user=user, now=now, start=start, end=end),
    )
    stages = counts.stages
    return render(
        request,
        "work/team.html",
        {
            **_queue_rows(user, tasks, clocks, now),
            "stages": stages,
            "stage_rows": stage_rows(stages),
        },
    )


@login_required
def team_held_up(request: HttpRequest) -> HttpResponse:
    """Every open case something is holding up, and why. Its own page: finding them asks
    every blocker provider about every open case of the area, which the team page (opened
    far more often) should not wait for."""
    user = _user(request)
    if not permissions.can_view_team_work(user):
        raise Http404
    held_up = selectors.cases_blocked(user=user)
    page = Paginator(held_up, page_size()).get_page(request.GET.get("page"))
    return render(
        request,
        "work/held_up.html",
        {
            "page": page,
            "rows": selectors.blocked_rows(list(page.object_list)),
            "reasons": selectors.blocked_reason_counts(held_up),
        },
    )


def case_tasks_section(request: HttpRequest, case: Case) -> dict[str, Any] | None:
    """The case page's "Tasks": one query. Adding, assigning and completing each have their
    own page, so the case page does not build a form (and a list of people) per task."""
    user = _user(request)
    return {
        "tasks": selectors.tasks_for_case(case=case),
        "now": timezone.now(),
        "can_work": permissions.can_work_on_case(user, case),
    }


def _assignee_value(task: Task) -> str:
    if task.assigned_to_id is not None:
        return f"user:{task.assigned_to_id}"
    return f"role:{task.assigned_role}" if task.assigned_role else ""


def _back_to(task: Task) -> str:
    if task.case is not None:
        return section_url(task.case, "tasks")
    return "work:mine"


@login_required
def task_new(request: HttpRequest, reference: str) -> HttpResponse:
    user = _user(request)
    case = case_get_for_user(user=user, reference=reference)
    if not permissions.can_work_on_case(user, case):
        raise Http404
    people = selectors.assignable_people(area_id=case.area_id, case=case)
    form = TaskCreateForm(request.POST or None, people=people)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            person, role = form.cleaned_data["assignee"]
            try:
                task_create(
                    case=case,
                    by=user,
                    title=form.cleaned_data["title"],
                    detail=form.cleaned_data["detail"],
                    due_at=form.due_at,
                    assigned_to=person,
                    assigned_role=role,
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, f"Task added to case {case.reference}.")
                return redirect(section_url(case, "tasks"))
    return render(request, "work/task_new.html", {"case": case, "form": form}, status=status)


def _task_for_work(request: HttpRequest, pk: int) -> Task:
    task = selectors.task_get_for_user(user=_user(request), pk=pk)
    if not task_can_work_on(_user(request), task):
        raise Http404
    return task


def _task_form_page(
    request: HttpRequest, template: str, task: Task, form: Any, doing: str, status: int
) -> HttpResponse:
    """A task's form page; for a task already done, or of a case that has ended, the reason
    once in place of a form that would only be refused (and of its error saying the same)."""
    closed = task_closed_reason(task, doing)
    if closed and request.method == "POST":
        status = 400
    context = {"task": task, "form": None if closed else form, "closed": closed}
    return render(request, template, context, status=status)


@login_required
def task_assign_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    task = _task_for_work(request, pk)
    people = selectors.assignable_people(area_id=task.area_id, case=task.case)
    form = TaskAssignForm(
        request.POST or None, people=people, initial={"assignee": _assignee_value(task)}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            person, role = form.cleaned_data["assignee"]
            try:
                task_assign(task=task, by=user, assigned_to=person, assigned_role=role)
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, f"Task “{task.title}” assigned.")
                return redirect(_back_to(task))
    else:
        audit_read(obj=task)
    return _task_form_page(request, "work/task_assign.html", task, form, "reassigned", status)


@login_required
def task_complete_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    task = _task_for_work(request, pk)
    form = TaskCompleteForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                task_complete(task=task, by=user, note=form.cleaned_data["note"])
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, f"Task “{task.title}” marked as done.")
                return redirect(_back_to(task))
    else:
        audit_read(obj=task)
    return _task_form_page(request, "work/task_complete.html", task, form, "marked done", status)
