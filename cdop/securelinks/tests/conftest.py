from __future__ import annotations

import pytest

from cdop.securelinks import views


@pytest.fixture(autouse=True)
def agency_start_page(monkeypatch: pytest.MonkeyPatch, settings) -> None:  # type: ignore[no-untyped-def]
    """Agency links land on the test page (the real one belongs to the agency form pages)."""
    settings.ROOT_URLCONF = "cdop.securelinks.tests.urls"
    monkeypatch.setitem(views.START_PAGES, "agency_form", "securelinks_test:agency")
