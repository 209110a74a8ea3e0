"""Signals other steps of the process listen to, so that the case app need not know them.

Sent inside the transaction of the change (a receiver's writes commit or roll back with it).
Receivers must not change the case's status themselves: that is for the workflow services.
"""

from __future__ import annotations

from django.dispatch import Signal

# sender=Case, case=Case, transition=CaseTransition, by=User | None
case_transitioned = Signal()
