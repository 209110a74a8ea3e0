"""The parts of a case that other steps of the process contribute.

Each app registers its section in its AppConfig.ready(): a template and a function that
builds its context. The function returns None to leave the section out (for example for a
role that may not see it). The case page (the overview) shows the sections marked
`overview`, and links to every other section, each on its own page at
/staff/cases/<reference>/section/<key>/ (`section_url`). `visible` answers, without a query
(or with one the case keeps, as the Analysis Form's does), whether the section opens for
the user at all, so that the links show only what opens: where the context function can
return None for a readable case, `visible` must say False there too.

The section template gets `case` and `section` (the dict the function returned).
A context function is called once per page view, with the case already checked readable by
the user; it must run a fixed number of queries whatever the case holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import reverse

if TYPE_CHECKING:
    from django.http import HttpRequest

    from cdop.cases.models import Case


@dataclass(frozen=True)
class CaseSection:
    key: str
    title: str
    order: int
    template: str
    context: Callable[[HttpRequest, Case], dict[str, Any] | None]
    overview: bool = False
    visible: Callable[[Any, Case], bool] | None = None


_SECTIONS: dict[str, CaseSection] = {}


def section_url(case: Case | str, key: str) -> str:
    reference = case if isinstance(case, str) else case.reference
    return reverse("cases:section", kwargs={"reference": reference, "key": key})


def sections_visible(user: Any, case: Case) -> list[CaseSection]:
    """Every section the user may open, in order (no queries)."""
    return [
        s
        for s in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))
        if s.visible is None or s.visible(user, case)
    ]


def section_get(key: str) -> CaseSection | None:
    return _SECTIONS.get(key)


def section_register(section: CaseSection) -> None:
    _SECTIONS[section.key] = section


def sections_for(
    request: HttpRequest, case: Case, *, overview_only: bool = False
) -> list[tuple[CaseSection, dict[str, Any]]]:
    shown = []
    for section in sections_visible(request.user, case):
        if overview_only and not section.overview:
            continue
        context = section.context(request, case)
        if context is not None:
            shown.append((section, context))
    return shown
