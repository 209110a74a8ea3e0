from __future__ import annotations

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cdop.notifications"
    label = "notifications"

    def ready(self) -> None:
        # The queue's duplicate hints are kept per area (cdop.notifications.selectors): a
        # write to a case or a notification of the area forgets them.
        from cdop.cases.models import Case
        from cdop.core.kept import kept_area_forgetter, kept_forget_on_writes
        from cdop.notifications.models import Notification
        from cdop.notifications.selectors import queue_bands_forget

        kept_area_forgetter(queue_bands_forget)
        kept_forget_on_writes(
            "queue_bands", (Case, Notification), lambda row: queue_bands_forget(row.area_id)
        )
