"""The family's own pages, opened by their secure link (no account).

Nothing from the record is shown here: only what the family wrote themselves, and how to
reach the review team. The addresses carry no identifiers: the link held in the session
(request.secure_link) decides whose words open, and an entry's number is looked up only
among that family's own entries.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cdop.core.errors import DomainError
from cdop.familyvoice import services
from cdop.familyvoice.forms import EntryForm
from cdop.familyvoice.models import FamilyVoiceEntry
from cdop.securelinks.decorators import link_required
from cdop.securelinks.models import SecureLink
from cdop.securelinks.views import link_not_working

PURPOSE = SecureLink.Purpose.FAMILY_VOICE

_WORDING = {
    services.KIND_QUESTION: {
        "title": "Add a question",
        "change_title": "Change your question",
        "label": "Your question",
        "hint": "Anything you would like the review to try to answer. Write it however feels "
        "right to you; there is no wrong way to ask.",
        "empty": "Write your question, or go back if you do not want to add one",
    },
    services.KIND_VIEW: {
        "title": "Add something you want the review to know",
        "change_title": "Change what you want the review to know",
        "label": "What you want the review to know",
        "hint": "About your child, what happened, the care and support you had, or anything "
        "else that matters to you.",
        "empty": "Write what you want the review to know, or go back if you do not want to "
        "add anything",
    },
}


def _link(request: HttpRequest) -> SecureLink:
    return request.secure_link  # type: ignore[attr-defined,no-any-return]


def _team(link: SecureLink) -> dict[str, str]:
    # The team that sent the link (from the link itself, not from the record).
    area = link.area
    return {"name": area.name, "email": area.contact_email, "phone": area.contact_phone}


def _page(
    request: HttpRequest, template: str, status: int = 200, **context: object
) -> HttpResponse:
    return render(
        request,
        f"familyvoice/public/{template}",
        {"team": _team(_link(request)), **context},
        status=status,
    )


@link_required(PURPOSE)
@require_http_methods(["GET", "HEAD"])
def start(request: HttpRequest) -> HttpResponse:
    entries = services.family_voice_entries(link=_link(request))
    return _page(request, "start.html", started=bool(entries))


def _numbered(link: SecureLink) -> list[tuple[int, FamilyVoiceEntry]]:
    # Numbered by the entry's own key, so a page left open elsewhere still changes the
    # piece it showed after another was removed.
    return [(entry.pk, entry) for entry in services.family_voice_entries(link=link)]


@link_required(PURPOSE)
@require_http_methods(["GET", "HEAD"])
def words(request: HttpRequest) -> HttpResponse:
    numbered = _numbered(_link(request))
    return _page(
        request,
        "words.html",
        questions=[(n, e) for n, e in numbered if e.kind == services.KIND_QUESTION],
        views=[(n, e) for n, e in numbered if e.kind == services.KIND_VIEW],
    )


def _entry_page(
    request: HttpRequest, *, kind: str, entry: FamilyVoiceEntry | None, number: int | None
) -> HttpResponse:
    link = _link(request)
    wording = _WORDING[kind]
    form = EntryForm(
        request.POST or None,
        initial={"text": entry.text} if entry else None,
        label=wording["label"],
        hint=wording["hint"],
        empty=wording["empty"],
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                if entry is None:
                    services.family_voice_entry_add(
                        link=link, kind=kind, text=form.cleaned_data["text"]
                    )
                else:
                    services.family_voice_entry_change(
                        link=link, entry=entry, text=form.cleaned_data["text"]
                    )
            except DomainError as error:
                form.add_error("text", error.message)
            else:
                messages.success(request, "Saved. You can come back to it at any time.")
                return redirect("familyvoice_public:words")
        status = 400
    return _page(
        request,
        "entry.html",
        status=status,
        form=form,
        title=wording["change_title"] if entry else wording["title"],
        number=number,
    )


@link_required(PURPOSE)
@require_http_methods(["GET", "HEAD", "POST"])
def add_question(request: HttpRequest) -> HttpResponse:
    return _entry_page(request, kind=services.KIND_QUESTION, entry=None, number=None)


@link_required(PURPOSE)
@require_http_methods(["GET", "HEAD", "POST"])
def add_view(request: HttpRequest) -> HttpResponse:
    return _entry_page(request, kind=services.KIND_VIEW, entry=None, number=None)


def _entry_numbered(request: HttpRequest, number: int) -> FamilyVoiceEntry | None:
    return services.family_voice_entry_get(link=_link(request), pk=number)


@link_required(PURPOSE)
@require_http_methods(["GET", "HEAD", "POST"])
def change(request: HttpRequest, number: int) -> HttpResponse:
    entry = _entry_numbered(request, number)
    if entry is None:
        return link_not_working(request)
    return _entry_page(request, kind=entry.kind, entry=entry, number=number)


@link_required(PURPOSE)
@require_http_methods(["GET", "HEAD", "POST"])
def remove(request: HttpRequest, number: int) -> HttpResponse:
    entry = _entry_numbered(request, number)
    if entry is None:
        return link_not_working(request)
    if request.method == "POST":
        try:
            services.family_voice_entry_remove(link=_link(request), entry=entry)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, "Removed.")
        return redirect("familyvoice_public:words")
    return _page(request, "remove.html", entry=entry, number=number)


@link_required(PURPOSE)
@require_http_methods(["GET", "HEAD", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    link = _link(request)
    error = ""
    if request.method == "POST":
        try:
            services.family_voice_submit(link=link)
        except DomainError as refused:
            error = refused.message
        else:
            return redirect("familyvoice_public:sent")
    numbered = _numbered(link)
    return _page(
        request,
        "check.html",
        status=400 if error else 200,
        error=error,
        questions=[(n, e) for n, e in numbered if e.kind == services.KIND_QUESTION],
        views=[(n, e) for n, e in numbered if e.kind == services.KIND_VIEW],
    )


@link_required(PURPOSE, allow_used=True)
@require_http_methods(["GET", "HEAD"])
def sent(request: HttpRequest) -> HttpResponse:
    if _link(request).used_at is None:
        return redirect("familyvoice_public:check")
    return _page(request, "sent.html")
