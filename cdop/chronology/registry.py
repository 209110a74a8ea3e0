"""The case chronology: one timeline of everything that happened, from every step.

Each app registers a provider in its AppConfig.ready() for the kinds of entry it owns.
A provider returns the entries for one case with a fixed number of queries. The chronology
page and its PDF merge them in time order; `kind` is what the page filters on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.cases.models import Case


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # one of the registered kinds, e.g. "notification", "status", "task"
    title: str  # one line: "Post-mortem report received"
    detail: str = ""  # plain text, shown escaped
    by: str = ""  # who, as a name; "" for the system
    url: str = ""  # where to read more, if anywhere
    extra: tuple[tuple[str, str], ...] = field(default=())  # (label, value) pairs


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # for the filter: "Notifications", "Status changes"


Provider = Callable[["User", "Case"], Iterable[Entry]]
_KINDS: dict[str, Kind] = {}
_PROVIDERS: dict[str, Provider] = {}


def chronology_register(*, name: str, kinds: Iterable[Kind], provider: Provider) -> None:
    """Register a provider (by a unique name) and the kinds of entry it returns.

    The provider is given the user reading (the case already checked readable by them) and
    leaves out what that user may not see (for example safeguarding detail)."""
    for kind in kinds:
        _KINDS[kind.key] = kind
    _PROVIDERS[name] = provider


def chronology_kinds() -> list[Kind]:
    return list(_KINDS.values())


def chronology_for_case(
    *, user: User, case: Case, kinds: Iterable[str] | None = None
) -> list[Entry]:
    from cdop.cases.models import Case
    from cdop.core.compiled import compiled_skipping_empty

    wanted = set(kinds) if kinds else None
    entries: list[Entry] = []
    # Most of the providers' queries find nothing for a given case (a case early in its
    # review has no meetings, letters or referrals yet): one statement asks which do, and
    # only those run.
    with compiled_skipping_empty("chronology", case.pk, lambda pk: Case.objects.filter(pk=pk)):
        for provider in _PROVIDERS.values():
            entries.extend(e for e in provider(user, case) if wanted is None or e.kind in wanted)
    entries.sort(key=lambda e: e.at)
    return entries
