from __future__ import annotations

from typing import Any

from django.db import models


class Clock(models.Model):
    """One running or stopped clock on a case: a statutory or local timescale with a due time.

    Clocks are rows so that lists can filter and sort on them ("overdue", "due this week")
    in the database. Each step of the process starts and stops its own clocks through
    cdop.clocks.services; `source` names the record a clock belongs to (for example one
    safeguarding referral), so one case can hold several clocks of a kind.
    """

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="clocks")
    kind = models.CharField(max_length=48)
    label = models.CharField(max_length=200)
    source = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["stopped_at", "due_at"], name="clock_running_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "source"], name="clock_one_per_case_kind_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.label}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id}
