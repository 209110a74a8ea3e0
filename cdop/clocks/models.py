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
    # The case's area, copied (save() fills it): the area's overdue clocks are then a range
    # of one index, with no join to the cases. A case never changes area (a transfer closes
    # it and opens another), and a running clock is always on an open case (closing a case
    # stops its clocks), so "running clocks of the area" are those of its open cases.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=48)
    label = models.CharField(max_length=200)
    source = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    stopped_at = models.DateTimeField(null=True, blank=True)
    # Stopped because it no longer applies (the case was transferred, merged or closed as out
    # of scope), rather than because its step was done: neither "met" nor "late".
    cancelled = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            # An area's running clocks by due date: Team work's overdue clocks counted and
            # paged from this index alone, and the kind and case in it so that the other
            # queues and the case list's timescale filter (each naming the user's areas)
            # filter by safeguarding kind and case off the index. Partial on "IS NULL",
            # which has no parameter, so SQLite uses it as PostgreSQL does; a full index
            # led by stopped_at misled SQLite, whose statistics took "stopped_at IS NULL" for
            # two rows (the average of a nearly unique column).
            models.Index(
                fields=["area", "due_at", "id", "kind", "case"],
                condition=models.Q(stopped_at__isnull=True),
                name="clock_running_area_due",
            ),
            # A case's running clocks (the case list's clock column, and PostgreSQL's probe
            # for "has an overdue clock" as it walks a page of cases): index-only.
            models.Index(
                fields=["case", "due_at"],
                condition=models.Q(stopped_at__isnull=True),
                name="clock_running_case_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "source"], name="clock_one_per_case_kind_source"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.area_id is None and self.case_id is not None:
            self.area_id = self.case.area_id
        super().save(*args, **kwargs)
        cases_next_clock_due_refresh(case_ids=[self.case_id])

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        case_id = self.case_id
        deleted = super().delete(*args, **kwargs)
        cases_next_clock_due_refresh(case_ids=[case_id])
        return deleted

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id, "case": self.case.reference}


class ClockSettings(models.Model):
    """An area's timescales (domain.md §4). One row per area, made with the defaults the first
    time it is needed; an administrator changes them on /staff/clocks/. A change applies to
    clocks started after it: a clock keeps the due date it was started with."""

    area = models.OneToOneField("areas.Area", on_delete=models.PROTECT, related_name="+")
    notification_hours = models.PositiveSmallIntegerField(
        default=24, help_text="Hours from the death to the first notification."
    )
    jar_hours = models.PositiveSmallIntegerField(
        default=48,
        help_text="Hours from the first notification to the end of the Joint Agency Response "
        "tasks, for unexpected deaths.",
    )
    cdrm_months = models.PositiveSmallIntegerField(
        default=3, help_text="Months from the death to the child death review meeting."
    )
    panel_months = models.PositiveSmallIntegerField(
        default=6, help_text="Months from the death to the panel's review."
    )
    safeguarding_notify_working_days = models.PositiveSmallIntegerField(
        default=5,
        help_text="Working days to notify the Child Safeguarding Practice Review Panel.",
    )
    safeguarding_rapid_review_working_days = models.PositiveSmallIntegerField(
        default=15, help_text="Working days to complete a Rapid Review."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "clock settings"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(notification_hours__gte=1)
                & models.Q(jar_hours__gte=1)
                & models.Q(cdrm_months__gte=1)
                & models.Q(panel_months__gte=1)
                & models.Q(safeguarding_notify_working_days__gte=1)
                & models.Q(safeguarding_rapid_review_working_days__gte=1),
                name="clock_settings_positive",
            )
        ]

    def __str__(self) -> str:
        return f"Clock settings for area {self.area_id}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


def cases_next_clock_due_refresh(
    *, case_ids: list[int] | None = None, area_id: int | None = None
) -> None:
    """Set Case.next_clock_due_at from the running clocks: for these cases, or every case of
    an area (after a bulk load). One UPDATE; a derived column, so no audit entry."""
    from cdop.cases.models import Case

    soonest = (
        Clock.objects.filter(case_id=models.OuterRef("pk"), stopped_at__isnull=True)
        .order_by()
        .values("case_id")
        .annotate(due=models.Min("due_at"))
        .values("due")
    )
    cases = Case.objects.all()
    if case_ids is not None:
        cases = cases.filter(pk__in=case_ids)
    if area_id is not None:
        cases = cases.filter(area_id=area_id)
    cases.update(next_clock_due_at=models.Subquery(soonest))
