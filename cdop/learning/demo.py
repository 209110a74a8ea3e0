"""Demo learning themes: the demo cases the panel has reviewed are tagged with the themes
their review suggests (a few more by hand when there are too few), the public learning page
of the demo area is turned on, and one theme's words are approved for it. Idempotent: a
second run finds the tags and adds nothing. Synthetic words only."""

from __future__ import annotations

from typing import TextIO

from cdop.accounts.models import User
from cdop.areas.models import Area
from cdop.cases.models import Case
from cdop.learning import selectors, services
from cdop.learning.models import CaseTheme, Theme

MANAGER = "manager@demo.invalid"
MAX_CASES = 12
MIN_TAGGED = 4
# Themes for reviewed cases whose review suggests none, in turn, until MIN_TAGGED are tagged.
FALLBACK = ("access-to-services", "bereavement-support", "water-safety", "road-safety")
NOTE = "Agreed at the panel."
SAFE_SLEEP_TEXT = """\
Several of the deaths the panel reviewed were of babies who died while sharing a sofa or an
adult bed, often after the family's circumstances had changed.

## What we learned

- Safer sleep advice is usually given when a baby is born, but rarely repeated later.
- Families are most at risk when their routine changes: a house move, a visit to relatives,
  an illness.

## What partners are doing

- Health visitors now repeat safer sleep advice at every contact in the first year.
- The local safer sleep campaign includes the risks of sleeping with a baby on a sofa.

Advice for families: [The Lullaby Trust](https://www.lullabytrust.org.uk/safer-sleep-advice/).
"""


def demo_learning(stdout: TextIO) -> None:
    area = Area.objects.filter(slug="llr").first()
    manager = User.objects.filter(email=MANAGER).first()
    if area is None or manager is None:
        stdout.write("Demo learning themes: no demo area or manager yet, nothing added.\n")
        return
    if CaseTheme.objects.filter(area=area, tagged_by=manager).exists():
        stdout.write("Demo learning themes: already loaded.\n")
        return
    cases = list(
        Case.objects.filter(area=area, status__in=selectors.REVIEWED_STATUSES).order_by("pk")[
            :MAX_CASES
        ]
    )
    if not cases:
        stdout.write("Demo learning themes: no reviewed demo cases, nothing added.\n")
        return
    themes = list(selectors.themes_for_area(area_id=area.pk))
    fallback = [t for slug in FALLBACK for t in themes if t.slug == slug]
    tagged = 0
    for case in cases:
        chosen = [s.theme.pk for s in selectors.case_suggestions(case=case, themes=themes)][:2]
        if not chosen and tagged < MIN_TAGGED and fallback:
            chosen = [fallback[tagged % len(fallback)].pk]
        if chosen:
            services.case_themes_set(case=case, by=manager, theme_ids=chosen, note=NOTE)
            tagged += 1
    services.public_learning_switch(area=area, by=manager, enabled=True)
    safe_sleep = Theme.objects.filter(area__isnull=True, slug="safe-sleep").first()
    if safe_sleep is not None:
        services.public_text_approve(area=area, theme=safe_sleep, by=manager, text=SAFE_SLEEP_TEXT)
    stdout.write(
        f"Demo learning themes: {tagged} reviewed cases tagged; the public learning page "
        f"is on at /{area.slug}/learning/ with approved words for safe sleep.\n"
    )
