"""The parts of the case page that other steps of the process contribute.

Each app registers its section in its AppConfig.ready(): a template and a function that
builds its context. The function returns None to leave the section out (for example for a
role that may not see it). The case page shows the sections in `order`; the section's
`key` is also its fragment identifier (#key) for links from elsewhere.

The section template gets `case` and `section` (the dict the function returned).
A context function is called once per page view, with the case already checked readable by
the user; it must run a fixed number of queries whatever the case holds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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


_SECTIONS: dict[str, CaseSection] = {}


def section_register(section: CaseSection) -> None:
    _SECTIONS[section.key] = section


def sections_for(request: HttpRequest, case: Case) -> list[tuple[CaseSection, dict[str, Any]]]:
    shown = []
    for section in sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key)):
        context = section.context(request, case)
        if context is not None:
            shown.append((section, context))
    return shown
