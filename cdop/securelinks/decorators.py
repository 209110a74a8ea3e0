"""`@link_required(purpose)`: the pages a secure link opens.

The landing page (/link/<token>/) swaps a working token for the link's id in the session;
these pages read the link from the session only, so their addresses carry no identifier to
tamper with: request.secure_link is the one source of truth for what opens. Each request
checks again that the link still works (not revoked, expired, used or locked since it was
opened) and that the holder has not been idle too long.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from cdop.securelinks.models import SecureLink
from cdop.securelinks.services import securelink_is_live

View = Callable[..., HttpResponse]

SESSION_LINK = "securelink_id"
SESSION_PENDING = "securelink_pending"  # opened, waiting for the one-time code
SESSION_SEEN = "securelink_seen"


def idle_minutes() -> int:
    return int(getattr(settings, "SECURE_LINK_IDLE_MINUTES", 60))


def protect(response: HttpResponse, *, referrer: str = "same-origin") -> HttpResponse:
    """No address from these pages goes to another site, and no copy is kept by a browser
    or a proxy: the pages hold what someone wrote about a child's death.

    "same-origin", not "no-referrer", on pages with forms: under "no-referrer" browsers send
    `Origin: null` with a form's POST, which Django's CSRF check (rightly) refuses. The
    address with the token (the landing page) sends no referrer at all."""
    response["Referrer-Policy"] = referrer
    response["X-Robots-Tag"] = "noindex, nofollow"
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    return response


def session_forget(request: HttpRequest) -> None:
    for key in (SESSION_LINK, SESSION_PENDING, SESSION_SEEN):
        request.session.pop(key, None)


def session_hold(request: HttpRequest, link: SecureLink) -> None:
    request.session.pop(SESSION_PENDING, None)
    request.session[SESSION_LINK] = link.pk
    request.session[SESSION_SEEN] = int(time.time())


class _Outcome:
    NONE = "none"
    TIMED_OUT = "timed_out"


def link_for_session(
    request: HttpRequest, *, purpose: str, allow_used: bool = False
) -> SecureLink | str:
    """The session's link for this purpose, or why there is none (_Outcome)."""
    link_id = request.session.get(SESSION_LINK)
    if link_id is None:
        return _Outcome.NONE
    now = int(time.time())
    seen = int(request.session.get(SESSION_SEEN) or 0)
    if now - seen > idle_minutes() * 60:
        session_forget(request)
        return _Outcome.TIMED_OUT
    link = SecureLink.objects.filter(pk=link_id, purpose=purpose).first()
    if link is None:
        return _Outcome.NONE  # a link for the other kind of page: leave the session alone
    if allow_used and link.used_at is not None and link.revoked_at is None:
        pass  # the receipt after sending: the link is spent, the page still shows
    elif not securelink_is_live(link):
        session_forget(request)
        return _Outcome.NONE
    if now - seen >= 60:  # written at most once a minute, like the staff idle time-out
        request.session[SESSION_SEEN] = now
    return link


def link_required(purpose: str, *, allow_used: bool = False) -> Callable[[View], View]:
    """Open the page only for a session holding a working link of this purpose; the link is
    request.secure_link. Anything else gets the one "this link does not work" page.
    allow_used=True is for the page shown after sending (the receipt)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from cdop.securelinks.views import link_not_working, link_timed_out

            found = link_for_session(request, purpose=purpose, allow_used=allow_used)
            if isinstance(found, SecureLink):
                request.secure_link = found  # type: ignore[attr-defined]
                # The header and footer then link to the sending team's public pages.
                request.public_area = found.area  # type: ignore[attr-defined]
                response = view(request, *args, **kwargs)
            elif found == _Outcome.TIMED_OUT:
                response = link_timed_out(request)
            else:
                response = link_not_working(request)
            return protect(response)

        return cast(View, wrapped)

    return decorator
