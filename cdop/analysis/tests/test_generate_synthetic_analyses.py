"""manage.py generate_synthetic_analyses: the panel's findings for synthetic finalised cases."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from cdop.actions.models import Action
from cdop.analysis.models import Analysis, Factor
from cdop.cases.models import Case
from cdop.cases.workflow import Status
from cdop.learning.models import CaseTheme
from cdop.notifications.models import Notification
from cdop.notifications.reference import Ethnicity

pytestmark = pytest.mark.django_db


def generate(cases: int = 150, seed: int = 3) -> str:
    call_command("generate_synthetic", cases=cases, seed=seed, verbosity=0)
    out = io.StringIO()
    call_command("generate_synthetic_analyses", seed=seed, stdout=out)
    return out.getvalue()


def findings() -> dict[str, tuple[str, str, str, tuple[str, ...]]]:
    return {
        a.case.reference: (
            a.category.code if a.category else "",
            a.modifiable,
            a.expectedness,
            tuple(f.description for f in a.factors.all()),
        )
        for a in Analysis.objects.select_related("case", "category").prefetch_related("factors")
    }


def test_every_finalised_case_gets_a_complete_analysis(llr):
    output = generate()

    finalised = Case.objects.filter(area=llr, status=Status.FINALISED)
    assert finalised.count() > 20
    assert Analysis.objects.filter(case__in=finalised, status="complete").count() == (
        finalised.count()
    )
    assert not Analysis.objects.exclude(case__in=finalised).exists()
    assert f"Added {finalised.count()} synthetic analyses" in output
    # a review that found modifiable factors names at least one
    for analysis in Analysis.objects.filter(modifiable=Analysis.Modifiable.YES):
        assert analysis.factors.filter(modifiable=True, grade=2).exists()
    assert not Factor.objects.filter(modifiable=True).exclude(grade=2).exists()


def test_the_shares_are_realistic(llr):
    call_command("generate_synthetic", cases=600, seed=5, verbosity=0)
    call_command("generate_synthetic_analyses", seed=5, verbosity=0)

    analyses = Analysis.objects.select_related("category")
    total = analyses.count()
    modifiable = Counter(analyses.values_list("modifiable", flat=True))
    categories = Counter(a.category.code for a in analyses if a.category)
    assert total > 100
    assert 0.15 <= modifiable["yes"] / total <= 0.45  # domain.md §7: a quarter to two-fifths
    assert 0.25 <= categories["perinatal_neonatal"] / total <= 0.55  # about 4 in 10
    assert len(categories) >= 7
    assert CaseTheme.objects.exists()
    assert Action.objects.filter(case__analysis__modifiable="yes").exists()
    ethnicities = Counter(Notification.objects.values_list("child_ethnicity", flat=True))
    assert ethnicities[Ethnicity.WHITE_BRITISH] > ethnicities[Ethnicity.NOT_KNOWN]
    assert not Notification.objects.filter(area=llr, residence_upper_code="").exists()


def test_it_is_deterministic_for_a_seed_and_adds_nothing_the_second_time(llr):
    generate(seed=7)
    first = findings()
    counts = (Analysis.objects.count(), Factor.objects.count(), CaseTheme.objects.count())

    out = io.StringIO()
    call_command("generate_synthetic_analyses", seed=7, stdout=out)
    assert "Added 0 synthetic analyses" in out.getvalue()
    assert (Analysis.objects.count(), Factor.objects.count(), CaseTheme.objects.count()) == counts

    Action.objects.all().delete()
    CaseTheme.objects.all().delete()
    Analysis.objects.all().delete()
    call_command("generate_synthetic_analyses", seed=7, verbosity=0)
    assert findings() == first


def test_an_unknown_area_is_refused_with_the_known_ones(llr):
    with pytest.raises(CommandError, match=r"no area with the slug .nowhere.*llr"):
        call_command("generate_synthetic_analyses", area="nowhere")
