"""Reading the case list page in tests: a search's page, and whether a case is on it."""

from __future__ import annotations

from typing import Any

from cdop.cases.models import Case


def search_page(client: Any, q: str) -> str:
    """The case list searched for `q`, which must answer 200."""
    response = client.get("/staff/cases/", {"q": q})
    assert response.status_code == 200, response.text
    return str(response.text)


def is_listed(page: str, case: Case) -> bool:
    """Whether the page links to the case."""
    return f'href="/staff/cases/{case.reference}/"' in page
