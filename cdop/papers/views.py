"""The papers page of a meeting: whether they are published, publishing, downloading.

Every page starts from the meeting getter, so anyone who may not read the meeting (not
invited, another area, no role) gets the same 404 as for a meeting that does not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.audit.services import audit_read
from cdop.core.errors import DomainError
from cdop.meetings.models import Meeting
from cdop.papers import selectors, services
from cdop.papers.forms import PapersSettingForm


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required comes first
    return user


@login_required
def papers_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = selectors.papers_meeting_get_for_user(user=_user(request), meeting_id=meeting_id)
    if request.method not in ("GET", "HEAD"):  # only after the meeting check
        return HttpResponseNotAllowed(["GET"])
    return _render_page(request, meeting, status=200)


def _render_page(
    request: HttpRequest, meeting: Meeting, *, status: int, error: str = ""
) -> HttpResponse:
    user = _user(request)
    pack = selectors.papers_pack_latest(meeting=meeting)
    can_publish = permissions.can_publish_papers(user, meeting)
    days_before = selectors.papers_days_before(area_id=meeting.area_id)
    availability = selectors.papers_availability(
        user=user, meeting=meeting, pack=pack, days_before=days_before
    )
    stale = bool(
        pack is not None
        and can_publish
        and pack.agenda_fingerprint != selectors.agenda_fingerprint(meeting=meeting)
    )
    audit_read(obj=meeting)
    return render(
        request,
        "papers/meeting.html",
        {
            "meeting": meeting,
            "pack": pack,
            "can_publish": can_publish,
            "availability": availability,
            "stale": stale,
            "days_before": days_before,
            "opens_at": selectors.papers_open_at(meeting=meeting, days_before=days_before),
            "downloads": selectors.papers_downloads_for(meeting=meeting) if can_publish else [],
            "can_edit_setting": permissions.can_edit_papers_setting(user, meeting.area),
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["POST"])
def papers_publish_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting = selectors.papers_meeting_get_for_user(user=user, meeting_id=meeting_id)
    if not permissions.can_publish_papers(user, meeting):
        raise Http404
    try:
        pack = services.papers_publish(meeting=meeting, by=user)
    except DomainError as error:
        return _render_page(request, meeting, status=400, error=error.message)
    messages.success(
        request, f"Papers published (version {pack.version}, {pack.item_count} cases)."
    )
    return redirect(reverse("papers:meeting", kwargs={"meeting_id": meeting.pk}))


@login_required
def papers_download_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    user = _user(request)
    meeting = selectors.papers_meeting_get_for_user(user=user, meeting_id=meeting_id)
    if request.method != "GET":  # not HEAD either: every download is recorded
        return HttpResponseNotAllowed(["GET"])
    try:
        download = services.papers_download(meeting=meeting, user=user)
    except DomainError as error:
        # Not (yet) for this reader: the page, saying why or from when.
        return _render_page(request, meeting, status=404, error=error.message)
    response = HttpResponse(download.pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def papers_setting_edit(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    area = Area.objects.filter(slug=slug).first()
    if area is None or not permissions.can_edit_papers_setting(user, area):
        raise Http404
    status = 200
    if request.method == "POST":
        form = PapersSettingForm(request.POST)
        if form.is_valid():
            try:
                services.papers_setting_update(
                    area=area, by=user, days_before=form.cleaned_data["days_before"]
                )
            except DomainError as error:
                form.add_error("days_before", error.message)
            else:
                messages.success(
                    request,
                    f"Papers for {area.name} now open to invitees "
                    f"{form.cleaned_data['days_before']} days before a meeting.",
                )
                return redirect("papers:setting", slug=area.slug)
        status = 400
    else:
        form = PapersSettingForm(
            initial={"days_before": selectors.papers_days_before(area_id=area.pk)}
        )
    return render(request, "papers/setting.html", {"area": area, "form": form}, status=status)
