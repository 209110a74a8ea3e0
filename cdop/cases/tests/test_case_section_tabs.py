"""The tabs of a case page: every part of the case listed opens, whatever the stage and
whoever reads it, so that nobody is offered a link that answers 'Page not found'."""

from __future__ import annotations

import re

import pytest

from cdop.cases.workflow import Status
from cdop.core.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("persona", ["alice", "ada", "devi", "kim"])
def test_every_tab_listed_on_a_case_opens(request, llr, client_for, status, persona):
    user = request.getfixturevalue(persona)
    case = CaseFactory(area=llr, status=status, key_worker=user if persona == "kim" else None)
    client = client_for(user)

    overview = client.get(f"/staff/cases/{case.reference}/")
    tabs = re.findall(rf'href="(/staff/cases/{case.reference}/section/[\w-]+/)"', overview.text)

    assert overview.status_code == 200
    assert tabs
    for tab in dict.fromkeys(tabs):
        assert client.get(tab).status_code == 200, tab
