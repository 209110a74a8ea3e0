"""Why a case cannot move on: reasons other steps of the process report.

An app registers a provider in its AppConfig.ready(). A provider answers for many cases at
once, with a fixed number of queries: given case ids, it returns the blockers of those that
have any. Examples: a post-mortem report awaited; an inquest not yet held; agency forms
outstanding. Blockers explain; guards that refuse a transition use them through
`case_blockers` so the explanation and the refusal cannot disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Blocker:
    kind: str  # stable key, for filters: "post_mortem_report", "inquest", "agency_forms"
    reason: str  # plain English for the person reading: "Waiting for the post-mortem report"
    since: date | None = None
    blocks: frozenset[str] = frozenset()  # transition names this blocker refuses, if any


BlockerProvider = Callable[[list[int]], dict[int, list[Blocker]]]
_PROVIDERS: dict[str, BlockerProvider] = {}


def blocker_provider_register(name: str, provider: BlockerProvider) -> None:
    _PROVIDERS[name] = provider


def blockers_for_cases(case_ids: Iterable[int]) -> dict[int, list[Blocker]]:
    ids = list(case_ids)
    found: dict[int, list[Blocker]] = {}
    if not ids:
        return found
    for provider in _PROVIDERS.values():
        for case_id, blockers in provider(ids).items():
            found.setdefault(case_id, []).extend(blockers)
    return found


def case_blockers(case_id: int) -> list[Blocker]:
    return blockers_for_cases([case_id]).get(case_id, [])
