from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class SurveillanceConfig(AppConfig):
    name = "cdop.surveillance"
    label = "surveillance"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from cdop.surveillance.models import SignalAlert

        if not auditlog.contains(SignalAlert):
            auditlog.register(SignalAlert)

        # The dashboard's tallies are kept (selectors.area_tally_kept): a write to what they
        # count forgets them.
        from cdop.analysis.models import Analysis
        from cdop.cases.models import Case
        from cdop.core.kept import kept_area_forgetter, kept_forget_on_writes
        from cdop.investigations.models import Inquest
        from cdop.notifications.models import Notification
        from cdop.surveillance.selectors import area_tally_forget

        kept_area_forgetter(area_tally_forget)
        kept_forget_on_writes(
            "surveillance", (Case, Notification, Inquest, Analysis), _forget_tally
        )


def _forget_tally(instance: Any) -> None:
    from cdop.surveillance.selectors import area_tally_forget

    if hasattr(instance, "area_id"):
        area_tally_forget(instance.area_id)
        return
    # An inquest or an Analysis Form: its case's area (the case is usually loaded already).
    if "case" in instance._state.fields_cache:
        area_tally_forget(instance.case.area_id)
        return
    from cdop.cases.models import Case

    area_tally_forget(
        Case.objects.filter(pk=instance.case_id).values_list("area_id", flat=True).first()
    )
