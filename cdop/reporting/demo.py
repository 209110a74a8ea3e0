"""The annual report's demo data: the demo area's finalised synthetic cases get what the
panel recorded (categories, modifiable factors, learning themes, actions), so the report has
figures to show. Idempotent: cases that already have an analysis are left alone."""

from __future__ import annotations

from typing import TextIO

from cdop.analysis.management.commands.generate_synthetic_analyses import synthetic_analyses
from cdop.areas.models import Area


def demo_reporting(stdout: TextIO) -> None:
    area = Area.objects.filter(slug="llr").first()
    if area is None:
        return
    summary = synthetic_analyses(area=area, seed=1)
    if summary.analyses or summary.notifications:
        stdout.write(
            f"Annual report: {summary.analyses} finalised demo cases given an analysis, "
            f"{summary.notifications} notifications an ethnicity and council.\n"
        )
