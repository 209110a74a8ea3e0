"""What the daily surveillance check sent: one row per alert, so that each group's alert
goes once per window, and so that anyone can see later what the managers were told."""

from __future__ import annotations

from typing import Any

from django.db import models


class SignalAlert(models.Model):
    """A group of deaths turned red (unusual) in an area, and its CDR managers were emailed.

    Holds the figures only: no case, no child. The next alert for the same group and window
    length waits until this one's window has passed."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    group = models.CharField(max_length=32)  # a code of rules.WATCHED_GROUPS
    window_days = models.PositiveSmallIntegerField()
    window_end = models.DateField()
    observed = models.PositiveIntegerField()
    expected = models.FloatField()
    p_value = models.FloatField()
    history_days = models.PositiveIntegerField()
    recipients = models.PositiveSmallIntegerField(help_text="How many managers were emailed.")
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "group", "window_days", "window_end"],
                name="signal_alert_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group} in {self.window_days} days to {self.window_end}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}
