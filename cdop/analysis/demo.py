"""Synthetic Analysis Forms for the demonstration: every demo case the panel has reviewed,
or that is finalised, gets a complete analysis (a finalised review needs one). Idempotent:
a case that has an analysis keeps it. No real child: the scenarios are invented."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TextIO

from django.db import transaction
from django.utils import timezone

from cdop.accounts.models import Role, User
from cdop.analysis.models import Analysis, CategoryOfDeath, Factor, FactorDomain, Recommendation
from cdop.analysis.rules import AnalysisDraft, FactorDraft, analysis_contradictions
from cdop.analysis.selectors import form_version_current
from cdop.cases.models import Case
from cdop.cases.workflow import Status


@dataclass(frozen=True)
class Scenario:
    category: str  # a CategoryOfDeath code
    modifiable: str
    expectedness: str
    cause: str
    # (domain position, description, grade, modifiable)
    factors: list[tuple[int, str, int, bool]]
    learning: str = ""
    recommendations: list[str] = field(default_factory=list)


PERINATAL = Scenario(
    "perinatal_neonatal",
    "no",
    "expected",
    "Extreme prematurity (24 weeks) with respiratory distress syndrome",
    [
        (1, "Born at 24 weeks' gestation", 2, False),
        (2, "Mother smoked during pregnancy", 1, False),
        (4, "In-utero transfer to a level 3 unit was achieved in time", 1, False),
    ],
)
SUDI = Scenario(
    "sudden_unexpected_unexplained",
    "yes",
    "unexpected",
    "Unascertained: sudden unexpected death in infancy",
    [
        (1, "No underlying condition found at post-mortem", 1, False),
        (2, "Parent had drunk alcohol before sleeping with the baby", 2, True),
        (3, "Baby asleep on a sofa with a parent", 2, True),
        (4, "Safer sleep advice not repeated after the family moved house", 2, True),
    ],
    "Safer sleep advice is given at birth but rarely repeated when circumstances change.",
    [
        "Health visiting service to repeat safer sleep advice at every contact after a move.",
        "Public health to include sofa-sharing in the local safer sleep campaign.",
    ],
)
OTHERS = [
    Scenario(
        "infection",
        "insufficient",
        "unexpected",
        "Group A streptococcal sepsis",
        [
            (1, "No underlying health condition", 1, False),
            (4, "Records of the first out-of-hours call were not available", 0, False),
        ],
        "The panel could not judge the out-of-hours response without its records.",
        ["Out-of-hours provider to keep call recordings for the review period."],
    ),
    Scenario(
        "chromosomal_genetic_congenital",
        "no",
        "expected",
        "Hypoplastic left heart syndrome",
        [
            (1, "Complex congenital heart disease diagnosed before birth", 2, False),
            (4, "Palliative care plan agreed with the family", 1, False),
        ],
    ),
    Scenario(
        "trauma_external",
        "yes",
        "unexpected",
        "Drowning in a garden pond",
        [
            (3, "Unfenced garden pond at a relative's home", 2, True),
            (2, "Brief lapse in supervision at a family gathering", 2, False),
        ],
        "Toddlers can drown in very shallow water in seconds.",
        ["Public health to run a summer water-safety campaign for parents of toddlers."],
    ),
    Scenario(
        "malignancy",
        "no",
        "expected",
        "Relapsed acute lymphoblastic leukaemia",
        [
            (1, "Relapse after bone marrow transplant", 2, False),
            (4, "Well-coordinated end-of-life care at home", 1, False),
        ],
    ),
    Scenario(
        "chronic_medical",
        "yes",
        "unexpected",
        "Acute exacerbation of severe asthma",
        [
            (1, "Poorly controlled asthma with frequent admissions", 2, False),
            (2, "Exposure to cigarette smoke at home", 2, True),
            (4, "No asthma review after the last two admissions", 2, True),
        ],
        "Every admission with asthma should trigger a structured review.",
        ["The integrated care board to audit asthma reviews after admission."],
    ),
]


def _scenario(case: Case) -> Scenario:
    age_days = (case.date_of_death - case.child_date_of_birth).days
    if age_days < 28:
        return PERINATAL
    if age_days < 365 and case.expectedness == "unexpected":
        return SUDI
    return OTHERS[case.pk % len(OTHERS)]


def load_demo(*, stdout: TextIO) -> None:
    cases = list(
        Case.objects.filter(
            status__in=[Status.PANEL_REVIEWED, Status.FINALISED], analysis__isnull=True
        ).order_by("pk")
    )
    if not cases:
        stdout.write("Analysis Forms: every reviewed demo case already has one.\n")
        return
    author = (
        User.objects.filter(email="manager@demo.invalid").first()
        or User.objects.filter(memberships__role=Role.CDR_MANAGER).order_by("pk").first()
    )
    if author is None:
        stdout.write("Analysis Forms: no CDR manager to write them; none made.\n")
        return
    version = form_version_current()
    domains = {d.position: d for d in FactorDomain.objects.filter(form_version=version)}
    categories = {c.code: c for c in CategoryOfDeath.objects.filter(form_version=version)}
    now = timezone.now()
    with transaction.atomic():
        for case in cases:
            scenario = _scenario(case)
            category = categories[scenario.category]
            draft = AnalysisDraft(
                modifiable=scenario.modifiable,
                category=category,
                cause_of_death=scenario.cause,
                learning_points=scenario.learning,
                expectedness=scenario.expectedness,
                factors=[
                    FactorDraft(domain_id=domains[d].pk, description=t, grade=g, modifiable=m)
                    for d, t, g, m in scenario.factors
                ],
            )
            assert not analysis_contradictions(draft)  # noqa: S101 - the scenarios are fixed
            at = case.finalised_at or case.status_changed_at or now
            analysis = Analysis.objects.create(
                case=case,
                form_version=version,
                status=Analysis.Status.COMPLETE,
                modifiable=scenario.modifiable,
                category=category,
                cause_of_death=scenario.cause,
                learning_points=scenario.learning,
                expectedness=scenario.expectedness,
                created_at=at,
                created_by=author,
                updated_at=at,
                updated_by=author,
                completed_at=at,
                completed_by=author,
            )
            positions: dict[int, int] = {}
            factors = []
            for d, text, grade, modifiable in scenario.factors:
                positions[d] = positions.get(d, 0) + 1
                factors.append(
                    Factor(
                        analysis=analysis,
                        domain=domains[d],
                        position=positions[d],
                        description=text,
                        grade=grade,
                        modifiable=modifiable,
                    )
                )
            Factor.objects.bulk_create(factors)
            Recommendation.objects.bulk_create(
                Recommendation(analysis=analysis, position=n, text=text)
                for n, text in enumerate(scenario.recommendations, start=1)
            )
    stdout.write(f"Analysis Forms: {len(cases)} completed for reviewed and finalised cases.\n")
