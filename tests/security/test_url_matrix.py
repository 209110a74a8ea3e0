"""Every URL of the platform against every persona: who gets the page, who is sent to sign
in, and who is told it does not exist.

The table below has one entry per URL pattern, by name (or by route when the pattern has no
name). A pattern without an entry fails `test_every_url_pattern_is_classified`, so a new page
cannot ship unclassified. Each entry says how to fill the pattern's arguments from the
seeded world (tests/security/world.py) and the status each persona gets for a GET:

- 200 the page; 302 a redirect (for anyone not signed in, to the sign-in page);
- 404 a record or page that is not theirs (never 403: an identifier tells them nothing);
- 405 a page that only takes POST (the method is refused before anything is looked up).

Personas: anon; staff of LLR ada (administrator), alice (CDR manager), devi (designated
doctor), kim (key worker of the case), kit (key worker, not of the case), chris (chairs the
panel meeting with the case on its agenda), pat (member invited to it); olu (CDR manager of
another area); and two secure-link holders, agency (a Reporting Form request about the case)
and family (their own-words request).

Where a view gives a persona more than cdop/accounts/permissions.py says, the entry expects
the right answer and marks that cell xfail(strict=True) with the reason: the lead sees it,
and the test turns red the day it is fixed so the mark comes off.

The POST half: every persona refused a page by GET must be refused by POST as well (302 to
sign in, 403, 404 or 405), never 200 and never a server error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.security.world import LINK_HOLDERS, PERSONAS, World

pytestmark = pytest.mark.django_db

# --- who ----------------------------------------------------------------------------------

MANAGERS = frozenset({"ada", "alice", "devi"})  # run cases: CASE_MANAGERS of LLR
READERS = MANAGERS | {"kim"}  # can_view_case / can_work_on_case for the case
ADMIN = frozenset({"ada"})
ADMIN_OR_MANAGER = frozenset({"ada", "alice"})  # papers, NCMD, reopening, form definitions
RECORDERS = frozenset({"ada", "alice", "chris"})  # can_record_meeting: chair of the meeting
MEETING_READERS = MANAGERS | {"chris", "pat"}  # can_read_meeting: readers and invitees
LLR_STAFF = frozenset({"ada", "alice", "devi", "kim", "kit", "chris", "pat"})
ALL_STAFF = LLR_STAFF | {"olu"}
NOBODY: frozenset[str] = frozenset()
EVERYONE = frozenset(PERSONAS)
NOT_SIGNED_IN = frozenset({"anon", *LINK_HOLDERS})


@dataclass(frozen=True)
class Entry:
    args: dict[str, str | Callable[[World], Any]]
    expect: dict[str, int]
    refused: frozenset[str]  # personas whose POST must be refused
    xfail: dict[str, str] = field(default_factory=dict)
    # A persona who may read the page but not do this: the service refuses with a message
    # (a 302 back to the page, or a 400). test_a_refusal_by_the_service_changes_nothing
    # checks that nothing changed.
    refused_with: dict[str, int] = field(default_factory=dict)

    def bug(self, reason: str, *personas: str) -> Entry:
        return replace(self, xfail={**self.xfail, **dict.fromkeys(personas, reason)})

    def refusing(self, **statuses: int) -> Entry:
        return replace(self, refused_with={**self.refused_with, **statuses})


def staff_page(allowed: frozenset[str], ok: int = 200, **args: Any) -> Entry:
    """A staff page: not signed in -> sign in; allowed -> the page; other staff -> 404."""
    expect = {p: 302 if p in NOT_SIGNED_IN else ok if p in allowed else 404 for p in PERSONAS}
    return Entry(args, expect, frozenset(PERSONAS) - allowed)


def post_only(allowed: frozenset[str], **args: Any) -> Entry:
    """A staff action that takes POST only: a GET is refused with 405 once signed in."""
    expect = {p: 302 if p in NOT_SIGNED_IN else 405 for p in PERSONAS}
    return Entry(args, expect, frozenset(PERSONAS) - allowed)


def public(status: int = 200, refused: frozenset[str] = NOBODY, **args: Any) -> Entry:
    return Entry(args, dict.fromkeys(PERSONAS, status), refused)


def api_page(allowed: frozenset[str], ok: int = 200, **args: Any) -> Entry:
    """The staff API: no token and no session -> 401; otherwise as a staff page."""
    expect = {p: 401 if p in NOT_SIGNED_IN else ok if p in allowed else 404 for p in PERSONAS}
    return Entry(args, expect, frozenset(PERSONAS) - allowed)


def link_page(holder: str, status: int = 200, **args: Any) -> Entry:
    """A page behind a secure link: only a browser that opened the right link gets it."""
    expect = {p: status if p == holder else 404 for p in PERSONAS}
    return Entry(args, expect, frozenset(PERSONAS) - {holder})


def custom(expect: dict[str, int], refused: frozenset[str], **args: Any) -> Entry:
    missing = set(PERSONAS) - set(expect)
    assert not missing, missing
    return Entry(args, expect, refused)


def by_persona(default: int, **statuses: int) -> dict[str, int]:
    return {p: statuses.get(p, default) for p in PERSONAS}


def _id(key: str) -> Callable[[World], Any]:
    return lambda world: world.ids[key]


CASE = {"reference": _id("case")}
NOTE = {"reference": _id("notification")}
MEETING = {"meeting_id": _id("meeting")}
ITEM = {"meeting_id": _id("meeting"), "item_id": _id("item")}
LLR_SLUG = {"slug": "llr"}

# --- the table ----------------------------------------------------------------------------

TABLE: dict[str, Entry] = {
    # Public pages.
    "public_home": public(302),  # to the default area's home page
    "assets/<path:path>": public(301, path="fonts/x.woff2"),  # to /static/
    "areas:home": public(area_slug="llr"),
    "areas:page": public(area_slug="llr", kind="about"),
    "notify:form": public(area_slug="llr"),
    "notify:check": public(302, area_slug="llr"),
    "notify:done": public(302, area_slug="llr"),
    "notify:copy": public(404, area_slug="llr"),  # no notification sent from this browser
    "notify:restart": public(405, area_slug="llr"),
    "notify:not_here": public(200, area_slug="llr"),
    "notify:page": public(200, area_slug="llr", page_slug="child"),
    # Staff: home, account, figures.
    "core:home": staff_page(ALL_STAFF),
    "core:floor": staff_page(ALL_STAFF),
    "core:floor_layout": staff_page(ALL_STAFF),
    "core:floor_rows": staff_page(READERS | {"kit", "olu"}),
    "core:administration": staff_page(ADMIN),
    "accounts:profile": staff_page(ALL_STAFF),
    "reporting:statistics": staff_page(ALL_STAFF),
    # Notifications and transfers.
    "notifications:queue": staff_page(MANAGERS | {"olu"}),
    "notifications:detail": staff_page(MANAGERS, **NOTE),
    "notifications:open_case": post_only(MANAGERS, **NOTE),
    "notifications:add_to_case": post_only(MANAGERS, **NOTE),
    "notifications:undo_add_to_case": post_only(MANAGERS, **NOTE),
    "areas_staff:notification_residence": staff_page(MANAGERS, **NOTE),
    "transfers:transfer": staff_page(MANAGERS, **NOTE),
    "transfers:inside": post_only(MANAGERS, **NOTE),
    "transfers:outside": post_only(MANAGERS, **NOTE),
    "transfers:link_renew": post_only(MANAGERS, pk=_id("transfer")),
    "transfers:link_revoke": post_only(MANAGERS, pk=_id("transfer")),
    "transfer_pack:download": public(token=_id("pack_token")),
    # The case and its steps.
    "cases:list": staff_page(READERS | {"kit", "olu"}),
    "cases:detail": staff_page(READERS, **CASE),
    "cases:transition": post_only(
        MANAGERS, **CASE, name="case_start_information_gathering"
    ).refusing(kim=400),
    "cases:section": staff_page(READERS, **CASE, key="history"),
    "chronology:page": staff_page(READERS, **CASE),
    "chronology:pdf": staff_page(READERS, **CASE),
    "documents:list": staff_page(READERS, **CASE),
    "documents:upload": post_only(READERS, **CASE),
    "documents:download": staff_page(READERS, **CASE, document_id=_id("document")),
    # kim reads the document (she works on the case) but only managers withdraw: 403.
    "documents:withdraw": custom(
        {**staff_page(MANAGERS).expect, "kim": 403},
        frozenset(PERSONAS) - MANAGERS,
        **CASE,
        document_id=_id("document"),
    ),
    "family:overview": staff_page(READERS, **CASE),
    "family:key_worker": staff_page(MANAGERS, **CASE),
    "family:contacts": staff_page(READERS, **CASE),
    "family:contact_add": staff_page(READERS, **CASE),
    "family:contact_edit": staff_page(READERS, **CASE, pk=_id("contact")),
    "family:profile": staff_page(READERS, **CASE),
    "family:member_add": staff_page(READERS, **CASE),
    "family:member_edit": staff_page(READERS, **CASE, pk=_id("member")),
    "family:member_remove": post_only(READERS, **CASE, pk=_id("member")),
    "family:avoid_add": staff_page(READERS, **CASE),
    "family:avoid_remove": post_only(READERS, **CASE, pk=_id("avoid")),
    "family:question_add": staff_page(READERS, **CASE),
    "family:question_edit": staff_page(READERS, **CASE, pk=_id("question")),
    "family:letters": staff_page(READERS, **CASE),
    "family:letter": staff_page(READERS, **CASE, kind="first_contact"),
    "investigations:list": staff_page(READERS, **CASE),
    "investigations:add": staff_page(READERS, **CASE, kind="post-mortem"),
    "investigations:edit": staff_page(READERS, **CASE, kind="post-mortem", pk=_id("post_mortem")),
    "safeguarding:overview": staff_page(MANAGERS, **CASE),
    "safeguarding:profile": staff_page(MANAGERS, **CASE),
    "safeguarding:concern_add": staff_page(MANAGERS, **CASE),
    "safeguarding:concern_edit": staff_page(MANAGERS, **CASE, pk=_id("concern")),
    "safeguarding:referral_add": staff_page(MANAGERS, **CASE, pk=_id("concern")),
    "safeguarding:referral_edit": staff_page(MANAGERS, **CASE, pk=_id("referral")),
    "agencyforms:index": staff_page(READERS, **CASE),
    "agencyforms:new": staff_page(MANAGERS, **CASE),
    "agencyforms:detail": staff_page(READERS, **CASE, pk=_id("form_request")),
    "agencyforms:revoke": staff_page(MANAGERS, **CASE, pk=_id("form_request")),
    "agencyforms:resend": post_only(MANAGERS, **CASE, pk=_id("form_request")),
    "agencyforms:chase": post_only(MANAGERS, **CASE, pk=_id("form_request")),
    "agencyforms:answers": staff_page(READERS, **CASE, request_id=_id("submitted_request")),
    "agencyforms:collation": staff_page(READERS, **CASE),
    "agencyforms:collation_pdf": staff_page(READERS, **CASE),
    "familyvoice:overview": staff_page(READERS, **CASE),
    "familyvoice:send": staff_page(READERS, **CASE),
    "familyvoice:revoke": post_only(READERS, **CASE, pk=_id("voice_request")),
    "meetings_case:triage": staff_page(MANAGERS, **CASE, item_id=_id("item")),
    "analysis:detail": staff_page(READERS, **CASE),
    "analysis:edit": staff_page(MANAGERS, **CASE),
    "actions_case:list": staff_page(READERS, **CASE),
    "actions_case:add": staff_page(MANAGERS, **CASE),
    "actions_case:family_feedback": staff_page(READERS, **CASE),
    "ncmd_case:page": staff_page(ADMIN_OR_MANAGER, **CASE),
    "ncmd_case:send": post_only(ADMIN_OR_MANAGER, **CASE),
    # Work.
    "work:mine": staff_page(ALL_STAFF - {"chris", "pat"}),  # the panel has no work queue
    "work:team": staff_page(MANAGERS | {"olu"}),
    "work:held_up": staff_page(MANAGERS | {"olu"}),
    "work:task_new": staff_page(READERS, **CASE),
    "work:task_assign": staff_page(READERS, pk=_id("task")),
    "work:task_complete": staff_page(READERS, pk=_id("task")),
    # Agencies, Reporting Forms, form definitions, clocks.
    "agencies:directory": staff_page(MANAGERS | {"olu"}),
    "agencies:organisation_new": staff_page(ADMIN),
    "agencies:organisation": staff_page(MANAGERS, pk=_id("organisation")),
    "agencies:organisation_edit": staff_page(ADMIN, pk=_id("organisation")),
    "agencies:contact_new": staff_page(ADMIN, pk=_id("organisation")),
    "agencies:contact_edit": staff_page(ADMIN, pk=_id("agency_contact")),
    "agencyforms_area:outstanding": staff_page(MANAGERS | {"olu"}),
    "formdefs:index": staff_page(ADMIN_OR_MANAGER | {"olu"}),
    "formdefs:publish": staff_page(ADMIN),
    "formdefs:retire": post_only(ADMIN, code=_id("formdef_code")),
    "formdefs:detail": staff_page(
        ADMIN_OR_MANAGER | {"olu"}, code=_id("formdef_code"), version=_id("formdef_version")
    ),
    "formdefs:json": staff_page(
        ADMIN_OR_MANAGER | {"olu"}, code=_id("formdef_code"), version=_id("formdef_version")
    ),
    "clocks:settings": staff_page(ADMIN, ok=302),  # one area: straight to its settings
    "clocks:edit": staff_page(ADMIN, **LLR_SLUG),
    # Meetings, papers, the analysis and actions from a meeting.
    "meetings:list": staff_page(MEETING_READERS | {"olu"}),
    "meetings:new": staff_page(MANAGERS | {"olu"}, kind="panel"),
    "meetings:quorum": staff_page(ADMIN, area_slug="llr"),
    "meetings:detail": staff_page(MEETING_READERS, **MEETING),
    "meetings:change": staff_page(MANAGERS, **MEETING),
    "meetings:cancel": staff_page(MANAGERS, **MEETING),
    "meetings:held": post_only(RECORDERS, **MEETING).refusing(devi=302),
    "meetings:attendance": staff_page(RECORDERS, **MEETING),
    "meetings:invitee_add": staff_page(MANAGERS, **MEETING),
    "meetings:invitee_change": staff_page(MANAGERS, **MEETING, invitee_id=_id("chair_invitee")),
    "meetings:invitee_remove": post_only(MANAGERS, **MEETING, invitee_id=_id("chair_invitee")),
    "meetings:agenda_add": staff_page(MANAGERS, **MEETING),
    "meetings:item": staff_page(MEETING_READERS, **ITEM),
    "meetings:item_triage": staff_page(MANAGERS, **ITEM),
    "meetings:item_move": post_only(MANAGERS, **ITEM),
    "meetings:item_remove": post_only(MANAGERS, **ITEM),
    "meetings:item_discussed": post_only(RECORDERS, **ITEM).refusing(devi=302),
    "papers:meeting": staff_page(MEETING_READERS, **MEETING),
    "papers:publish": post_only(ADMIN_OR_MANAGER, **MEETING),
    "papers:download": staff_page(MANAGERS, **MEETING),
    "papers:setting": staff_page(ADMIN, **LLR_SLUG),
    "analysis_meeting:detail": staff_page(MEETING_READERS, **ITEM),  # anonymised, read-only
    "analysis_meeting:edit": staff_page(RECORDERS, **ITEM),
    "analysis_meeting:finalise": post_only(RECORDERS, **ITEM),
    "actions_meeting:list": staff_page(MEETING_READERS, **ITEM),  # anonymised, read-only
    "actions_meeting:add": staff_page(RECORDERS, **ITEM),
    "actions_meeting:escalate": staff_page(RECORDERS, **ITEM),
    "actions_meeting:escalation_reply": staff_page(RECORDERS, **ITEM, pk=_id("escalation")),
    # Actions, NCMD, audit, area settings, API clients.
    "actions:tracker": staff_page(MANAGERS | {"olu"}),
    "actions:detail": staff_page(MANAGERS, pk=_id("action")),
    "actions:edit": staff_page(MANAGERS, pk=_id("action")),
    "actions:status": staff_page(MANAGERS, pk=_id("action")),
    "ncmd:index": staff_page(ADMIN_OR_MANAGER | {"olu"}, ok=302),  # one area: to its page
    "ncmd:area": staff_page(ADMIN_OR_MANAGER, area="llr"),
    "audit:list": staff_page(ADMIN),
    "audit:detail": staff_page(ADMIN, pk=_id("audit_entry")),
    "family_staff:letter_templates": staff_page(ADMIN),
    "family_staff:letter_template_edit": staff_page(ADMIN, area_slug="llr", kind="first_contact"),
    "areas_staff:staff_pages": staff_page(ADMIN),
    "areas_staff:staff_page_edit": staff_page(ADMIN, area_slug="llr", kind="about"),
    "areas_staff:postcode_check": staff_page(READERS | {"kit", "olu"}),
    "api_staff:list": staff_page(ADMIN),
    "api_staff:register": staff_page(ADMIN),
    "api_staff:token": staff_page(ADMIN, pk=_id("api_client")),
    "api_staff:revoke": staff_page(ADMIN, pk=_id("api_client")),
    # Issue 7: annual report, learning themes, surveillance, data quality, retention.
    "reporting:annual_index": staff_page(ALL_STAFF, ok=302),  # one area: to its page
    "reporting:annual": staff_page(LLR_STAFF, area="llr"),
    "reporting:annual_pdf": staff_page(LLR_STAFF, area="llr"),
    "reporting:annual_xlsx": staff_page(LLR_STAFF, area="llr"),
    "learning:index": staff_page(ALL_STAFF),
    "learning:theme": staff_page(LLR_STAFF, area_slug="llr", theme_slug=_id("theme")),
    "learning:theme_add": staff_page(MANAGERS, area_slug="llr"),
    "learning:theme_edit": staff_page(NOBODY, area_slug="llr", theme_slug=_id("theme")),
    "learning:public_admin": staff_page(ADMIN_OR_MANAGER, area_slug="llr"),
    "learning:public_text": staff_page(ADMIN_OR_MANAGER, area_slug="llr", theme_slug=_id("theme")),
    "learning_case:themes": staff_page(READERS, **CASE),  # kim reads, managers tag
    "learning_public:page": public(404, area_slug="llr"),  # not switched on for LLR
    "surveillance:index": staff_page(MANAGERS | {"chris", "olu"}),
    "surveillance:group": staff_page(MANAGERS, area="llr", group="all"),
    "dataquality:index": staff_page(MANAGERS | {"olu"}, ok=302),  # one area: to its page
    "dataquality:area": staff_page(MANAGERS, area="llr"),
    "dataquality:refresh": post_only(MANAGERS, area="llr"),
    "dataquality_case:page": staff_page(MANAGERS, **CASE),
    "retention:index": staff_page(ADMIN),
    "retention:policy": staff_page(ADMIN, **LLR_SLUG),
    "retention:subject_access": staff_page(ADMIN),
    "retention:subject_access_export": post_only(ADMIN),
    "api_staff:tokens": staff_page(ALL_STAFF),
    "api_staff:token-create": staff_page(ALL_STAFF),
    "api_staff:token-created": staff_page(NOBODY, pk=_id("api_client")),
    "api_staff:token-revoke": staff_page(NOBODY, pk=_id("api_client")),
    # The staff API (read-only) takes a personal token or the browser's own session; lists
    # are filtered to what the user may read, a record not theirs is 404.
    "api:staff-case-list": api_page(ALL_STAFF),
    "api:staff-case-detail": api_page(READERS, **CASE),
    "api:staff-notification-list": api_page(ALL_STAFF),
    "api:staff-notification-detail": api_page(MANAGERS, **NOTE),
    "api:staff-action-list": api_page(ALL_STAFF),
    "api:staff-action-detail": api_page(MANAGERS, id=_id("action")),
    "api:staff-statistics": api_page(ALL_STAFF),
    "api:staff-annual-report": api_page(ALL_STAFF, ok=400),  # without its area and period
    # The API: token authentication only, a browser session counts for nothing.
    "api:notification-create": public(401, refused=EVERYONE),
    "api:notification-status": public(401, refused=EVERYONE, **NOTE),
    "api:schema": public(),
    "api:docs": public(),
    # Secure links and the pages behind them.
    "securelinks:land": public(404, token="not-a-token"),
    "securelinks:code": public(404),
    "securelinks:code_resend": public(405, refused=EVERYONE),
    "agencyforms_respond:start": link_page("agency"),
    "agencyforms_respond:tasks": link_page("agency"),
    "agencyforms_respond:section": link_page(
        "agency", form_id=_id("requested_form"), section_id=_id("section_id")
    ),
    "agencyforms_respond:files": link_page("agency"),
    "agencyforms_respond:file_remove": public(405, refused=EVERYONE, document_id=_id("document")),
    "agencyforms_respond:check": link_page("agency"),
    "agencyforms_respond:receipt": link_page("agency", 302),  # not sent yet: back to start
    "familyvoice_public:start": link_page("family"),
    "familyvoice_public:words": link_page("family"),
    "familyvoice_public:add_question": link_page("family"),
    "familyvoice_public:add_view": link_page("family"),
    "familyvoice_public:change": link_page("family", number=_id("voice_entry")),
    "familyvoice_public:remove": link_page("family", number=_id("voice_entry")),
    "familyvoice_public:check": link_page("family"),
    "familyvoice_public:sent": link_page("family", 302),  # not sent yet: back to start
}

# allauth's own pages: sign-in, second factor, password. Not signed in -> the page or a
# redirect to sign in; signed in -> their account's pages.
SIGNED_IN_REDIRECTED = by_persona(302, anon=200, agency=200, family=200)
ALLAUTH: dict[str, Entry] = {
    "account_login": custom(SIGNED_IN_REDIRECTED, NOBODY),
    "account_logout": custom(by_persona(200, anon=302, agency=302, family=302), NOBODY),
    "account_inactive": public(200),
    "account_signup": custom(by_persona(302, anon=200, agency=200, family=200), NOBODY),
    "account_reauthenticate": staff_page(ALL_STAFF),
    "account_request_reauthentication_code": staff_page(ALL_STAFF, ok=302),
    "account_confirm_reauthentication_code": staff_page(ALL_STAFF, ok=302),
    "account_email": staff_page(ALL_STAFF),
    "account_email_verification_sent": public(200),
    "account_change_password": staff_page(ALL_STAFF),
    "account_set_password": staff_page(ALL_STAFF, ok=302),
    "account_reset_password": public(200),
    "account_confirm_login_code": public(302),
    "account_confirm_email": public(200, key="nonsense"),
    "account_reset_password_from_key_done": public(200),
    "account_reset_password_from_key": public(200, uidb36="zz", key="nonsense"),
    "account_reset_password_done": public(200),
    "mfa_index": staff_page(ALL_STAFF),
    "mfa_authenticate": public(302),
    "mfa_reauthenticate": staff_page(ALL_STAFF),
    "mfa_activate_totp": staff_page(ALL_STAFF, ok=302),
    "mfa_deactivate_totp": staff_page(ALL_STAFF, ok=302),
    "mfa_view_recovery_codes": staff_page(ALL_STAFF, ok=404),  # none generated
    "mfa_generate_recovery_codes": staff_page(ALL_STAFF, ok=302),
    "mfa_download_recovery_codes": staff_page(ALL_STAFF, ok=404),
}
for _name, _entry in ALLAUTH.items():
    assert _name not in TABLE, _name
    TABLE[_name] = _entry

# Django's admin: technical administration for superusers only (is_staff); none of the
# personas is, so every admin page sends every one of them to the (MFA-guarded) sign-in.
ADMIN_SITE = public(302, refused=EVERYONE)
# Its sign-in page refuses a signed-in user who is not is_staff (403); the others go to
# allauth's sign-in.
ADMIN_LOGIN = custom(by_persona(403, anon=302, agency=302, family=302), NOBODY)
ADMIN_ARGS = {
    "app_label": "accounts",
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "url": "nonsense/",
}

# --- enumerate the URL patterns -----------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    key: str  # the name, with its namespace, or the route when it has none
    route: str
    admin: bool


def _walk(patterns: list[Any], prefix: str = "", namespace: str = "") -> Iterator[Pattern]:
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            route = prefix + str(p.pattern)
            key = (f"{namespace}:{p.name}" if namespace else p.name) if p.name else route
            yield Pattern(key, route, route.startswith("admin/"))


def all_patterns() -> list[Pattern]:
    found: dict[str, Pattern] = {}
    for pattern in _walk(get_resolver().url_patterns):
        found.setdefault(pattern.key, pattern)
    return list(found.values())


def entry_for(pattern: Pattern) -> Entry | None:
    if pattern.key == "admin:login":
        return ADMIN_LOGIN
    if pattern.admin:
        return ADMIN_SITE
    return TABLE.get(pattern.key)


def url_for(pattern: Pattern, entry: Entry, world: World) -> str:
    """Fill the route's parameters from the entry (or, for the admin, generic values)."""
    from django.urls import reverse

    resolved = {k: v(world) if callable(v) else v for k, v in entry.args.items()}
    if pattern.admin:
        route = "/" + pattern.route
        for name, value in ADMIN_ARGS.items():
            for conv in ("<path:", "<int:", "<str:", "<"):
                route = route.replace(f"{conv}{name}>", value)
        if "(?P<url>" in route:
            route = "/admin/nonsense/"
        return route.replace("^", "").replace("$", "")
    if "/" not in pattern.key:
        return reverse(pattern.key, kwargs=resolved)
    route = "/" + pattern.route
    for name, value in resolved.items():
        route = route.replace(f"<path:{name}>", str(value))
    return route


PATTERNS = sorted(all_patterns(), key=lambda p: p.key)


def test_every_url_pattern_is_classified() -> None:
    unclassified = [p.key for p in PATTERNS if entry_for(p) is None]
    assert unclassified == [], (
        "Add these URL patterns to tests/security/test_url_matrix.py's TABLE, saying who "
        f"may reach them: {unclassified}"
    )


def test_the_table_names_no_url_that_no_longer_exists() -> None:
    keys = {p.key for p in PATTERNS}
    assert sorted(set(TABLE) - keys) == []


def _entries() -> Iterator[Any]:
    for pattern in PATTERNS:
        entry = entry_for(pattern)
        if entry is not None:
            yield pytest.param(pattern, entry, id=pattern.key)


def _judge(entry: Entry, outcomes: dict[str, tuple[int, bool]], what: str) -> None:
    """Fail on any wrong cell; a cell marked as a known bug must still be wrong (strict
    xfail), and when only known bugs are wrong the test is reported as xfailed."""
    wrong = {p: code for p, (code, ok) in outcomes.items() if not ok and p not in entry.xfail}
    fixed = [p for p, (_, ok) in outcomes.items() if ok and p in entry.xfail]
    assert not wrong, f"{what}: unexpected status by persona {wrong}"
    assert not fixed, f"{what}: known bug fixed for {fixed}: take the xfail mark off"
    known = {p: entry.xfail[p] for p in outcomes if p in entry.xfail}
    if known:
        pytest.xfail("; ".join(f"{p}: {reason}" for p, reason in known.items()))


@pytest.mark.parametrize(("pattern", "entry"), list(_entries()))
def test_get(world: World, pattern: Pattern, entry: Entry) -> None:
    url = url_for(pattern, entry, world)
    outcomes: dict[str, tuple[int, bool]] = {}
    for persona in PERSONAS:
        response = world.client(persona).get(url)
        expected = entry.expect[persona]
        ok = response.status_code == expected
        if ok and expected == 302 and persona in entry.refused and url.startswith("/staff/"):
            ok = response["Location"].startswith("/accounts/login/?next=")
        outcomes[persona] = (response.status_code, ok)
    _judge(entry, outcomes, f"GET {url}")


REFUSALS = {302, 401, 403, 404, 405}


@pytest.mark.parametrize(("pattern", "entry"), [p for p in _entries() if p.values[1].refused])
def test_post_refused(world: World, pattern: Pattern, entry: Entry) -> None:
    url = url_for(pattern, entry, world)
    outcomes: dict[str, tuple[int, bool]] = {}
    for persona in sorted(entry.refused):
        response = world.client(persona).post(url, {})
        if persona in entry.refused_with:
            outcomes[persona] = (
                response.status_code,
                response.status_code == entry.refused_with[persona],
            )
            continue
        ok = response.status_code in REFUSALS
        if ok and response.status_code == 302 and url.startswith("/staff/"):
            ok = response["Location"].startswith("/accounts/login/")
        outcomes[persona] = (response.status_code, ok)
    _judge(entry, outcomes, f"POST {url}")


def test_a_refusal_by_the_service_changes_nothing(world: World) -> None:
    """The POSTs refused with a message rather than a 404 (see `refused_with`) leave the
    case, the meeting and the agenda item as they were."""
    from cdop.cases.models import Case
    from cdop.meetings.models import AgendaItem, Meeting

    case = Case.objects.get(reference=world.ids["case"])
    meeting = Meeting.objects.get(pk=world.ids["meeting"])
    item = AgendaItem.objects.get(pk=world.ids["item"])
    before = (case.status, meeting.status, item.discussed_at)

    kim, devi = world.client("kim"), world.client("devi")
    kim.post(f"/staff/cases/{case.reference}/transition/case_start_information_gathering/")
    devi.post(f"/staff/meetings/{meeting.pk}/held/")
    devi.post(f"/staff/meetings/{meeting.pk}/items/{item.pk}/discussed/")

    case.refresh_from_db()
    meeting.refresh_from_db()
    item.refresh_from_db()
    assert (case.status, meeting.status, item.discussed_at) == before
