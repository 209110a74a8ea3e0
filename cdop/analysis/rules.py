"""The rules of the Analysis Form, in one place, in plain English.

Two kinds of rule:
- `analysis_contradictions`: answers that cannot be right together (a modifiable "yes" with
  no factor that may have contributed, a factor named modifiable with the answer "no", a
  sudden unexplained death the panel agreed was expected). Never saved, not even as a draft.
- `analysis_missing`: what the national data set needs before the analysis is complete (and
  the case can be finalised). A draft may leave these out.

Both take an `AnalysisDraft` (what the form posted, or what is saved) and return problems
naming the field they belong to, so the page shows each message next to its field. The
form, the service and the finalising blocker all ask these functions, so they cannot
disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cdop.analysis.models import Analysis, CategoryOfDeath

GRADES = (0, 1, 2)
GRADE_CONTRIBUTED = 2

# The explanations shown next to the fields (the same words as the messages below).
EXPLAIN = {
    "factors": (
        "Record each factor on its own line, in its domain, and grade it: 0 information not "
        "available, 1 present but unlikely to have contributed, 2 present and may have "
        "contributed to vulnerability, ill-health or death. Only a factor graded 2 can be "
        "named as modifiable."
    ),
    "modifiable": (
        "Answer “Yes” only if at least one factor is graded 2 and named as modifiable above. "
        "If you name any factor as modifiable, the answer is “Yes”, not “No” or “Insufficient "
        "information”."
    ),
    "category": (
        "Choose one category. Read the list in order and choose the first that applies. "
        "“Sudden unexpected, unexplained death” needs the panel to have agreed the death was "
        "unexpected."
    ),
    "cause_of_death": "Needed with the category of death: the category summarises the cause.",
    "learning_points": "Needed when the panel found modifiable factors: what can be learned.",
    "expectedness": (
        "As agreed by the panel, which may differ from what was thought at notification."
    ),
}


@dataclass(frozen=True)
class Problem:
    field: str  # "modifiable", "category", ..., or "factors" for the factor lines as a whole
    message: str


@dataclass
class FactorDraft:
    domain_id: int
    description: str
    grade: int
    modifiable: bool = False
    pk: int | None = None


@dataclass
class RecommendationDraft:
    text: str
    pk: int | None = None


@dataclass
class AnalysisDraft:
    modifiable: str = ""
    category: CategoryOfDeath | None = None
    cause_of_death: str = ""
    learning_points: str = ""
    expectedness: str = ""
    factors: list[FactorDraft] = field(default_factory=list)
    recommendations: list[RecommendationDraft] = field(default_factory=list)


def analysis_draft_from(analysis: Analysis, *, recommendations: bool = True) -> AnalysisDraft:
    """What is saved, as a draft to check (reads factors and recommendations as loaded:
    prefetch them to keep the number of queries fixed)."""
    return AnalysisDraft(
        modifiable=analysis.modifiable,
        category=analysis.category,
        cause_of_death=analysis.cause_of_death,
        learning_points=analysis.learning_points,
        expectedness=analysis.expectedness,
        factors=[
            FactorDraft(
                domain_id=f.domain_id,
                description=f.description,
                grade=f.grade,
                modifiable=f.modifiable,
                pk=f.pk,
            )
            for f in analysis.factors.all()
        ],
        recommendations=[
            RecommendationDraft(text=r.text, pk=r.pk) for r in analysis.recommendations.all()
        ]
        if recommendations
        else [],
    )


def analysis_contradictions(draft: AnalysisDraft) -> list[Problem]:
    problems: list[Problem] = []
    named = [f for f in draft.factors if f.modifiable]
    if any(f.grade not in GRADES for f in draft.factors):
        problems.append(Problem("factors", "Grade each factor 0, 1 or 2"))
    if any(f.grade != GRADE_CONTRIBUTED for f in named):
        problems.append(
            Problem(
                "factors",
                "Only a factor graded 2 can be named as modifiable: grade it 2, or untick "
                "“modifiable”",
            )
        )
    if draft.modifiable == "yes" and not any(
        f.grade == GRADE_CONTRIBUTED and f.modifiable for f in draft.factors
    ):
        problems.append(
            Problem(
                "modifiable",
                "You answered “Yes” to modifiable factors, so name at least one: grade the "
                "factor 2 and tick “modifiable”. If there is none, answer “No” or "
                "“Insufficient information”",
            )
        )
    if named and draft.modifiable in ("no", "insufficient"):
        answer = "No" if draft.modifiable == "no" else "Insufficient information"
        problems.append(
            Problem(
                "modifiable",
                f"You named {len(named)} factor{'s' if len(named) != 1 else ''} as modifiable, "
                f"so the answer cannot be “{answer}”: answer “Yes”, or untick “modifiable” "
                "on the factors",
            )
        )
    category = draft.category
    if category is not None and category.requires_unexpected and draft.expectedness == "expected":
        problems.append(
            Problem(
                "category",
                f"“{category.name}” is for deaths the panel agreed were unexpected, and this "
                "one was agreed expected: choose another category, or change what the panel "
                "agreed",
            )
        )
    return problems


def analysis_missing(draft: AnalysisDraft) -> list[Problem]:
    """What must still be recorded before the analysis is complete, in the order of the form."""
    missing: list[Problem] = []
    if not draft.factors:
        missing.append(Problem("factors", "Record at least one factor, in its domain, graded"))
    if not draft.modifiable:
        missing.append(
            Problem(
                "modifiable",
                "Say whether the panel found modifiable factors: yes, no or insufficient "
                "information",
            )
        )
    if draft.category is None:
        missing.append(Problem("category", "Choose the category of death"))
    if not draft.cause_of_death.strip():
        missing.append(Problem("cause_of_death", "Enter the cause of death"))
    if draft.modifiable == "yes" and not draft.learning_points.strip():
        missing.append(
            Problem(
                "learning_points",
                "Enter the learning points: the panel found modifiable factors",
            )
        )
    if not draft.expectedness:
        missing.append(
            Problem(
                "expectedness",
                "Say whether the panel agreed the death was expected or unexpected",
            )
        )
    return missing
