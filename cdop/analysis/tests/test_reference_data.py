from __future__ import annotations

from cdop.analysis.loading import reference_load
from cdop.analysis.models import AnalysisFormVersion, CategoryOfDeath, FactorDomain
from cdop.analysis.selectors import form_lists, form_version_current


def test_the_migration_loads_the_ten_categories_in_the_order_the_panel_reads_them(db):
    lists = form_lists(version=form_version_current())

    assert [c.position for c in lists.categories] == list(range(1, 11))
    assert lists.categories[0].name == "Deliberately inflicted injury, abuse or neglect"
    assert lists.categories[3].name == "Malignancy"
    assert lists.categories[4].name == "Acute medical or surgical condition"
    assert lists.categories[9].name == "Sudden unexpected, unexplained death"
    assert [c.code for c in lists.categories if c.requires_unexpected] == [
        "sudden_unexpected_unexplained"
    ]


def test_the_migration_loads_the_four_factor_domains(db):
    lists = form_lists(version=form_version_current())

    assert [d.name for d in lists.domains] == [
        "Factors intrinsic to the child",
        "Factors in the family and social environment, including parenting capacity",
        "Factors in the physical environment",
        "Service provision",
    ]


def test_loading_a_version_again_changes_nothing(db):
    reference_load(
        version_model=AnalysisFormVersion,
        domain_model=FactorDomain,
        category_model=CategoryOfDeath,
        name="analysis_form_v1.json",
    )

    assert AnalysisFormVersion.objects.count() == 1
    assert CategoryOfDeath.objects.count() == 10
    assert FactorDomain.objects.count() == 4
