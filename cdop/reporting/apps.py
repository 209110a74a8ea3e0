from __future__ import annotations

from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "cdop.reporting"
    label = "reporting"

    def ready(self) -> None:
        from cdop.cases.models import Case
        from cdop.core.kept import kept_area_forgetter, kept_forget_on_writes
        from cdop.notifications.models import Notification
        from cdop.reporting.selectors import statistics_forget

        # The statistics are kept (selectors.statistics_for_area): a write to what they
        # count forgets them.
        kept_area_forgetter(statistics_forget)
        kept_forget_on_writes(
            "statistics", (Case, Notification), lambda row: statistics_forget(row.area_id)
        )
