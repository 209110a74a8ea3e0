"""Reading learning themes: the themes an area uses, a case's tags and suggestions, the
anonymised learning of a theme, and the public page's figures and words.

Every function that takes a user checks access through cdop.accounts.permissions and raises
a 404 for anything the user may not see.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cdop.accounts import permissions
from cdop.actions.models import Action
from cdop.analysis.models import Analysis, Recommendation
from cdop.areas.models import Area
from cdop.areas.selectors import area_get_allowed
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.core.kept import kept_forget, kept_part
from cdop.family.models import FamilyMember
from cdop.learning.models import CaseTheme, PublicLearning, PublicLearningSetting, Theme
from cdop.notifications.models import Notification
from cdop.papers.anonymise import (
    MONTHS,
    Anonymiser,
    CaseIdentifiers,
    Person,
    address_fragments,
    people_from_lines,
)
from cdop.papers.summary import case_identifiers

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from cdop.accounts.models import User

# A review the panel has done: what the public figures count.
REVIEWED_STATUSES = frozenset({Status.PANEL_REVIEWED, Status.FINALISED})
# Cases that are not a review of this area (any more): never tagged.
NOT_TAGGABLE = {
    Status.MERGED: "it was merged into another case as a duplicate",
    Status.OUT_OF_SCOPE: "it was closed as out of scope",
    Status.TRANSFERRED: "it was transferred to another area",
}
THEME_PAGE_SIZE = 20


# --- Who may do what, by area --------------------------------------------------------------


def learning_area_ids(user: User | AnonymousUser) -> list[int]:
    return permissions.area_ids_with_roles(user, permissions.LEARNING_READERS)


def area_get_for_learning(*, user: User | AnonymousUser, slug: str) -> Area:
    return area_get_allowed(
        slug=slug, allowed=lambda area_id: permissions.can_read_learning(user, area_id)
    )


def area_get_for_approver(*, user: User | AnonymousUser, slug: str) -> Area:
    return area_get_allowed(
        slug=slug, allowed=lambda area_id: permissions.can_approve_public_learning(user, area_id)
    )


# --- Themes ----------------------------------------------------------------------------------


def themes_for_area(*, area_id: int, include_inactive: bool = False) -> QuerySet[Theme]:
    """The national themes and the area's own, by name."""
    themes = Theme.objects.filter(Q(area__isnull=True) | Q(area_id=area_id))
    if not include_inactive:
        themes = themes.filter(active=True)
    return themes.order_by("name", "pk")


def theme_get(*, area: Area, slug: str) -> Theme:
    """A theme the area uses (national or its own), or a 404."""
    theme = (
        Theme.objects.filter(Q(area__isnull=True) | Q(area=area), slug=slug[:60])
        .order_by("area_id")
        .first()
    )
    if theme is None:
        raise Http404("No such theme")
    return theme


def area_theme_get(*, area: Area, slug: str) -> Theme:
    """One of the area's own themes (national ones are not edited by an area), or a 404."""
    theme = Theme.objects.filter(area=area, slug=slug[:60]).first()
    if theme is None:
        raise Http404("No such theme")
    return theme


@dataclass(frozen=True)
class ThemeCount:
    theme: Theme
    tagged: int
    reviewed: int


def theme_counts(*, area: Area) -> list[ThemeCount]:
    """Every theme the area uses (and any inactive one that still has tags) with its tagged
    and reviewed cases (three queries).

    Counted as every tag of the area (off the index of its tags alone) less the tags of
    cases not reviewed yet or no longer the area's review, found from those cases (off the
    index of the area's cases by stage). Joining every tag to its case instead read each
    tagged case's whole row: most tags are of reviewed cases, so that work grew with
    every review ever done, where this grows with the cases under way."""
    counts: dict[int, dict[str, int]] = kept_part(
        _THEME_COUNTS_KEY.format(area.pk),
        ("counts",),
        lambda: _theme_counts(area_id=area.pk),
        seconds=THEME_COUNTS_SECONDS,
    )
    themes = themes_for_area(area_id=area.pk, include_inactive=True)
    return [
        ThemeCount(
            theme=theme,
            tagged=counts.get(theme.pk, {}).get("tagged", 0),
            reviewed=counts.get(theme.pk, {}).get("reviewed", 0),
        )
        for theme in themes
        if theme.active or theme.pk in counts
    ]


# The counts read every tag of the area on every opening of the themes page (growing with
# every review ever done): kept a while per area (cdop.core.kept), forgotten when a tag or a
# case of the area is written (cdop.learning.apps).
THEME_COUNTS_SECONDS = 120
_THEME_COUNTS_KEY = "learning:theme-counts:{}"


def theme_counts_forget(area_id: int | None) -> None:
    if area_id is not None:
        kept_forget(_THEME_COUNTS_KEY.format(area_id))


def _theme_counts(*, area_id: int) -> dict[int, dict[str, int]]:
    """Each tagged theme's tagged and reviewed cases (theme_counts)."""
    totals = dict(
        CaseTheme.objects.filter(area_id=area_id)
        .order_by()
        .values("theme_id")
        .annotate(n=Count("pk"))
        .values_list("theme_id", "n")
    )
    not_reviewed = [s for s in Status if s not in REVIEWED_STATUSES]
    counts: dict[int, dict[str, int]] = {
        theme_id: {"tagged": n, "reviewed": n} for theme_id, n in totals.items()
    }
    for theme_id, status, n in _tags_of_cases_not_reviewed(area_id=area_id, statuses=not_reviewed):
        entry = counts.get(theme_id)
        if entry is None:
            continue
        entry["reviewed"] -= n
        if status in NOT_TAGGABLE:
            entry["tagged"] -= n
    return {k: v for k, v in counts.items() if v["tagged"] > 0}


def _tags_of_cases_not_reviewed(
    *, area_id: int, statuses: list[Status]
) -> list[tuple[int, str, int]]:
    """(theme id, case status, tags) for the area's cases at these stages (a case's tags are
    in its own area: a case never changes area).

    Written as SQL for its CROSS JOIN: SQLite then keeps the cases as the outer loop, read
    off the index of the area's cases by stage, where its statistics (which guess an even
    spread of stages) would rather read every tag and look up each one's case: the join
    that grew with every review ever done. PostgreSQL plans it as any other join."""
    cases, tags = Case._meta.db_table, CaseTheme._meta.db_table
    marks = ", ".join(["%s"] * len(statuses))
    sql = (
        f"SELECT t.theme_id, c.status, COUNT(*) FROM {cases} c "  # noqa: S608 - table names only
        f"CROSS JOIN {tags} t "
        f"WHERE t.case_id = c.id AND c.area_id = %s AND c.status IN ({marks}) "
        "GROUP BY t.theme_id, c.status"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [area_id, *(str(s.value) for s in statuses)])
        return [(int(theme), str(status), int(n)) for theme, status, n in cursor.fetchall()]


# --- A case's tags ---------------------------------------------------------------------------


def case_tags(*, case: Case) -> list[CaseTheme]:
    return list(
        CaseTheme.objects.filter(case=case)
        .select_related("theme", "tagged_by")
        .order_by("theme__name", "pk")
    )


@dataclass(frozen=True)
class Suggestion:
    theme: Theme
    reason: str


def case_suggestions(*, case: Case, themes: list[Theme] | None = None) -> list[Suggestion]:
    """Themes that the case's Analysis Form category of death, or its actions' themes,
    point to (two queries). Suggestions only: nothing is tagged by them."""
    if themes is None:
        themes = list(themes_for_area(area_id=case.area_id))
    analysis = (
        Analysis.objects.filter(case=case).select_related("category").only("category").first()
    )
    categories = (
        {analysis.category.code: analysis.category.name} if analysis and analysis.category else {}
    )
    action_themes = {
        c.strip().lower()
        for c in Action.objects.filter(case=case).values_list("category", flat=True)
        if c.strip()
    }
    found: list[Suggestion] = []
    for theme in themes:
        reasons = []
        for code in theme.suggested_for or []:
            if code in categories:
                reasons.append(f"the category of death is {categories[code]}")
        if theme.name.lower() in action_themes or theme.slug.replace("-", " ") in action_themes:
            reasons.append("an action of the case has this theme")
        if reasons:
            found.append(Suggestion(theme=theme, reason="; ".join(reasons)))
    return found


def case_not_taggable_reason(*, case: Case) -> str:
    return NOT_TAGGABLE.get(Status(case.status), "") if case.status in NOT_TAGGABLE else ""


# --- A theme's anonymised learning -------------------------------------------------------------


@dataclass
class LearningAction:
    description: str
    owner: str
    status: str
    due: str


@dataclass
class CaseLearning:
    """One tagged case, as anyone who reads learning may see it: no name, no date of birth,
    no NHS number, no address, no reference. Free text generalised, then checked against the
    case's own identifiers (cdop.papers.anonymise)."""

    label: str
    age_group: str
    stage: str
    category: str
    modifiable: str
    note: str
    learning_points: str
    recommendations: list[str] = field(default_factory=list)
    actions: list[LearningAction] = field(default_factory=list)
    removed: int = 0  # identifiers the safety net caught


def age_group(born: date, died: date) -> str:
    """The bands of the national reports: coarse enough to identify nobody."""
    years = died.year - born.year - ((died.month, died.day) < (born.month, born.day))
    if years < 1:
        return "Under 1 year"
    if years < 5:
        return "1 to 4 years"
    if years < 10:
        return "5 to 9 years"
    if years < 15:
        return "10 to 14 years"
    return "15 to 17 years"


def theme_tags(*, area: Area, theme: Theme) -> QuerySet[CaseTheme]:
    """The theme's tags in the area, the earliest first: the order gives the labels."""
    return (
        CaseTheme.objects.filter(area=area, theme=theme)
        .exclude(case__status__in=list(NOT_TAGGABLE))
        .order_by("tagged_at", "pk")
    )


def theme_learning(*, tags: list[CaseTheme], first_number: int) -> list[CaseLearning]:
    """The anonymised learning of these tagged cases (a page of them): labels "Review N"
    from first_number. Four queries for the page, then five a case for its identifiers."""
    case_ids = [t.case_id for t in tags]
    cases = Case.objects.in_bulk(case_ids)
    analyses = {
        a.case_id: a
        for a in Analysis.objects.filter(case_id__in=case_ids).select_related("category")
    }
    recommendations: dict[int, list[str]] = defaultdict(list)
    for case_id, text in (
        Recommendation.objects.filter(analysis__case_id__in=case_ids)
        .order_by("position", "pk")
        .values_list("analysis__case_id", "text")
    ):
        recommendations[case_id].append(text)
    actions: dict[int, list[Action]] = defaultdict(list)
    for action in (
        Action.objects.filter(case_id__in=case_ids)
        .select_related("owner_organisation")
        .order_by("due_on", "pk")
    ):
        actions[action.case_id].append(action)
    shown = []
    for number, tag in enumerate(tags, start=first_number):
        case = cases[tag.case_id]
        label = f"Review {number}"
        anonymiser = Anonymiser(
            identifiers=case_identifiers(case=case), died=case.date_of_death, label=label
        )
        analysis = analyses.get(case.pk)
        shown.append(
            CaseLearning(
                label=label,
                age_group=age_group(case.child_date_of_birth, case.date_of_death),
                stage=_stage(case),
                category=analysis.category.name if analysis and analysis.category else "",
                modifiable=analysis.get_modifiable_display()
                if analysis and analysis.modifiable
                else "",
                note=anonymiser.text(tag.note),
                learning_points=anonymiser.text(analysis.learning_points) if analysis else "",
                recommendations=[anonymiser.text(t) for t in recommendations[case.pk]],
                actions=[
                    LearningAction(
                        description=anonymiser.text(a.description),
                        owner=anonymiser.text(a.owner_label),
                        status=a.get_status_display(),
                        due=f"{MONTHS[a.due_on.month - 1]} {a.due_on.year}",
                    )
                    for a in actions[case.pk]
                ],
            )
        )
        shown[-1].removed = anonymiser.caught
    return shown


def _stage(case: Case) -> str:
    if case.status in REVIEWED_STATUSES:
        return "Reviewed by the panel"
    return "Review in progress"


def identifiers_of_theme(*, area: Area, theme: Theme) -> CaseIdentifiers:
    """The identifiers of every case tagged with the theme in the area, for checking words
    meant for the public (three queries, however many cases): the children's names and other
    names, NHS numbers, postcodes, dates of birth, references and addresses, and the people
    the notifications and the family records name. Less than the papers' check gathers for
    one case (contacts' notes, Reporting Forms), which would take five queries a case."""
    ids = CaseIdentifiers()
    cases = CaseTheme.objects.filter(area=area, theme=theme).values("case_id")
    for first, last, nhs, postcode, born, reference in Case.objects.filter(
        pk__in=cases
    ).values_list(
        "child_first_name",
        "child_last_name",
        "child_nhs_number",
        "child_postcode",
        "child_date_of_birth",
        "reference",
    ):
        ids.people.append(Person(name=f"{first} {last}", role="the child"))
        ids.nhs_numbers.append(nhs)
        ids.postcodes.append(postcode)
        ids.dates_of_birth.append(born)
        ids.references.append(reference)
    for row in Notification.objects.filter(case_id__in=cases).values(
        "child_first_name",
        "child_last_name",
        "child_other_names",
        "child_nhs_number",
        "child_postcode",
        "child_date_of_birth",
        "reference",
        "child_address",
        "parental_responsibility",
        "other_children",
        "carer_at_time",
    ):
        ids.people.append(
            Person(name=f"{row['child_first_name']} {row['child_last_name']}", role="the child")
        )
        ids.people.extend(
            Person(name=other.strip(), role="the child")
            for other in row["child_other_names"].replace(";", ",").split(",")
            if other.strip()
        )
        ids.nhs_numbers.append(row["child_nhs_number"])
        ids.postcodes.append(row["child_postcode"])
        ids.dates_of_birth.append(row["child_date_of_birth"])
        ids.references.append(row["reference"])
        ids.addresses.extend(address_fragments(row["child_address"]))
        for text in (row["parental_responsibility"], row["other_children"], row["carer_at_time"]):
            ids.people.extend(people_from_lines(text, default_role="a family member"))
    for name in FamilyMember.objects.filter(case_id__in=cases).values_list("name", flat=True):
        ids.people.append(Person(name=name, role="a family member"))
    ids.nhs_numbers = sorted({n for n in ids.nhs_numbers if n})
    ids.postcodes = sorted({p for p in ids.postcodes if p})
    ids.dates_of_birth = sorted({d for d in ids.dates_of_birth if d})
    ids.references = sorted({r for r in ids.references if r})
    ids.addresses = sorted(set(ids.addresses), key=len, reverse=True)
    return ids


# --- Public learning --------------------------------------------------------------------------


def public_learning_enabled(*, area: Area) -> bool:
    return PublicLearningSetting.objects.filter(area=area, enabled=True).exists()


def public_texts_for_area(*, area: Area) -> dict[int, PublicLearning]:
    """The area's public learning rows, by theme (draft, approved and published alike)."""
    return {
        row.theme_id: row
        for row in PublicLearning.objects.filter(area=area).select_related(
            "approved_by", "draft_updated_by"
        )
    }


def public_text_get(*, area: Area, theme: Theme) -> PublicLearning | None:
    return (
        PublicLearning.objects.filter(area=area, theme=theme)
        .select_related("approved_by", "draft_updated_by")
        .first()
    )


def public_figures_until(today: date) -> date:
    """The public figures count reviews completed before this day: the start of the current
    reporting year (1 April). They change once a year, so that comparing the page from one
    day to the next never singles out one review."""
    year = today.year if (today.month, today.day) >= (4, 1) else today.year - 1
    return date(year, 4, 1)


def completed_counts(*, area: Area, until: date) -> dict[int, int]:
    """Completed (finalised) reviews before `until`, per theme id (one query)."""
    tz = timezone.get_current_timezone()
    before = datetime.datetime(until.year, until.month, until.day, tzinfo=tz)
    return dict(
        CaseTheme.objects.filter(
            area=area, case__status=Status.FINALISED, case__finalised_at__lt=before
        )
        .values("theme_id")
        .annotate(n=Count("case_id", distinct=True))
        .values_list("theme_id", "n")
    )


@dataclass(frozen=True)
class PublicTheme:
    slug: str
    name: str
    description: str
    count: str  # already suppressed: "<5", "12", ...
    text: str  # the approved text (Markdown), or ""


@dataclass(frozen=True)
class PublicPage:
    until: date  # reviews completed before this day are counted
    themes: list[PublicTheme]


def public_learning_page(*, area: Area, today: date | None = None) -> PublicPage:
    """What the public page shows: for each theme with completed reviews or published
    text, its count suppressed, and its approved text when published. Nothing else."""
    from cdop.reporting.suppression import suppress_one_way

    until = public_figures_until(today or timezone.localdate())
    counts = completed_counts(area=area, until=until)
    published = {
        row.theme_id: row.approved_text
        for row in PublicLearning.objects.filter(area=area, published=True).exclude(
            approved_text=""
        )
    }
    themes = [
        t
        for t in themes_for_area(area_id=area.pk, include_inactive=True)
        if counts.get(t.pk) or t.pk in published
    ]
    # A review may have several themes: the counts add up to nothing, so no total.
    cells = suppress_one_way(
        {str(t.pk): counts.get(t.pk, 0) for t in themes}, with_total=False
    ).cells
    return PublicPage(
        until=until,
        themes=[
            PublicTheme(
                slug=t.slug,
                name=t.name,
                description=t.description,
                count=str(cells[str(t.pk)].display),
                text=published.get(t.pk, ""),
            )
            for t in themes
        ],
    )
