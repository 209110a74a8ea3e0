"""Reading form definitions: the current version of each form, and which fit a death."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from cdop.formdefs.models import FormDefinition

if TYPE_CHECKING:
    from cdop.cases.models import Case


def _published() -> QuerySet[FormDefinition]:
    return FormDefinition.objects.filter(
        published_at__isnull=False, published_at__lte=timezone.now()
    )


def formdef_current(*, code: str) -> FormDefinition:
    """The latest published version of a form (retired or not: old requests may name it)."""
    definition = _published().filter(code=code).order_by("-version").first()
    if definition is None:
        raise FormDefinition.DoesNotExist(f"No published form definition {code!r}")
    return definition


def formdefs_available(*, kind: str) -> list[FormDefinition]:
    """The current version of each form of this kind that may still be requested."""
    latest: dict[str, FormDefinition] = {}
    for definition in _published().filter(kind=kind).order_by("code", "-version"):
        latest.setdefault(definition.code, definition)
    # A form is retired as a whole: its newest version carries retired_at.
    return sorted(
        (d for d in latest.values() if d.retired_at is None), key=lambda d: d.title.lower()
    )


def formdef_list() -> QuerySet[FormDefinition]:
    """Every definition, every version (the staff page lists them)."""
    return FormDefinition.objects.order_by("kind", "title", "code", "-version")


def formdef_get(*, code: str, version: int) -> FormDefinition:
    try:
        return FormDefinition.objects.get(code=code, version=version)
    except FormDefinition.DoesNotExist:
        raise Http404 from None


def _keyword_pattern(word: str) -> str:
    """A whole word or phrase; a trailing * matches any ending ("epilep*": epilepsy,
    epileptic). Whole words by default, so "car" does not match "cardiac" or "care"."""
    word = word.strip().lower()
    if word.endswith("*"):
        return rf"\b{re.escape(word[:-1])}"
    return rf"\b{re.escape(word)}\b"


def _words_match(keywords: list[str], text: str) -> bool:
    return any(re.search(_keyword_pattern(word), text) for word in keywords if word.strip())


def _rules_hold(rules: dict[str, Any], facts: dict[str, Any]) -> bool:
    if not rules:
        return False
    if "any" in rules:
        return any(_rules_hold(alternative, facts) for alternative in rules["any"])
    age = facts["age_days"]
    if "min_age_days" in rules and age < rules["min_age_days"]:
        return False
    if "max_age_days" in rules and age > rules["max_age_days"]:
        return False
    if "expectedness" in rules and facts["expectedness"] not in rules["expectedness"]:
        return False
    if "place_of_death" in rules and not (facts["places"] & set(rules["place_of_death"])):
        return False
    return not ("keywords" in rules and not _words_match(rules["keywords"], facts["text"]))


def case_facts(*, case: Case) -> dict[str, Any]:
    """What the suggestion rules look at: age at death in days, expectedness, every
    notifier's place of death and the words of their circumstances."""
    from cdop.notifications.models import Notification

    rows = Notification.objects.filter(case=case).values_list(
        "place_of_death", "place_of_death_detail", "circumstances"
    )
    places = {place for place, _detail, _text in rows}
    text = " ".join(f"{detail} {words}" for _place, detail, words in rows).lower()
    return {
        "age_days": (case.date_of_death - case.child_date_of_birth).days,
        "expectedness": case.expectedness,
        "places": places,
        "text": text,
    }


def formdefs_suggested_for_case(*, case: Case) -> list[FormDefinition]:
    """Supplementary forms whose suggest_when rules fit this death (staff choose in the end)."""
    facts = case_facts(case=case)
    return [
        definition
        for definition in formdefs_available(kind=FormDefinition.Kind.SUPPLEMENTARY)
        if _rules_hold(definition.suggest_when or {}, facts)
    ]
