"""A strict Content-Security-Policy, and pages that need nothing looser.

Every page the URL matrix says someone gets (200) is fetched as that persona: public pages,
staff pages, and the pages behind a secure link. Each must carry a policy whose script-src
and style-src (and default-src) allow neither 'unsafe-inline' nor 'unsafe-eval', and its
HTML must have no inline script (a <script> without src), no <style> element, no style=
attribute, no on...= event handler and no javascript: address, so the policy never needs
loosening."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest

from tests.security.test_url_matrix import PATTERNS, PERSONAS, entry_for, url_for
from tests.security.world import World

pytestmark = pytest.mark.django_db

UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:")


def directives(header: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            found[words[0].lower()] = words[1:]
    return found


# The one inline script allowed: GOV.UK Frontend's own line that marks the page as having
# JavaScript (templates/base.html), carrying the response's nonce. Anything else inline is
# a problem. (It could move to a static file; see docs/security.md.)
GOVUK_JS_ENABLED = (
    "document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype "
    "? ' govuk-frontend-supported' : '');"
)


class InlineFinder(HTMLParser):
    def __init__(self, nonce: str = "") -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.nonce = nonce
        self._inline_nonced_at: int | None = None
        self._script_text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value or "" for name, value in attrs}
        if tag == "script" and "src" not in names:
            if self.nonce and names.get("nonce") == self.nonce:
                self._inline_nonced_at = self.getpos()[0]
                self._script_text = ""
            else:
                self.problems.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.problems.append(f"<style> element at line {self.getpos()[0]}")
        if "style" in names:
            self.problems.append(f"style= on <{tag}> at line {self.getpos()[0]}")
        for name, value in names.items():
            if name.startswith("on"):
                self.problems.append(f"{name}= on <{tag}> at line {self.getpos()[0]}")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith(
                "javascript:"
            ):
                self.problems.append(f"javascript: address on <{tag}>")

    def handle_data(self, data: str) -> None:
        if self._inline_nonced_at is not None:
            self._script_text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._inline_nonced_at is not None:
            if self._script_text.strip() != GOVUK_JS_ENABLED:
                self.problems.append(f"inline <script> at line {self._inline_nonced_at}")
            self._inline_nonced_at = None


def nonce_of(header: str) -> str:
    for source in directives(header).get("script-src", []):
        if source.startswith("'nonce-"):
            return source[len("'nonce-") : -1]
    return ""


def check_policy(header: str) -> list[str]:
    policy = directives(header)
    problems = []
    for directive in ("default-src", "script-src", "style-src"):
        for source in policy.get(directive, []):
            if source in UNSAFE:
                problems.append(f"{directive} allows {source}")
    if "script-src" not in policy and "default-src" not in policy:
        problems.append("no script-src or default-src")
    if policy.get("object-src") != ["'none'"]:
        problems.append("object-src is not 'none'")
    if policy.get("frame-ancestors") != ["'none'"]:
        problems.append("frame-ancestors is not 'none'")
    return problems


def _pages() -> list[Any]:
    params = []
    for pattern in PATTERNS:
        entry = entry_for(pattern)
        if entry is None or pattern.admin:
            continue
        persona = next((p for p in PERSONAS if entry.expect.get(p) == 200), None)
        if persona is not None:
            params.append(pytest.param(pattern, entry, persona, id=f"{pattern.key}-{persona}"))
    return params


@pytest.mark.parametrize(("pattern", "entry", "persona"), _pages())
def test_each_page_has_a_strict_policy_and_needs_nothing_looser(
    world: World, pattern: Any, entry: Any, persona: str
) -> None:
    url = url_for(pattern, entry, world)
    response = world.client(persona).get(url)
    assert response.status_code == 200

    if not response["Content-Type"].startswith("text/html"):
        return  # a file or JSON: no markup to check (downloads are covered elsewhere)
    header = response["Content-Security-Policy"]
    assert check_policy(header) == []
    finder = InlineFinder(nonce_of(header))
    finder.feed(response.content.decode())
    assert finder.problems == [], url


def test_the_checker_catches_what_it_looks_for() -> None:
    finder = InlineFinder("abc")
    finder.feed(
        '<script nonce="abc">alert(2)</script>'
        '<script>alert(1)</script><p style="color:red" onclick="x()"><a href="javascript:x()">'
        "<style>p{}</style>"
    )
    assert len(finder.problems) == 6
    allowed = InlineFinder("abc")
    allowed.feed(f'<script nonce="abc">{GOVUK_JS_ENABLED}</script>')
    assert allowed.problems == []
    assert check_policy("default-src 'self'; script-src 'self' 'unsafe-inline'") != []
    assert (
        check_policy(
            "default-src 'none'; script-src 'self' 'nonce-abc'; style-src 'self'; "
            "object-src 'none'; frame-ancestors 'none'"
        )
        == []
    )


SCRIPT = '<script>alert("x")</script>'
NASTY_NAME = f'Ada"><img src=x onerror=alert(1)>{SCRIPT}'


def test_names_with_markup_are_escaped_on_the_hand_built_lists(world: World) -> None:
    """The case list, the work queues and the outstanding forms build their rows as HTML in
    Python (cdop/*/presenters.py, for speed) and mark them safe: a child's name, a task's
    title or an organisation's name with markup in it must come out as text."""
    from cdop.agencies.models import Organisation
    from cdop.cases.models import Case, Task

    case = Case.objects.get(reference=world.ids["case"])
    Case.objects.filter(pk=case.pk).update(child_first_name=NASTY_NAME, child_last_name=SCRIPT)
    Task.objects.filter(pk=world.ids["task"]).update(title=NASTY_NAME)
    Organisation.objects.filter(pk=world.ids["organisation"]).update(name=NASTY_NAME)

    client = world.client("alice")
    for url in (
        "/staff/cases/",
        "/staff/work/",
        "/staff/work/team/",
        "/staff/work/team/held-up/",
        "/staff/reporting-forms/",
        "/staff/agencies/",
        f"/staff/cases/{case.reference}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert SCRIPT not in html, url
        assert "<img src=x" not in html, url
        finder = InlineFinder(nonce_of(response["Content-Security-Policy"]))
        finder.feed(html)
        assert finder.problems == [], url
