"""The groups of deaths the surveillance dashboard watches, as data.

Each group is a test on one death (`Death`, below): what the dashboard counts in the recent
window and in the area's history. A death is a case of the area (not merged, transferred or
out of scope) or a notification still awaiting triage; the selectors build the `Death` rows,
and these rules decide only which groups each belongs to.

Each group says it twice, side by side: `test`, in Python, on one `Death` (the deaths behind
a signal, and the notifications told more than once); and `where`, the same test as a
condition on the columns the selectors give every death in SQL, named after Death's fields
(`age_years`, `age_days`, `unexpected`, `suspected_suicide`), so that the dashboard counts
in the database and no death travels to Python. The two must agree; a test compares them.

Suspected suicide or self-harm, in order:
1. the panel's category of death on the Analysis Form, when one is recorded: the category
   "suicide_self_harm" counts, any other category does not (the panel has decided);
2. otherwise an inquest concluded as suicide counts;
3. otherwise, for a child aged 10 or over, words in what the notifiers wrote (circumstances,
   place of death, the NCMD alert reason) that suggest it: SUSPECTED_SUICIDE_WORDS.
A recent death has no category yet (the panel meets months later), so the words are what an
early signal rests on; they err towards counting, and a screen is all they are.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

# The Analysis Form's category of death (cdop/analysis/reference/analysis_form_v1.json).
SUICIDE_CATEGORY_CODE = "suicide_self_harm"
# The same words the supplementary suicide or self-harm form is suggested on
# (cdop/formdefs/definitions/suicide-self-harm.json), and the same lower age.
SUSPECTED_SUICIDE_WORDS: tuple[str, ...] = (
    "suicide",
    "self-harm",
    "self harm",
    "hanging",
    "overdose",
    "ligature",
)
SUSPECTED_SUICIDE_MIN_AGE_YEARS = 10
# The notifiers' free text the words are looked for in.
SUSPECTED_SUICIDE_TEXT_FIELDS: tuple[str, ...] = (
    "circumstances",
    "place_of_death_detail",
    "ncmd_alert_reason",
)


def suspected_suicide_words_q() -> Q:
    """Notifications whose words suggest suicide or self-harm (any case, any database)."""
    condition = Q()
    for field in SUSPECTED_SUICIDE_TEXT_FIELDS:
        for word in SUSPECTED_SUICIDE_WORDS:
            condition |= Q(**{f"{field}__icontains": word})
    return condition


def age_in_years(born: datetime.date, died: datetime.date) -> int:
    """Completed years of life on the day of death."""
    return died.year - born.year - ((died.month, died.day) < (born.month, born.day))


@dataclass(frozen=True)
class Death:
    """One death as the dashboard counts it: no name, nothing that identifies the child."""

    date_of_death: datetime.date
    date_of_birth: datetime.date
    unexpected: bool
    category_code: str  # the panel's category of death, "" until recorded
    inquest_suicide: bool
    suicide_words: bool
    # Where the drill-down finds it: ("case", pk) or ("notification", pk).
    source: str
    source_pk: int

    @property
    def age_days(self) -> int:
        return (self.date_of_death - self.date_of_birth).days

    @property
    def age_years(self) -> int:
        return age_in_years(self.date_of_birth, self.date_of_death)

    @property
    def suspected_suicide(self) -> bool:
        if self.category_code:
            return self.category_code == SUICIDE_CATEGORY_CODE
        if self.inquest_suicide:
            return True
        return self.suicide_words and self.age_years >= SUSPECTED_SUICIDE_MIN_AGE_YEARS


@dataclass(frozen=True)
class WatchedGroup:
    code: str
    label: str  # the dashboard's row heading
    singular: str  # "1 infant death"
    plural: str  # "4 infant deaths"
    description: str  # how the group is decided, for the page's notes
    test: Callable[[Death], bool]
    # The same test in SQL over the selectors' columns (see above); None: every death.
    where: Q | None

    def count_words(self, count: int) -> str:
        """'4 infant deaths', 'No infant deaths', as the start of a sentence."""
        if count == 0:
            return f"No {self.plural}"
        return f"{count} {self.singular if count == 1 else self.plural}"


WATCHED_GROUPS: tuple[WatchedGroup, ...] = (
    WatchedGroup(
        "all",
        "All deaths",
        "death",
        "deaths",
        "Every death of a child under 18 the panel reviews.",
        lambda d: True,
        None,
    ),
    WatchedGroup(
        "infant",
        "Infants (under 1 year)",
        "infant death",
        "infant deaths",
        "Deaths before the first birthday.",
        lambda d: d.age_years < 1,
        Q(age_years__lt=1),
    ),
    WatchedGroup(
        "neonatal",
        "Neonates (under 28 days)",
        "neonatal death",
        "neonatal deaths",
        "Deaths in the first 27 days of life.",
        lambda d: d.age_days < 28,
        Q(age_days__lt=28),
    ),
    WatchedGroup(
        "child",
        "Children aged 1 to 17",
        "death of a child aged 1 to 17",
        "deaths of children aged 1 to 17",
        "Deaths from the first birthday to the eighteenth.",
        lambda d: d.age_years >= 1,
        Q(age_years__gte=1),
    ),
    WatchedGroup(
        "unexpected",
        "Unexpected deaths",
        "unexpected death",
        "unexpected deaths",
        "Deaths recorded on the case (or the notification awaiting triage) as unexpected.",
        lambda d: d.unexpected,
        Q(unexpected=True),
    ),
    WatchedGroup(
        "sudi_sudc",
        "Sudden unexpected deaths under 2 (SUDI and SUDC)",
        "sudden unexpected death under 2",
        "sudden unexpected deaths under 2",
        "Unexpected deaths before the second birthday.",
        lambda d: d.unexpected and d.age_years < 2,
        Q(unexpected=True, age_years__lt=2),
    ),
    WatchedGroup(
        "suicide",
        "Suspected suicide or self-harm",
        "death by suspected suicide or self-harm",
        "deaths by suspected suicide or self-harm",
        "The panel's category of death when recorded; otherwise an inquest's conclusion of "
        "suicide; otherwise, for a child aged 10 or over, the notifiers' words (suicide, "
        "self-harm, hanging, overdose, ligature).",
        lambda d: d.suspected_suicide,
        Q(suspected_suicide=True),
    ),
)

GROUPS_BY_CODE: dict[str, WatchedGroup] = {group.code: group for group in WATCHED_GROUPS}

# The recent windows a reader may choose, in days; and the history behind the expected count.
WINDOW_CHOICES: tuple[int, ...] = (30, 60, 90, 180)
DEFAULT_WINDOW_DAYS = 90
HISTORY_YEAR_CHOICES: tuple[int, ...] = (1, 2, 3, 5, 10)
DEFAULT_HISTORY_YEARS = 5
MIN_HISTORY_DAYS = 365
