"""Meeting pages under a case: setting a case's triage before its meeting.

They start from case_get_for_user (404 to anyone who may not read the case), then need
can_manage_case: panel chairs and members never reach pages under a case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.cases.sections import section_url
from cdop.cases.selectors import case_get_for_user
from cdop.meetings.models import AgendaItem
from cdop.meetings.views import triage_page


@login_required
def case_item_triage(request: HttpRequest, reference: str, item_id: int) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required comes first
    case = case_get_for_user(user=user, reference=reference)
    if not permissions.can_manage_case(user, case) or not permissions.can_manage_meetings(
        user, case.area_id
    ):
        raise Http404
    item = get_object_or_404(AgendaItem.objects.select_related("meeting"), pk=item_id, case=case)
    item.case = case
    return triage_page(
        request,
        item,
        back=section_url(case, "meetings"),
        template="meetings/case_triage.html",
        extra={"case": case, "meeting": item.meeting},
    )
