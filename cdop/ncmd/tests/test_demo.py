from __future__ import annotations

from io import StringIO

import pytest

from cdop.ncmd.demo import load_demo
from cdop.ncmd.models import NcmdExport
from cdop.ncmd.tests.factories import finalised_case

pytestmark = pytest.mark.django_db


def test_the_demo_sends_one_finalised_case_once(llr, alice, export_dir):
    case = finalised_case(area=llr, by=alice)

    load_demo(stdout=StringIO())
    out = StringIO()
    load_demo(stdout=out)

    export = NcmdExport.objects.get()
    assert (export.case, export.by) == (case, alice)
    assert (export_dir / export.file_name).exists()
    assert "already sent" in out.getvalue()
