"""Administrators register the hospital and police systems that may use the API; every member
of staff makes and revokes their own personal access tokens for the staff API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from cdop.accounts import permissions
from cdop.accounts.models import User
from cdop.api.forms import ApiClientForm, PersonalTokenForm
from cdop.api.selectors import (
    api_client_get_for_user,
    api_client_list_for_user,
    personal_token_get_for_user,
    personal_tokens_for_user,
)
from cdop.api.services import (
    api_client_register,
    api_client_revoke,
    personal_token_create,
    personal_token_revoke,
)
from cdop.areas.models import Area

# The new token waits here between the form and the page that shows it, and is removed as
# that page is shown: it is never shown twice and never put in a web address.
_TOKEN_KEY = "cdop_api_token_{pk}"  # noqa: S105 - a session key


def _administrator(request: HttpRequest) -> tuple[User, list[int]]:
    user = request.user
    area_ids = permissions.area_ids_with_roles(user, permissions.AREA_ADMINISTRATORS)
    if not area_ids or not isinstance(user, User):
        raise Http404
    return user, area_ids


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    user, _ = _administrator(request)
    clients = api_client_list_for_user(user=user)
    return render(
        request,
        "api/client_list.html",
        {"clients": clients, "docs_url": reverse("api:docs")},
    )


@login_required
def client_register(request: HttpRequest) -> HttpResponse:
    user, area_ids = _administrator(request)
    areas = Area.objects.filter(pk__in=area_ids).order_by("name")
    form = ApiClientForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        client, token = api_client_register(
            area=form.cleaned_data["area"], name=form.cleaned_data["name"], by=user
        )
        request.session[_TOKEN_KEY.format(pk=client.pk)] = token
        return redirect("api_staff:token", client.pk)
    return render(request, "api/client_register.html", {"form": form})


@login_required
def client_token(request: HttpRequest, pk: int) -> HttpResponse:
    user, _ = _administrator(request)
    client = api_client_get_for_user(user=user, pk=pk)
    token = request.session.pop(_TOKEN_KEY.format(pk=client.pk), None)
    return render(request, "api/client_token.html", {"client": client, "token": token})


@login_required
def client_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user, _ = _administrator(request)
    client = api_client_get_for_user(user=user, pk=pk)
    if request.method == "POST":
        api_client_revoke(client=client, by=user)
        messages.success(request, f"{client.name} can no longer use the API.")
        return redirect("api_staff:list")
    return render(request, "api/client_revoke.html", {"client": client})


# --- Personal access tokens: each member of staff manages their own ---------------------------

_PERSONAL_TOKEN_KEY = "cdop_personal_token_{pk}"  # noqa: S105 - a session key


def _staff_member(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User) or not permissions.is_staff_member(user):
        raise Http404
    return user


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    user = _staff_member(request)
    return render(
        request,
        "api/token_list.html",
        {
            "tokens": personal_tokens_for_user(user=user),
            "now": timezone.now(),
            "docs_url": reverse("api:docs"),
        },
    )


@login_required
def token_create(request: HttpRequest) -> HttpResponse:
    user = _staff_member(request)
    form = PersonalTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        personal, token = personal_token_create(
            user=user, name=form.cleaned_data["name"], days=int(form.cleaned_data["days"])
        )
        request.session[_PERSONAL_TOKEN_KEY.format(pk=personal.pk)] = token
        return redirect("api_staff:token-created", personal.pk)
    return render(request, "api/token_create.html", {"form": form})


@login_required
def token_created(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff_member(request)
    personal = personal_token_get_for_user(user=user, pk=pk)
    token = request.session.pop(_PERSONAL_TOKEN_KEY.format(pk=personal.pk), None)
    return render(request, "api/token_created.html", {"personal": personal, "token": token})


@login_required
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = _staff_member(request)
    personal = personal_token_get_for_user(user=user, pk=pk)
    if request.method == "POST":
        personal_token_revoke(token=personal, by=user)
        messages.success(request, f"‘{personal.name}’ can no longer be used.")
        return redirect("api_staff:tokens")
    return render(request, "api/token_revoke.html", {"personal": personal})
