"""Give the finalised synthetic cases of an area what the panel would have recorded.

`manage.py generate_synthetic` makes cases in every status, but no Analysis Form, no learning
themes and no actions, and its notifications leave ethnicity and residence unrecorded. This
command fills those in for the annual report's demo and benchmark, with realistic shares
(domain.md §5 and §7):

* every finalised case without an analysis gets a complete one: a category of death that
  fits the child's age (about 4 in 10 perinatal or neonatal overall), modifiable factors in
  about 3 in 10 (more for sudden unexpected deaths, trauma and suicide; fewer for
  malignancy and congenital anomalies), one to four factors from a list of realistic wording;
* about 6 in 10 of them are tagged with a learning theme suggested for their category;
* each review with modifiable factors gets an action or two, done or dropped if old;
* notifications of the area still saying "not known" get an ethnicity and the council where
  the child lived.

Deterministic for a seed (each case draws from its own generator seeded by the seed and its
reference), safe to run again (a case with an analysis is left alone), bulk inserts in
batches. Never in production.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cdop.accounts.models import Membership, Role, User
from cdop.actions.models import Action, ActionStatus
from cdop.analysis.models import Analysis, CategoryOfDeath, Factor, FactorDomain
from cdop.analysis.selectors import form_version_current
from cdop.areas.models import Area, LocalAuthority
from cdop.cases.models import Case, Expectedness
from cdop.cases.workflow import Status
from cdop.notifications.models import Notification
from cdop.notifications.reference import Ethnicity

BATCH_SIZE = 1000

# Category of death by age (codes of cdop/analysis/reference), weights out of 100.
CATEGORIES_INFANT = {
    "perinatal_neonatal": 55,
    "chromosomal_genetic_congenital": 24,
    "sudden_unexpected_unexplained": 8,
    "infection": 5,
    "acute_medical_surgical": 4,
    "chronic_medical": 2,
    "deliberate_injury": 1,
    "trauma_external": 1,
}
CATEGORIES_CHILD = {
    "malignancy": 16,
    "chronic_medical": 14,
    "acute_medical_surgical": 14,
    "trauma_external": 14,
    "chromosomal_genetic_congenital": 12,
    "infection": 9,
    "suicide_self_harm": 10,
    "deliberate_injury": 4,
    "sudden_unexpected_unexplained": 4,
    "perinatal_neonatal": 3,
}
# Chance that the panel finds modifiable factors, by category.
MODIFIABLE_CHANCE = {
    "sudden_unexpected_unexplained": 0.6,
    "trauma_external": 0.6,
    "suicide_self_harm": 0.55,
    "deliberate_injury": 0.7,
    "infection": 0.35,
    "acute_medical_surgical": 0.3,
    "perinatal_neonatal": 0.28,
    "chronic_medical": 0.15,
    "chromosomal_genetic_congenital": 0.1,
    "malignancy": 0.08,
}
INSUFFICIENT_CHANCE = 0.05
FACTOR_WORDING = {
    "child": [
        "Born extremely preterm",
        "Low birth weight",
        "Pre-existing neurodisability",
        "Known mental health difficulties",
        "Long-term condition not well controlled",
    ],
    "family_social": [
        "Smoking in pregnancy",
        "Smoking in the household",
        "Parental substance misuse",
        "Domestic abuse in the household",
        "Late booking for antenatal care",
        "Maternal obesity",
        "Consanguineous parents",
    ],
    "physical_environment": [
        "Unsafe sleeping arrangements",
        "Overcrowded housing",
        "Damp and mould in the home",
        "Unsupervised access to water",
        "Road with no safe crossing",
    ],
    "service_provision": [
        "Delay in recognising the deteriorating child",
        "No interpreter offered",
        "Safe sleep advice not given",
        "Poor communication between agencies",
        "Delay in access to mental health services",
        "Missed opportunity for safety-netting advice",
    ],
}
ETHNICITY_SHARES = {
    Ethnicity.WHITE_BRITISH: 55,
    Ethnicity.WHITE_OTHER: 5,
    Ethnicity.WHITE_IRISH: 1,
    Ethnicity.WHITE_GYPSY: 1,
    Ethnicity.MIXED_WHITE_CARIBBEAN: 2,
    Ethnicity.MIXED_WHITE_ASIAN: 2,
    Ethnicity.MIXED_OTHER: 2,
    Ethnicity.ASIAN_INDIAN: 12,
    Ethnicity.ASIAN_PAKISTANI: 3,
    Ethnicity.ASIAN_BANGLADESHI: 1,
    Ethnicity.ASIAN_OTHER: 2,
    Ethnicity.BLACK_AFRICAN: 4,
    Ethnicity.BLACK_CARIBBEAN: 1,
    Ethnicity.OTHER_ARAB: 1,
    Ethnicity.OTHER_ANY: 1,
    Ethnicity.NOT_KNOWN: 7,
}
# Councils of the demo area by share of its children; any other area shares equally.
COUNCIL_SHARES = {"E06000016": 38, "E10000018": 57, "E06000017": 5}
THEME_CHANCE = 0.6
ACTION_OWNERS = ("Synthetic Health Trust", "Synthetic County Council", "Synthetic ICB")


@dataclass
class Summary:
    analyses: int = 0
    factors: int = 0
    themes: int = 0
    actions: int = 0
    notifications: int = 0


def _pick(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _age_years(born: dt.date, died: dt.date) -> int:
    return died.year - born.year - ((died.month, died.day) < (born.month, born.day))


def _analyst(area: Area) -> User:
    """Who the synthetic analyses are recorded by: a synthetic panel administrator."""
    user, _ = User.objects.get_or_create(
        email=f"panel.{area.slug}@synthetic.invalid",
        defaults={"full_name": "Synthetic Panel (synthetic)", "password": make_password(None)},
    )
    Membership.objects.get_or_create(user=user, area=area, role=Role.CDR_MANAGER)
    return user


def _batches(query: Any) -> Iterator[list[dict[str, Any]]]:
    last = 0
    while True:
        batch = list(query.filter(pk__gt=last).order_by("pk")[:BATCH_SIZE])
        if not batch:
            return
        yield batch
        last = batch[-1]["pk"]


def synthetic_analyses(*, area: Area, seed: int) -> Summary:
    """Analyses, factors, themes and actions for the area's finalised cases that have none."""
    from cdop.learning.models import CaseTheme, Theme

    summary = Summary()
    version = form_version_current()
    categories = {c.code: c for c in CategoryOfDeath.objects.filter(form_version=version)}
    domains = {d.code: d for d in FactorDomain.objects.filter(form_version=version)}
    themes_for: dict[str, list[int]] = {}
    for theme in Theme.objects.filter(active=True, area__isnull=True):
        for code in theme.suggested_for:
            themes_for.setdefault(code, []).append(theme.pk)
    analyst = _analyst(area)
    query = Case.objects.filter(
        area=area, status=Status.FINALISED, finalised_at__isnull=False, analysis__isnull=True
    ).values(
        "pk", "reference", "child_date_of_birth", "date_of_death", "expectedness", "finalised_at"
    )
    for batch in _batches(query):
        with transaction.atomic():
            analyses: list[Analysis] = []
            plans: list[tuple[random.Random, dict[str, Any], str, Any]] = []
            for case in batch:
                rng = random.Random(f"analysis-{seed}-{case['reference']}")  # noqa: S311
                years = _age_years(case["child_date_of_birth"], case["date_of_death"])
                code = _pick(rng, CATEGORIES_INFANT if years < 1 else CATEGORIES_CHILD)
                if code == "suicide_self_harm" and years < 10:
                    code = "trauma_external"
                draw = rng.random()
                if draw < INSUFFICIENT_CHANCE:
                    modifiable = Analysis.Modifiable.INSUFFICIENT
                elif draw < INSUFFICIENT_CHANCE + MODIFIABLE_CHANCE[code]:
                    modifiable = Analysis.Modifiable.YES
                else:
                    modifiable = Analysis.Modifiable.NO
                if categories[code].requires_unexpected:
                    agreed = Analysis.Expectedness.UNEXPECTED
                elif case["expectedness"] == Expectedness.UNEXPECTED:
                    agreed = (
                        Analysis.Expectedness.UNEXPECTED
                        if rng.random() < 0.9
                        else Analysis.Expectedness.EXPECTED
                    )
                else:
                    agreed = (
                        Analysis.Expectedness.EXPECTED
                        if rng.random() < 0.9
                        else Analysis.Expectedness.UNEXPECTED
                    )
                finalised: dt.datetime = case["finalised_at"]
                completed = finalised - dt.timedelta(days=rng.randint(1, 20))
                started = completed - dt.timedelta(days=rng.randint(10, 120))
                analyses.append(
                    Analysis(
                        case_id=case["pk"],
                        form_version=version,
                        status=Analysis.Status.COMPLETE,
                        modifiable=modifiable,
                        category=categories[code],
                        cause_of_death="Synthetic cause of death.",
                        learning_points="Synthetic learning for the demo.",
                        expectedness=agreed,
                        created_at=started,
                        created_by=analyst,
                        updated_at=completed,
                        updated_by=analyst,
                        completed_at=completed,
                        completed_by=analyst,
                    )
                )
                plans.append((rng, case, code, modifiable))
            Analysis.objects.bulk_create(analyses, batch_size=BATCH_SIZE)
            if any(a.pk is None for a in analyses):  # a database that returns no ids
                ids = dict(
                    Analysis.objects.filter(case_id__in=[c["pk"] for c in batch]).values_list(
                        "case_id", "pk"
                    )
                )
                for analysis in analyses:
                    analysis.pk = ids[analysis.case_id]
            factors: list[Factor] = []
            tags: list[CaseTheme] = []
            actions: list[Action] = []
            for analysis, (rng, case, code, modifiable) in zip(analyses, plans, strict=True):
                chosen = rng.sample(list(domains), k=rng.randint(1, 4))
                for position, domain_code in enumerate(chosen, start=1):
                    makes_modifiable = modifiable == Analysis.Modifiable.YES and (
                        position == 1 or rng.random() < 0.3
                    )
                    grade = 2 if makes_modifiable else rng.choice((0, 1, 1, 2))
                    factors.append(
                        Factor(
                            analysis_id=analysis.pk,
                            domain=domains[domain_code],
                            position=position,
                            description=rng.choice(FACTOR_WORDING.get(domain_code, ["Other"])),
                            grade=grade,
                            modifiable=makes_modifiable,
                        )
                    )
                suggested = themes_for.get(code, [])
                if suggested and rng.random() < THEME_CHANCE:
                    for theme_id in rng.sample(suggested, k=min(len(suggested), rng.randint(1, 2))):
                        tags.append(
                            CaseTheme(
                                case_id=case["pk"],
                                theme_id=theme_id,
                                area_id=area.pk,
                                tagged_by=analyst,
                                tagged_at=case["finalised_at"],
                            )
                        )
                if modifiable == Analysis.Modifiable.YES:
                    actions += _actions(rng, area, case, analyst)
            Factor.objects.bulk_create(factors, batch_size=BATCH_SIZE)
            CaseTheme.objects.bulk_create(tags, batch_size=BATCH_SIZE)
            Action.objects.bulk_create(actions, batch_size=BATCH_SIZE)
            summary.analyses += len(analyses)
            summary.factors += len(factors)
            summary.themes += len(tags)
            summary.actions += len(actions)
    summary.notifications = _notification_details(area=area, seed=seed)
    return summary


def _actions(rng: random.Random, area: Area, case: dict[str, Any], analyst: User) -> list[Action]:
    finalised: dt.datetime = case["finalised_at"]
    found = []
    for _ in range(rng.choice((1, 1, 2))):
        due = finalised.date() + dt.timedelta(days=rng.randint(60, 240))
        age_days = (timezone.localdate() - finalised.date()).days
        if age_days > 365:
            status = _pick(
                rng, {ActionStatus.DONE: 80, ActionStatus.DROPPED: 8, ActionStatus.IN_PROGRESS: 12}
            )
        else:
            status = _pick(
                rng, {ActionStatus.OPEN: 40, ActionStatus.IN_PROGRESS: 35, ActionStatus.DONE: 25}
            )
        closed = None
        if status in (ActionStatus.DONE, ActionStatus.DROPPED):
            closed = due + dt.timedelta(days=rng.randint(-50, 40))
        found.append(
            Action(
                case_id=case["pk"],
                area_id=area.pk,
                description="Synthetic action agreed by the panel.",
                category="Synthetic",
                owner_name=rng.choice(ACTION_OWNERS),
                owner_email="actions@synthetic.invalid",
                due_on=due,
                status=status,
                closed_on=closed,
                evidence="Synthetic evidence of the action done." if closed else "",
                created_at=finalised,
                created_by=analyst,
                updated_at=finalised,
            )
        )
    return found


def _notification_details(*, area: Area, seed: int) -> int:
    """Ethnicity and council for the area's notifications that have neither."""
    councils = list(
        LocalAuthority.objects.filter(area=area, tier=LocalAuthority.Tier.UPPER).values_list(
            "ons_code", flat=True
        )
    )
    weights = {code: COUNCIL_SHARES.get(code, 1) for code in councils}
    query = Notification.objects.filter(
        area=area, child_ethnicity=Ethnicity.NOT_KNOWN, residence_upper_code=""
    ).values("pk", "reference")
    changed = 0
    for batch in _batches(query):
        rows = []
        for row in batch:
            rng = random.Random(f"notification-{seed}-{row['reference']}")  # noqa: S311
            ethnicity = _pick(rng, ETHNICITY_SHARES)
            council = _pick(rng, weights) if weights else ""
            rows.append(
                Notification(
                    pk=row["pk"],
                    child_ethnicity=ethnicity,
                    residence_upper_code=council,
                    residence_area_id=area.pk if council else None,
                )
            )
        with transaction.atomic():
            Notification.objects.bulk_update(
                rows,
                ["child_ethnicity", "residence_upper_code", "residence_area"],
                batch_size=BATCH_SIZE,
            )
        changed += len(rows)
    return changed


class Command(BaseCommand):
    help = (
        "Give the area's finalised synthetic cases an Analysis Form, learning themes and "
        "actions, and their notifications an ethnicity and council. Never use in production."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1)")
        parser.add_argument("--area", default="llr", help="Slug of the area (default llr)")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("Synthetic data is never generated in production.")
        area = Area.objects.filter(slug=options["area"]).first()
        if area is None:
            known = ", ".join(Area.objects.order_by("slug").values_list("slug", flat=True))
            raise CommandError(
                f"There is no area with the slug “{options['area']}”. "
                f"Known areas: {known or 'none'}."
            )
        started = time.perf_counter()
        summary = synthetic_analyses(area=area, seed=options["seed"])
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Added {summary.analyses} synthetic analyses ({summary.factors} factors, "
                f"{summary.themes} learning themes, {summary.actions} actions) and details to "
                f"{summary.notifications} notifications in {area.short_name} in "
                f"{time.perf_counter() - started:.1f} s [seed {options['seed']}]."
            )
