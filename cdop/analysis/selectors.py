"""Reading the Analysis Form: the case's analysis with its lines, and the lists of the form
version it uses. A fixed number of queries whatever the analysis holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cdop.analysis.models import Analysis, AnalysisFormVersion, CategoryOfDeath, FactorDomain
from cdop.analysis.rules import Problem, analysis_draft_from, analysis_missing

if TYPE_CHECKING:
    from cdop.analysis.models import Factor, Recommendation
    from cdop.cases.models import Case


@dataclass
class FormLists:
    """One version of the form's reference lists, in their order."""

    version: AnalysisFormVersion
    domains: list[FactorDomain]
    categories: list[CategoryOfDeath]


@dataclass
class DomainFactors:
    domain: FactorDomain
    factors: list[Factor] = field(default_factory=list)


@dataclass
class AnalysisView:
    """What the pages show: the analysis (None until started), its factors by domain, its
    recommendations and what it still needs to be complete."""

    analysis: Analysis | None
    lists: FormLists
    domains: list[DomainFactors]
    recommendations: list[Recommendation]
    missing: list[Problem]

    @property
    def status_label(self) -> str:
        if self.analysis is None:
            return "Not started"
        return self.analysis.get_status_display()

    @property
    def is_complete(self) -> bool:
        return self.analysis is not None and self.analysis.status == Analysis.Status.COMPLETE

    @property
    def modifiable_factors(self) -> list[Factor]:
        return [f for d in self.domains for f in d.factors if f.modifiable]


def form_version_current() -> AnalysisFormVersion:
    """The newest version of the national lists: new analyses start on it."""
    return AnalysisFormVersion.objects.order_by("-version")[:1].get()


def form_lists(*, version: AnalysisFormVersion) -> FormLists:
    return FormLists(
        version=version,
        domains=list(FactorDomain.objects.filter(form_version=version).order_by("position")),
        categories=list(CategoryOfDeath.objects.filter(form_version=version).order_by("position")),
    )


def analysis_for_case(*, case: Case) -> Analysis | None:
    return (
        Analysis.objects.select_related("category", "form_version", "updated_by", "completed_by")
        .prefetch_related("factors", "recommendations")
        .filter(case=case)
        .first()
    )


def analysis_view(*, case: Case) -> AnalysisView:
    """The case's analysis for reading (five queries whatever it holds)."""
    analysis = analysis_for_case(case=case)
    lists = form_lists(version=analysis.form_version if analysis else form_version_current())
    domains = [DomainFactors(domain=d) for d in lists.domains]
    by_id = {d.domain.pk: d for d in domains}
    recommendations: list[Recommendation] = []
    missing: list[Problem] = []
    if analysis is not None:
        for factor in analysis.factors.all():
            by_id[factor.domain_id].factors.append(factor)
        recommendations = list(analysis.recommendations.all())
        missing = analysis_missing(analysis_draft_from(analysis))
    else:
        missing = [Problem("", "Start the Analysis Form")]
    return AnalysisView(
        analysis=analysis,
        lists=lists,
        domains=domains,
        recommendations=recommendations,
        missing=missing,
    )
