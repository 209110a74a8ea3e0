"""Writing learning themes: tagging cases, the area's own themes, and the public page's
words and switch.

Every service names its actor for the audit log and runs in one transaction. The views have
already given a 404 to anyone who may not see the thing; a service still refuses (with a
DomainError written for the user) anyone whose role does not allow the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from cdop.accounts import permissions
from cdop.audit.services import audit_actor
from cdop.cases.models import Case
from cdop.core.errors import DomainError
from cdop.learning import selectors
from cdop.learning.models import CaseTheme, PublicLearning, PublicLearningSetting, Theme
from cdop.papers.anonymise import IdentifierCheck

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.areas.models import Area

MAX_NOTE = 1000
MAX_PUBLIC_TEXT = 5000


# --- Tagging ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TagChange:
    added: list[Theme]
    removed: list[Theme]


@transaction.atomic
def case_themes_set(*, case: Case, by: User, theme_ids: Iterable[int], note: str = "") -> TagChange:
    """Make the case's themes exactly these: tag the new ones (with the note), untag the
    others. Each tag and untag is an audit entry (the rows are followed by the audit log)."""
    if not permissions.can_tag_learning(by, case):
        raise DomainError("Your role does not allow you to tag cases with learning themes.")
    # One person's change at a time: the second sees the first's tags.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    reason = selectors.case_not_taggable_reason(case=locked)
    if reason:
        raise DomainError(f"This case cannot be tagged: {reason}.")
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise DomainError(f"The note must be {MAX_NOTE} characters or fewer", field="note")
    wanted = set(theme_ids)
    current = {t.theme_id: t for t in CaseTheme.objects.filter(case=locked).select_related("theme")}
    offered = {t.pk: t for t in selectors.themes_for_area(area_id=locked.area_id)}
    unknown = wanted - set(offered) - set(current)
    if unknown:
        raise DomainError("Choose themes from the list", field="themes")
    now = timezone.now()
    added: list[Theme] = []
    removed: list[Theme] = []
    with audit_actor(by):
        for theme_id in sorted(wanted - set(current)):
            CaseTheme.objects.create(
                case=locked,
                theme=offered[theme_id],
                area_id=locked.area_id,
                tagged_by=by,
                tagged_at=now,
                note=note,
            )
            added.append(offered[theme_id])
        for theme_id in sorted(set(current) - wanted):
            tag = current[theme_id]
            removed.append(tag.theme)
            tag.delete()
    return TagChange(added=added, removed=removed)


# --- The area's own themes --------------------------------------------------------------------


def _check_theme_words(*, name: str, description: str) -> tuple[str, str]:
    name = " ".join(name.split())
    description = description.strip()
    if not name:
        raise DomainError("Enter the theme's name", field="name")
    if len(name) > 100:
        raise DomainError("The name must be 100 characters or fewer", field="name")
    if not slugify(name):
        raise DomainError("The name must include letters or numbers", field="name")
    if len(description) > 1000:
        raise DomainError("The description must be 1000 characters or fewer", field="description")
    return name, description


def _name_taken(*, area: Area, name: str, slug: str, exclude_pk: int | None = None) -> bool:
    others = selectors.themes_for_area(area_id=area.pk, include_inactive=True)
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    return any(t.slug == slug or t.name.lower() == name.lower() for t in others)


@transaction.atomic
def theme_create(*, area: Area, by: User, name: str, description: str = "") -> Theme:
    """An area's own theme, next to the national ones."""
    if not permissions.can_manage_learning_themes(by, area.pk):
        raise DomainError("Your role does not allow you to add learning themes.")
    name, description = _check_theme_words(name=name, description=description)
    slug = slugify(name)[:60]
    if _name_taken(area=area, name=name, slug=slug):
        raise DomainError(
            "There is already a theme with this name: tag cases with that one", field="name"
        )
    with audit_actor(by):
        try:
            with transaction.atomic():
                return Theme.objects.create(
                    area=area,
                    slug=slug,
                    name=name,
                    description=description,
                    created_at=timezone.now(),
                    created_by=by,
                )
        except IntegrityError:  # added at the same moment by someone else
            raise DomainError("There is already a theme with this name", field="name") from None


@transaction.atomic
def theme_update(
    *, theme: Theme, by: User, name: str, description: str = "", active: bool = True
) -> Theme:
    """Change one of the area's own themes (its address stays the same); an inactive theme
    keeps its tags and is no longer offered."""
    if theme.area_id is None or theme.area is None:
        raise DomainError("National themes are the same for every area and are not changed here.")
    if not permissions.can_manage_learning_themes(by, theme.area_id):
        raise DomainError("Your role does not allow you to change learning themes.")
    name, description = _check_theme_words(name=name, description=description)
    if _name_taken(area=theme.area, name=name, slug=slugify(name)[:60], exclude_pk=theme.pk):
        raise DomainError("There is already a theme with this name", field="name")
    with audit_actor(by):
        theme.name = name
        theme.description = description
        theme.active = active
        theme.save(update_fields=["name", "description", "active"])
    return theme


# --- Reading the anonymised learning is recorded ------------------------------------------------


def theme_page_audit(*, user: User, area: Area, theme: Theme, case_ids: list[int]) -> None:
    """One "viewed" entry for a page of a theme's learning, naming the cases shown (their
    references are kept in the audit log, which only administrators read)."""
    references = list(
        Case.objects.filter(pk__in=case_ids).order_by("pk").values_list("reference", flat=True)
    )
    with audit_actor(user), transaction.atomic():
        LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(Theme),
            object_pk=str(theme.pk),
            object_id=theme.pk,
            object_repr=f"learning theme: {theme.name}",
            action=LogEntry.Action.ACCESS,
            actor=user,
            additional_data={"area_id": area.pk, "learning_theme": theme.slug, "cases": references},
        )


# --- The public learning page -------------------------------------------------------------------


def _check_approver(*, area: Area, by: User) -> None:
    if not permissions.can_approve_public_learning(by, area.pk):
        raise DomainError("Your role does not allow you to change the public learning page.")


@transaction.atomic
def public_learning_switch(*, area: Area, by: User, enabled: bool) -> PublicLearningSetting:
    """Turn the area's public learning page on or off (off: the address is not found)."""
    _check_approver(area=area, by=by)
    with audit_actor(by):
        setting, created = PublicLearningSetting.objects.select_for_update().get_or_create(
            area=area, defaults={"enabled": enabled, "updated_at": timezone.now(), "updated_by": by}
        )
        if not created:
            setting.enabled = enabled
            setting.updated_at = timezone.now()
            setting.updated_by = by
            setting.save()
    return setting


def _check_text(text: str) -> str:
    text = text.strip()
    if len(text) > MAX_PUBLIC_TEXT:
        raise DomainError(f"The text must be {MAX_PUBLIC_TEXT} characters or fewer", field="text")
    return text


def _row(*, area: Area, theme: Theme) -> PublicLearning:
    if theme.area_id not in (None, area.pk):
        raise DomainError("Choose a theme this area uses.")
    row, _ = PublicLearning.objects.select_for_update().get_or_create(area=area, theme=theme)
    return row


@transaction.atomic
def public_text_save_draft(*, area: Area, theme: Theme, by: User, text: str) -> PublicLearning:
    """Keep a draft. Nothing public changes until it is approved."""
    _check_approver(area=area, by=by)
    text = _check_text(text)
    with audit_actor(by):
        row = _row(area=area, theme=theme)
        row.draft = text
        row.draft_updated_at = timezone.now()
        row.draft_updated_by = by
        row.save()
    return row


IDENTIFIER_WORDS = {
    "name": "the name of a child or family member",
    "NHS number": "an NHS number",
    "postcode": "a postcode",
    "date of birth": "a date of birth",
    "address": "an address",
    "reference": "a case or notification reference",
    "phone number": "a phone number",
    "email": "an email address",
}


def public_text_identifiers(*, area: Area, theme: Theme, text: str) -> list[str]:
    """The kinds of identifier of the theme's tagged cases found in the text. Names count
    as a first and last name together, so that ordinary words that are also surnames
    ("Water", "Day") pass."""
    if not text:
        return []
    identifiers = selectors.identifiers_of_theme(area=area, theme=theme)
    if not identifiers.people and not identifiers.references:
        return []
    check = IdentifierCheck(identifiers, whole_names_only=True)
    return list(dict.fromkeys(check(text).found))


@transaction.atomic
def public_text_approve(*, area: Area, theme: Theme, by: User, text: str) -> PublicLearning:
    """Approve these words and publish them: they replace whatever was public for the theme.
    Refused if they hold an identifier of a case tagged with the theme."""
    _check_approver(area=area, by=by)
    text = _check_text(text)
    if not text:
        raise DomainError("Enter the text to approve", field="text")
    found = public_text_identifiers(area=area, theme=theme, text=text)
    if found:
        raise DomainError(
            "The text contains "
            + " and ".join(IDENTIFIER_WORDS.get(k, k) for k in found)
            + " from a case tagged with this theme. Take it out before approving.",
            field="text",
        )
    now = timezone.now()
    with audit_actor(by):
        row = _row(area=area, theme=theme)
        row.draft = text
        row.draft_updated_at = now
        row.draft_updated_by = by
        row.approved_text = text
        row.approved_at = now
        row.approved_by = by
        row.published = True
        row.save()
    return row


@transaction.atomic
def public_text_unpublish(*, area: Area, theme: Theme, by: User) -> PublicLearning:
    """Take the theme's words off the public page at once (the approved text is kept, to
    publish again later)."""
    _check_approver(area=area, by=by)
    with audit_actor(by):
        row = _row(area=area, theme=theme)
        if not row.published:
            raise DomainError("The text is not on the public page.")
        row.published = False
        row.save(update_fields=["published"])
    return row
