"""The family's pages under a case, and the area's letter templates.

Every page starts from case_get_for_user, so anyone who may not read the case gets the same
404 as for a case that does not exist; pages that change things also need can_work_on_case
(the key worker page: can_manage_case), and answer 404 otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.audit.services import audit_read
from cdop.cases.models import Case
from cdop.cases.selectors import case_get_for_user
from cdop.core.errors import DomainError
from cdop.family import letters, selectors, services
from cdop.family.forms import (
    ContactForm,
    DateToAvoidForm,
    FamilyMemberForm,
    KeyWorkerForm,
    LetterForm,
    LetterTemplateForm,
    ProfileForm,
    QuestionForm,
)
from cdop.family.models import FamilyContact, FamilyMember, FamilyQuestion, LetterKind


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - login_required comes first
    return user


def _case(request: HttpRequest, reference: str, *, work: bool = False) -> Case:
    case = case_get_for_user(user=_user(request), reference=reference)
    if work and not permissions.can_work_on_case(request.user, case):
        raise Http404
    return case


def _url(name: str, case: Case, **kwargs: Any) -> str:
    return reverse(f"family:{name}", kwargs={"reference": case.reference, **kwargs})


def _form_page(
    request: HttpRequest,
    *,
    case: Case,
    form: forms.Form,
    save: Callable[[], object],
    done: str,
    then: str,
    page: dict[str, Any],
) -> HttpResponse:
    """Show a form; on a valid POST call `save`, say `done` and go to `then`. Bad input or
    a rule refused: the form again, with what was typed and the message, and a 400."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                save()
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, done)
                return redirect(then)
        status = 400
    return render(
        request,
        "family/form.html",
        {"case": case, "form": form, "back": _url("overview", case), **page},
        status=status,
    )


# --- The family's page ---------------------------------------------------------------------


@login_required
def overview(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    profile = selectors.family_profile_for(case=case)
    audit_read(obj=profile if profile is not None else case)
    user = _user(request)
    return render(
        request,
        "family/overview.html",
        {
            "case": case,
            "summary": selectors.family_summary(case=case),
            "assignment": selectors.key_worker_assignment_current(case=case),
            "profile": profile,
            "members": case.family_members.all(),
            "dates_to_avoid": case.dates_to_avoid.all(),
            "questions": case.family_questions.select_related("recorded_by"),
            "contacts": selectors.family_contacts_for(case=case)[:3],
            "letters": selectors.letters_for(case=case)[:5],
            "can_work": permissions.can_work_on_case(user, case),
            "can_manage": permissions.can_manage_case(user, case),
        },
    )


@login_required
def key_worker(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    if not permissions.can_manage_case(request.user, case):
        raise Http404
    current = selectors.key_worker_assignment_current(case=case)
    form = KeyWorkerForm(
        request.POST or None,
        candidates=selectors.key_worker_candidates(case=case),
        initial={
            "key_worker": case.key_worker_id,
            "phone": current.phone if current else "",
            "note": current.note if current else "",
        },
    )

    def save() -> None:
        chosen = form.cleaned_data["key_worker"]
        services.case_assign_key_worker(
            case=case,
            by=_user(request),
            key_worker=chosen,
            phone=form.cleaned_data["phone"],
            note=form.cleaned_data["note"],
        )

    chosen = form.cleaned_data.get("key_worker") if form.is_bound and form.is_valid() else None
    return _form_page(
        request,
        case=case,
        form=form,
        save=save,
        done=f"{chosen} is now the family's key worker." if chosen else "The key worker is saved.",
        then=_url("overview", case),
        page={
            "title": "Key worker",
            "button": "Save key worker",
            "intro": "The key worker is the family's one point of contact. Only they and the "
            "review team can read this case; a key worker who is replaced can no longer "
            "read it. The new key worker gets an email with a link, and no details.",
        },
    )


# --- Contacts ------------------------------------------------------------------------------


@login_required
def contacts(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    audit_read(obj=case)
    return render(
        request,
        "family/contacts.html",
        {
            "case": case,
            "contacts": selectors.family_contacts_for(case=case),
            "summary": selectors.family_summary(case=case),
            "can_work": permissions.can_work_on_case(request.user, case),
        },
    )


def _contact_page(request: HttpRequest, case: Case, contact: FamilyContact | None) -> HttpResponse:
    user = _user(request)
    initial: dict[str, Any] = {"staff": user.pk, "method": "phone"}
    if contact is not None:
        at = timezone.localtime(contact.at)
        initial = {
            "on": at.date(),
            "time": f"{at:%H:%M}",
            "staff": contact.staff_id,
            "family_members": contact.family_members,
            "method": contact.method,
            "discussed": contact.discussed,
            "promised": contact.promised,
            "next_contact_due": contact.next_contact_due,
        }
    form = ContactForm(
        request.POST or None, staff=selectors.contact_staff_choices(case=case), initial=initial
    )

    def save() -> None:
        data = form.cleaned_data
        details = services.ContactDetails(
            at=form.contact_at(),
            staff=data["staff"],
            family_members=data["family_members"],
            method=data["method"],
            discussed=data["discussed"],
            promised=data["promised"],
            next_contact_due=data["next_contact_due"],
        )
        if contact is None:
            services.family_contact_add(case=case, by=user, details=details)
        else:
            services.family_contact_update(contact=contact, by=user, details=details)

    return _form_page(
        request,
        case=case,
        form=form,
        save=save,
        done="The contact is recorded." if contact is None else "The contact is corrected.",
        then=_url("contacts", case),
        page={
            "title": "Record a contact with the family" if contact is None else "Correct a contact",
            "button": "Save contact",
            "back": _url("contacts", case),
            "intro": ""
            if contact is None
            else "The record keeps who changed it, and the audit log keeps what it said before.",
        },
    )


@login_required
def contact_add(request: HttpRequest, reference: str) -> HttpResponse:
    return _contact_page(request, _case(request, reference, work=True), None)


@login_required
def contact_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _case(request, reference, work=True)
    contact = selectors.family_contact_get(case=case, pk=pk)
    if request.method == "GET":
        audit_read(obj=contact)
    return _contact_page(request, case, contact)


# --- The family's details ------------------------------------------------------------------


@login_required
def profile(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, work=True)
    current = selectors.family_profile_for(case=case)
    initial = {name: getattr(current, name) for name in services.PROFILE_FIELDS} if current else {}
    form = ProfileForm(request.POST or None, initial=initial or {"bereavement_support": "not_yet"})
    return _form_page(
        request,
        case=case,
        form=form,
        save=lambda: services.family_profile_update(
            case=case, by=_user(request), values=dict(form.cleaned_data)
        ),
        done="The family's details are saved.",
        then=_url("overview", case),
        page={"title": "The family's details", "button": "Save details"},
    )


def _member_page(request: HttpRequest, case: Case, member: FamilyMember | None) -> HttpResponse:
    fields = ("name", "relationship", "phone", "email", "main_contact", "notes")
    initial = {name: getattr(member, name) for name in fields} if member else {}
    form = FamilyMemberForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        case=case,
        form=form,
        save=lambda: services.family_member_save(
            case=case, by=_user(request), values=dict(form.cleaned_data), member=member
        ),
        done="The family member is saved.",
        then=_url("overview", case),
        page={
            "title": "Add a family member" if member is None else f"Change {member.name}",
            "button": "Save",
            "remove": _url("member_remove", case, pk=member.pk) if member else "",
        },
    )


@login_required
def member_add(request: HttpRequest, reference: str) -> HttpResponse:
    return _member_page(request, _case(request, reference, work=True), None)


@login_required
def member_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _case(request, reference, work=True)
    member = selectors.family_member_get(case=case, pk=pk)
    if request.method == "GET":
        audit_read(obj=member)
    return _member_page(request, case, member)


@login_required
@require_POST
def member_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _case(request, reference, work=True)
    member = selectors.family_member_get(case=case, pk=pk)
    services.family_member_remove(member=member, by=_user(request))
    messages.success(request, f"{member.name} is removed from the family's contacts.")
    return redirect(_url("overview", case))


@login_required
def avoid_add(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference, work=True)
    form = DateToAvoidForm(request.POST or None)
    return _form_page(
        request,
        case=case,
        form=form,
        save=lambda: services.date_to_avoid_add(
            case=case,
            by=_user(request),
            description=form.cleaned_data["description"],
            date=form.cleaned_data["date"],
            every_year=form.cleaned_data["every_year"],
        ),
        done="The date to avoid is saved.",
        then=_url("overview", case),
        page={
            "title": "Add a date to avoid",
            "button": "Save",
            "intro": "A time when the family would rather not hear from us, or would like "
            "us to be gentle: an anniversary, a birthday, a difficult time of year.",
        },
    )


@login_required
@require_POST
def avoid_remove(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _case(request, reference, work=True)
    avoid = selectors.date_to_avoid_get(case=case, pk=pk)
    services.date_to_avoid_remove(avoid=avoid, by=_user(request))
    messages.success(request, f"“{avoid.description}” is removed.")
    return redirect(_url("overview", case))


def _question_page(
    request: HttpRequest, case: Case, question: FamilyQuestion | None
) -> HttpResponse:
    fields = ("kind", "text", "recorded_on", "answered", "answer")
    initial = (
        {name: getattr(question, name) for name in fields} if question else {"kind": "question"}
    )
    form = QuestionForm(request.POST or None, initial=initial)
    return _form_page(
        request,
        case=case,
        form=form,
        save=lambda: services.family_question_save(
            case=case, by=_user(request), question=question, **form.cleaned_data
        ),
        done="The family's question or view is saved.",
        then=_url("overview", case),
        page={
            "title": "The family's question or view for the review",
            "button": "Save",
        },
    )


@login_required
def question_add(request: HttpRequest, reference: str) -> HttpResponse:
    return _question_page(request, _case(request, reference, work=True), None)


@login_required
def question_edit(request: HttpRequest, reference: str, pk: int) -> HttpResponse:
    case = _case(request, reference, work=True)
    question = selectors.family_question_get(case=case, pk=pk)
    if request.method == "GET":
        audit_read(obj=question)
    return _question_page(request, case, question)


# --- Letters -------------------------------------------------------------------------------


@login_required
def letter_list(request: HttpRequest, reference: str) -> HttpResponse:
    case = _case(request, reference)
    audit_read(obj=case)
    return render(
        request,
        "family/letters.html",
        {
            "case": case,
            "kinds": LetterKind.choices,
            "letters": selectors.letters_for(case=case),
            "can_work": permissions.can_work_on_case(request.user, case),
        },
    )


@login_required
def letter(request: HttpRequest, reference: str, kind: str) -> HttpResponse:
    """Preview a letter (GET, or POST with 'preview'), then make its PDF (POST)."""
    case = _case(request, reference, work=True)
    if kind not in LetterKind.values:
        raise Http404
    form = LetterForm(request.POST or None)
    status = 200
    message = ""
    if request.method == "POST" and form.is_valid():
        message = form.cleaned_data["message"]
        if "download" in request.POST:
            try:
                made, pdf = services.letter_produce(
                    case=case, kind=kind, by=_user(request), message=message
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                audit_read(obj=made)  # the download itself, beside the row that records it
                response = HttpResponse(pdf, content_type="application/pdf")
                response["Content-Disposition"] = (
                    f'attachment; filename="{case.reference}-{kind.replace("_", "-")}.pdf"'
                )
                response["Cache-Control"] = "no-store"
                return response
    if form.errors:
        status = 400
    draft = services.letter_draft(case=case, kind=kind, message=message)
    if "message" not in letters.placeholders_used(draft.text.body):
        del form.fields["message"]
    return render(
        request,
        "family/letter.html",
        {
            "case": case,
            "kind": kind,
            "form": form,
            "draft": draft,
            "body": letters.letter_body_html(draft.text.body, draft.values, govuk=True),
        },
        status=status,
    )


# --- The area's letter templates (under /staff/letter-templates/) --------------------------


@login_required
def letter_templates(request: HttpRequest) -> HttpResponse:
    areas = selectors.letter_template_areas_for(user=_user(request))
    if not areas:
        raise Http404
    return render(
        request,
        "family/letter_templates.html",
        {"areas": [(area, selectors.letter_templates_for_area(area=area)) for area in areas]},
    )


SAMPLE_VALUES = {
    "family_name": "Sarah and James Example",
    "child_first_name": "Oliver",
    "key_worker_name": "Kim Keyworker",
    "key_worker_phone": "0116 496 0000",
    "today": "3 March 2027",
    "message": "(The words typed in when the letter is made go here.)",
}


@login_required
def letter_template_edit(request: HttpRequest, area_slug: str, kind: str) -> HttpResponse:
    area = Area.objects.filter(slug=area_slug).first()
    if (
        area is None
        or kind not in LetterKind.values
        or not permissions.can_edit_letter_templates(request.user, area)
    ):
        raise Http404
    current = selectors.letter_template_current(area=area, kind=kind)
    form = LetterTemplateForm(
        request.POST or None, initial={"title": current.title, "body": current.body}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid() and "save" in request.POST:
            try:
                saved = services.letter_template_save(
                    area=area,
                    kind=kind,
                    by=_user(request),
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                messages.success(request, f"“{saved.title}” is saved as version {saved.version}.")
                return redirect("family_staff:letter_templates")
        if form.errors:
            status = 400
    body = form.data.get("body", current.body) if form.is_bound else current.body
    preview = letters.letter_body_html(body, {**SAMPLE_VALUES, "area_name": area.name}, govuk=True)
    return render(
        request,
        "family/letter_template_edit.html",
        {
            "area": area,
            "kind": kind,
            "kind_label": LetterKind(kind).label,
            "current": current,
            "form": form,
            "preview": preview,
            "placeholders": [
                ("{{ " + name + " }}", what) for name, what in letters.PLACEHOLDERS.items()
            ],
        },
        status=status,
    )
