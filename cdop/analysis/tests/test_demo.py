from __future__ import annotations

import datetime
import io

from cdop.analysis.blockers import analysis_blockers
from cdop.analysis.demo import load_demo
from cdop.analysis.models import Analysis
from cdop.analysis.rules import analysis_draft_from, analysis_missing
from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory


def test_the_demo_completes_the_analysis_of_every_reviewed_or_finalised_case_once(llr, alice):
    newborn = CaseFactory(
        area=llr,
        status=Status.FINALISED,
        child_date_of_birth=datetime.date(2026, 9, 20),
        date_of_death=datetime.date(2026, 9, 25),
    )
    reviewed = CaseFactory(area=llr, status=Status.PANEL_REVIEWED)
    earlier = CaseFactory(area=llr, status=Status.AWAITING_PANEL)

    load_demo(stdout=io.StringIO())
    out = io.StringIO()
    load_demo(stdout=out)

    assert Analysis.objects.count() == 2
    assert not Analysis.objects.filter(case=earlier).exists()
    for analysis in Analysis.objects.all():
        assert analysis.status == Analysis.Status.COMPLETE
        assert analysis_missing(analysis_draft_from(analysis)) == []
    assert Analysis.objects.get(case=newborn).category.code == "perinatal_neonatal"
    assert analysis_blockers([reviewed.pk]) == {}
    assert "already has one" in out.getvalue()
