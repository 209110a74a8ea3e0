from __future__ import annotations

import pytest

from cdop.meetings import services


@pytest.fixture(autouse=True)
def emails_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    """Invitations go once the transaction commits, which a test's never does: run the
    callback at once, as a commit would."""
    monkeypatch.setattr(services.transaction, "on_commit", lambda callback, *a, **k: callback())
