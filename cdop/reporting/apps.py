from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ReportingConfig(AppConfig):
    name = "cdop.reporting"
    label = "reporting"

    def ready(self) -> None:
        # The statistics are kept (selectors.statistics_for_area): a write to what they count
        # forgets them.
        from cdop.cases.models import Case
        from cdop.notifications.models import Notification

        for model in (Case, Notification):
            for signal, uid in ((post_save, "save"), (post_delete, "delete")):
                signal.connect(
                    _forget_statistics,
                    sender=model,
                    dispatch_uid=f"reporting_statistics_{uid}_{model.__name__}",
                )


def _forget_statistics(sender: Any, *, instance: Any, **kwargs: Any) -> None:
    from cdop.reporting.selectors import statistics_forget

    statistics_forget(instance.area_id)
