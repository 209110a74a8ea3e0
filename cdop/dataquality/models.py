"""Each case's data-quality score as last checked, so that an area's page sorts and counts
20,000 cases from an index instead of running every rule on every case for each view.

The score is derived data, written by cdop.dataquality.services from the rules in
checks.py: after any change to a record the rules read (signals.py queues the case for the
task worker), whenever the case's own data-quality page or section is opened (which always
check live), and for every case in scope by `manage.py dataquality_refresh` (nightly from
cron, for bulk loads that send no signals, and from the area page's button).
"""

from __future__ import annotations

from django.db import models


class CaseQualityScore(models.Model):
    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="quality_score"
    )
    # The case's area, copied: a case never changes area.
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    errors = models.PositiveSmallIntegerField()
    warnings = models.PositiveSmallIntegerField()
    contradictions = models.PositiveSmallIntegerField()
    required_applicable = models.PositiveSmallIntegerField()
    required_missing = models.PositiveSmallIntegerField()
    checked_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["area", "-errors", "-warnings"], name="dq_score_area_worst"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.errors} errors, {self.warnings} warnings"


class CaseQualityIssue(models.Model):
    """One rule that found a problem on a case when it was last checked."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey("areas.Area", on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=48)

    class Meta:
        indexes = [
            models.Index(fields=["area", "rule", "case"], name="dq_issue_area_rule"),
            models.Index(fields=["case", "rule"], name="dq_issue_case_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.rule}"
