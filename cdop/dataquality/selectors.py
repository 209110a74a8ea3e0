"""Reading data quality: one case's issues and score, an area's cases worst first, and the
area's most common problems.

A case's quality is checked live, from the rules of cdop.dataquality.checks as SQL: one
query (two when a Reporting Form answers "not known", to name the questions). An area's
page reads the scores stored at the last check (cdop.dataquality.models): a count, the
page of cases in order off an index, the stored issues of those fifty rows and two
aggregates for the summary, whatever the number of cases.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Count, Exists, F, Min, OuterRef, Q, QuerySet, Sum, Value
from django.utils import timezone

from cdop.agencyforms.models import FormRequest, RequestedForm
from cdop.areas.models import Area
from cdop.areas.selectors import areas_with_roles
from cdop.cases.models import Case
from cdop.cases.sections import section_url
from cdop.cases.workflow import OPEN, Status
from cdop.core.db import db_datetime, fetch_rows
from cdop.core.kept import kept_forget, kept_pending
from cdop.core.urls_cache import cached_reverse
from cdop.dataquality.checks import RULES, RULES_BY_ID, Kind, Rule, Severity, flag
from cdop.dataquality.models import CaseQualityIssue, CaseQualityScore

# Finalised cases stay on the area's page for a year after finalising: long enough to
# correct what NCMD was sent, short enough that the page is about current work.
RECENT_FINALISED_DAYS = 365

TAGS = {
    "problems": ("Problems", "govuk-tag--red"),
    "attention": ("Needs attention", "govuk-tag--yellow"),
    "good": ("Good", "govuk-tag--green"),
}


@dataclass(frozen=True)
class Issue:
    rule: Rule
    fix_url: str
    details: tuple[str, ...] = ()

    @property
    def severity(self) -> Severity:
        return self.rule.severity


@dataclass
class CaseQuality:
    """A case's score: completeness (required items present of those that apply at its
    stage), consistency (contradictions found), and every issue with where to fix it."""

    issues: list[Issue] = field(default_factory=list)
    required_applicable: int = 0
    required_missing: int = 0

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == Severity.ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == Severity.WARNING]

    @property
    def error_count(self) -> int:
        return len(self.errors)

    @property
    def warning_count(self) -> int:
        return len(self.warnings)

    @property
    def contradictions(self) -> int:
        return sum(1 for i in self.issues if i.rule.kind == Kind.CONTRADICTION)

    @property
    def required_present(self) -> int:
        return self.required_applicable - self.required_missing

    @property
    def completeness(self) -> int:
        """Per cent of the required items present (rounded down, so 99 means something is
        missing); 100 when none applies."""
        if self.required_applicable == 0:
            return 100
        return self.required_present * 100 // self.required_applicable

    @property
    def tag(self) -> str:
        if self.error_count:
            return "problems"
        if self.warning_count:
            return "attention"
        return "good"

    @property
    def tag_label(self) -> str:
        return TAGS[self.tag][0]

    @property
    def tag_class(self) -> str:
        return TAGS[self.tag][1]

    def by_kind(self, kind: Kind) -> list[Issue]:
        return [i for i in self.issues if i.rule.kind == kind]


def _applies_name(rule: Rule) -> str:
    return f"dq_a_{rule.id}"


def _fires_name(rule: Rule) -> str:
    return f"dq_f_{rule.id}"


def _flag_annotations() -> dict[str, Any]:
    annotations: dict[str, Any] = {}
    for rule in RULES:
        applies = rule.applies_q()
        annotations[_applies_name(rule)] = (
            flag(applies) if applies else Value(True, output_field=BooleanField())
        )
        annotations[_fires_name(rule)] = flag(rule.fires_q())
    return annotations


def _quality_from_row(reference: str, row: dict[str, Any]) -> CaseQuality:
    quality = CaseQuality()
    for rule in RULES:
        if rule.kind == Kind.MISSING and row[_applies_name(rule)]:
            quality.required_applicable += 1
        if row[_fires_name(rule)]:
            if rule.kind == Kind.MISSING:
                quality.required_missing += 1
            quality.issues.append(Issue(rule=rule, fix_url=section_url(reference, rule.section)))
    quality.issues.sort(key=lambda i: (i.severity != Severity.ERROR, RULES.index(i.rule)))
    return quality


def _flags(case_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not case_ids:
        return {}
    rows = (
        Case.objects.filter(pk__in=case_ids)
        .order_by()
        .annotate(**_flag_annotations())
        .values("pk", "reference", "area_id", *_flag_annotations().keys())
    )
    return {row["pk"]: row for row in rows}


def not_known_questions(*, case: Case) -> list[str]:
    """The questions of the case's returned forms answered "not known", as "Agency: form:
    question" (one query; the definitions' schemas come with their forms)."""
    found: list[str] = []
    forms = (
        RequestedForm.objects.filter(
            request__case=case, request__status=FormRequest.Status.SUBMITTED
        )
        .select_related("definition", "request__organisation")
        .order_by("request__submitted_at", "pk")
    )
    for form in forms:
        answers = form.answers or {}
        unknown = {
            qid
            for qid, entry in answers.items()
            if isinstance(entry, dict) and entry.get("not_known")
        }
        if not unknown:
            continue
        labels = _question_labels(form.definition.schema)
        for qid in sorted(unknown, key=lambda q: labels.get(q, (10**6, q))[0]):
            text = labels.get(qid, (0, qid))[1]
            found.append(f"{form.request.organisation.name}, {form.definition.title}: {text}")
    return found


def _question_labels(schema: Any) -> dict[str, tuple[int, str]]:
    """Each question's place and words in a form definition's schema."""
    labels: dict[str, tuple[int, str]] = {}
    position = 0
    for section in (schema or {}).get("sections", []):
        for question in section.get("questions", []):
            labels[question["id"]] = (position, str(question.get("label") or question["id"]))
            position += 1
    return labels


def case_quality(case: Case) -> CaseQuality:
    """The case's data quality now: every rule that applies at its stage, checked (one
    query, two when a Reporting Form answers "not known")."""
    row = _flags([case.pk]).get(case.pk)
    if row is None:
        return CaseQuality()
    quality = _quality_from_row(case.reference, row)
    for index, issue in enumerate(quality.issues):
        if issue.rule.id == "reporting_form_not_known":
            quality.issues[index] = Issue(
                rule=issue.rule,
                fix_url=issue.fix_url,
                details=tuple(not_known_questions(case=case)),
            )
    return quality


# --- An area's cases --------------------------------------------------------------------


def scope_q() -> Q:
    """Open cases, and those finalised in the last year."""
    since = timezone.now() - dt.timedelta(days=RECENT_FINALISED_DAYS)
    return Q(status__in=sorted(OPEN)) | Q(status=Status.FINALISED, finalised_at__gte=since)


def in_scope(*, area: Area) -> QuerySet[Case]:
    """The area's cases the data-quality page covers. The area is repeated in each branch of
    scope_q() so that the database reads each off an index of the area's cases (open ones
    by stage, finalised ones by date) instead of scanning every case of the area."""
    since = timezone.now() - dt.timedelta(days=RECENT_FINALISED_DAYS)
    return Case.objects.filter(
        Q(area=area, status__in=sorted(OPEN))
        | Q(area=area, status=Status.FINALISED, finalised_at__gte=since)
    )


SCOPE_STATUSES: tuple[Status, ...] = tuple(s for s in Status if s in OPEN or s == Status.FINALISED)


def checked_now(*, case_ids: list[int]) -> dict[int, tuple[int, CaseQuality]]:
    """Every rule checked on these cases now (one query): each case's area and quality."""
    flags = _flags(case_ids)
    return {
        pk: (row["area_id"], _quality_from_row(row["reference"], row)) for pk, row in flags.items()
    }


_WORST_FIRST = (
    F("quality_score__errors").desc(nulls_first=True),
    F("quality_score__warnings").desc(nulls_first=True),
    "-opened_at",
    "-pk",
)


def _area_filtered(
    *, area: Area, status: str = "", only_problems: bool = False, rule: Rule | None = None
) -> QuerySet[Case]:
    cases = in_scope(area=area)
    if status:
        cases = cases.filter(status=status)
    if rule is not None:
        cases = cases.filter(
            Exists(CaseQualityIssue.objects.filter(area=area, rule=rule.id, case=OuterRef("pk")))
        )
    if only_problems:
        cases = cases.filter(quality_score__errors__gt=0)
    return cases


def area_page(
    *,
    area: Area,
    number: str | int | None,
    size: int,
    status: str = "",
    only_problems: bool = False,
    rule: Rule | None = None,
) -> tuple[Page[int], list[Row], AreaSummary]:
    """A page of the area's cases in scope, worst first by their last check (most errors,
    then most warnings, then the newest; a case not checked yet first), its rows, and the
    area's summary (area_summary).

    Filtered: the count and the page's ids in order (only the sort keys read), then the
    page's cases with their stored scores and issues (rows_for_ids). Unfiltered, the
    order (every id, so the count too) and the summary's figures are kept (one read of the
    cache for both), then the query of the rows."""
    filtered = bool(status or only_problems or rule is not None)
    kept = _kept_read(area=area, order=not filtered)
    if filtered:
        cases = _area_filtered(area=area, status=status, only_problems=only_problems, rule=rule)
        ordered: Any = cases.order_by(*_WORST_FIRST).values_list("pk", flat=True)
    else:
        ordered = _worst_first(area=area, kept=kept)
    page: Page[int] = Paginator(ordered, size).get_page(number)
    # Unfiltered, the page's count is the number of cases in scope: not counted twice.
    summary = _summary(
        area=area,
        cases=page.paginator.count if not filtered else None,
        stored=_stored_summary(area=area, kept=kept),
    )
    return page, rows_for_ids(list(page.object_list)), summary


# The unfiltered page's order, every case in scope worst first, kept a while in the shared
# cache (cdop.core.kept): sorting the area's cases in scope by their scores read each of them
# (12 ms at 50,000 cases, more as the area's open cases grow), on every opening of any page.
# Storing scores (services.quality_store, after every recheck) and saving or deleting a case
# of the area (its stage, when it was opened or finalised) forget it; the passing of a year
# since a case was finalised shows within WORST_FIRST_SECONDS.
WORST_FIRST_SECONDS = 120
_WORST_FIRST_KEY = "dataquality:worst-first:{}"
# The summary's figures from the stored scores (area_summary) are kept beside it, and
# forgotten with it: both change only when scores are stored or a case leaves the area.
_STORED_SUMMARY_KEY = "dataquality:summary:{}"


def worst_first_forget(area_id: int | None) -> None:
    """Forget the area's kept order and its kept summary figures."""
    if area_id is not None:
        kept_forget(_WORST_FIRST_KEY.format(area_id))
        kept_forget(_STORED_SUMMARY_KEY.format(area_id))


def _kept_read(*, area: Area, order: bool) -> dict[str, Any]:
    """The area's kept figures (the order only when asked for), in one read of the cache;
    nothing while this transaction has forgotten them and not committed (cdop.core.kept)."""
    keys = [_STORED_SUMMARY_KEY.format(area.pk)]
    if order:
        keys.append(_WORST_FIRST_KEY.format(area.pk))
    if kept_pending(keys):
        return {"pending": True}
    return dict(cache.get_many(keys))


def _worst_first(*, area: Area, kept: dict[str, Any]) -> list[int]:
    key = _WORST_FIRST_KEY.format(area.pk)
    ids: list[int] | None = kept.get(key)
    if ids is None:
        ids = list(in_scope(area=area).order_by(*_WORST_FIRST).values_list("pk", flat=True))
        if not kept.get("pending"):
            cache.set(key, ids, WORST_FIRST_SECONDS)
    return ids


def worst_first_kept(*, area: Area) -> list[int]:
    """The ids of the area's cases in scope, worst first (as area_page orders them)."""
    return _worst_first(area=area, kept=_kept_read(area=area, order=True))


@dataclass
class Row:
    pk: int
    reference: str
    status: str
    status_label: str
    quality: CaseQuality | None  # None: not checked yet
    checked_at: dt.datetime | None


# Each rule's place in RULES, by id (RULES.index compares whole rules, field by field).
_RULE_PLACE = {rule.id: place for place, rule in enumerate(RULES)}
# A reference whose path needs no quoting: every reference made (AREA-YEAR-NUMBER).
PLAIN_REFERENCE = re.compile(r"[A-Za-z0-9_-]+")


def _fix_url(reference: str, section: str) -> str:
    """section_url(reference, section), each section's path reversed once a process
    (cached_reverse): a page's rows name several hundred issues. A reference of other
    characters than letters, digits, hyphens and underscores (none is made so) is reversed
    as before."""
    if not PLAIN_REFERENCE.fullmatch(reference):
        return section_url(reference, section)
    pattern = cached_reverse("cases:section", "REFERENCE", section)
    return pattern.replace("/REFERENCE/", f"/{reference}/", 1)


# A case of a page: id, reference, stage, and its stored score's required items that apply,
# those missing, and when it was checked (None: not checked yet).
_PageCase = tuple[int, str, str, int | None, int | None, dt.datetime | None]


def _rows(cases: list[_PageCase], fired: dict[int, set[str]]) -> list[Row]:
    labels = dict(Status.choices)
    rows = []
    for pk, reference, status, applicable, missing, checked_at in cases:
        quality = None
        if checked_at is not None:
            quality = CaseQuality(
                issues=[
                    Issue(rule=r, fix_url=_fix_url(reference, r.section))
                    for r in sorted(
                        (RULES_BY_ID[i] for i in fired.get(pk, ()) if i in RULES_BY_ID),
                        key=lambda r: (r.severity != Severity.ERROR, _RULE_PLACE[r.id]),
                    )
                ],
                required_applicable=applicable or 0,
                required_missing=missing or 0,
            )
        rows.append(
            Row(
                pk=pk,
                reference=reference,
                status=status,
                status_label=str(labels.get(status, status)),
                quality=quality,
                checked_at=checked_at,
            )
        )
    return rows


# The page's cases, each with its stored score and one row per stored issue: one fixed
# statement (cdop.core.db.fetch_rows), where the ORM's two took longer to build than the
# database took to answer them.
_ROWS_SQL = f"""
SELECT c.id, c.reference, c.status, s.required_applicable, s.required_missing, s.checked_at,
    i.rule
FROM {Case._meta.db_table} c
    LEFT JOIN {CaseQualityScore._meta.db_table} s ON s.case_id = c.id
    LEFT JOIN {CaseQualityIssue._meta.db_table} i ON i.case_id = c.id
WHERE c.id IN ({{}})
"""  # noqa: S608 - only table names and placeholders are put in the text


def rows_for_ids(ids: list[int]) -> list[Row]:
    """The rows of these cases in this order, with their stored scores and issues (one
    query)."""
    if not ids:
        return []
    sql = _ROWS_SQL.format(", ".join(["%s"] * len(ids)))
    found: dict[int, _PageCase] = {}
    fired: dict[int, set[str]] = {}
    for pk, reference, status, applicable, missing, checked_at, rule in fetch_rows(
        sql, [int(i) for i in ids]
    ):
        if pk not in found:
            found[pk] = (pk, reference, status, applicable, missing, db_datetime(checked_at))
        if rule is not None:
            fired.setdefault(pk, set()).add(rule)
    return _rows([found[pk] for pk in ids if pk in found], fired)


@dataclass(frozen=True)
class RuleCount:
    rule: Rule
    cases: int


@dataclass
class AreaSummary:
    cases: int
    checked: int
    with_errors: int
    with_warnings_only: int
    required_applicable: int
    required_missing: int
    contradictions: int
    by_rule: list[RuleCount]
    oldest_check: dt.datetime | None

    @property
    def good(self) -> int:
        return self.checked - self.with_errors - self.with_warnings_only

    @property
    def not_checked(self) -> int:
        # A case finalised a year ago today keeps its score until the nightly recheck.
        return max(0, self.cases - self.checked)

    @property
    def completeness(self) -> int:
        if self.required_applicable == 0:
            return 100
        return (self.required_applicable - self.required_missing) * 100 // self.required_applicable


# The summary's figures read from the stored scores: the totals, and (rule, cases) pairs.
_StoredSummary = tuple[dict[str, Any], list[tuple[str, int]]]


def _stored_summary(*, area: Area, kept: dict[str, Any]) -> _StoredSummary:
    """Two aggregates made by the database off the area's own rows (only cases in scope
    keep a score: services.quality_store), kept like the order: at 20,000 scored cases they
    read every score and issue of the area, tens of milliseconds."""
    key = _STORED_SUMMARY_KEY.format(area.pk)
    stored: _StoredSummary | None = kept.get(key)
    if stored is None:
        totals = CaseQualityScore.objects.filter(area=area).aggregate(
            checked=Count("pk"),
            with_errors=Count("pk", filter=Q(errors__gt=0)),
            with_warnings_only=Count("pk", filter=Q(errors=0, warnings__gt=0)),
            applicable=Sum("required_applicable"),
            missing=Sum("required_missing"),
            contradictions=Sum("contradictions"),
            oldest=Min("checked_at"),
        )
        by_rule = list(
            CaseQualityIssue.objects.filter(area=area)
            .values("rule")
            .annotate(n=Count("pk"))
            .order_by()
            .values_list("rule", "n")
        )
        stored = (totals, by_rule)
        if not kept.get("pending"):
            cache.set(key, stored, WORST_FIRST_SECONDS)
    return stored


def _summary(*, area: Area, cases: int | None, stored: _StoredSummary) -> AreaSummary:
    totals, by_rule = stored
    counts = [
        RuleCount(rule=RULES_BY_ID[rule], cases=n) for rule, n in by_rule if rule in RULES_BY_ID
    ]
    return AreaSummary(
        cases=in_scope(area=area).order_by().count() if cases is None else cases,
        checked=totals["checked"] or 0,
        with_errors=totals["with_errors"] or 0,
        with_warnings_only=totals["with_warnings_only"] or 0,
        required_applicable=totals["applicable"] or 0,
        required_missing=totals["missing"] or 0,
        contradictions=totals["contradictions"] or 0,
        by_rule=sorted(counts, key=lambda c: (-c.cases, _RULE_PLACE[c.rule.id])),
        oldest_check=totals["oldest"],
    )


def area_summary(*, area: Area, in_scope_count: int | None = None) -> AreaSummary:
    """The area's cases in scope as last checked: how many, their scores, and how many
    cases each rule found. The cases in scope are counted unless the caller has counted
    them already (the unfiltered page's count), since that reads every one of them; the
    rest is two aggregates of the stored scores, kept a while (_stored_summary)."""
    return _summary(
        area=area,
        cases=in_scope_count,
        stored=_stored_summary(area=area, kept=_kept_read(area=area, order=False)),
    )


def areas_for_user(user: Any) -> list[Area]:
    from cdop.accounts import permissions

    return areas_with_roles(user=user, roles=permissions.DATA_QUALITY_READERS)
