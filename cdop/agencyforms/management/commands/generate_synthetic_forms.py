"""Synthetic agency directory and Reporting Form requests for the benchmark and demos.

For the existing cases of an area (made by `generate_synthetic`), adds a synthetic directory
(organisations of every kind, two contacts each) and about three requests per case: returned,
withdrawn, started or waiting, some overdue, some chased. Deterministic for a seed and a day;
cases that already have requests are left alone, so running it again adds only what is new.
Rows go in with executemany (like generate_synthetic), bypassing the audit log's signals,
which is right for synthetic data.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from cdop.accounts.models import Membership, Role
from cdop.agencies.models import AgencyContact, Organisation
from cdop.agencyforms.models import Chase, FormRequest, RequestedForm
from cdop.areas.models import Area
from cdop.cases.models import Case

# The fast insert of generate_synthetic (executemany with the model's defaults).
from cdop.core.management.commands.generate_synthetic import _insert, refresh_planner_statistics
from cdop.formdefs.models import FormDefinition

ORGANISATIONS_PER_KIND = 5
SURNAMES = ("Archer", "Bennett", "Chowdhury", "Dlamini", "Evans", "Fischer", "Gupta", "Hughes")


def _directory(area: Area) -> list[tuple[int, int]]:
    """The synthetic organisations and contacts (made once): (organisation id, contact id)."""
    existing = list(
        AgencyContact.objects.filter(
            organisation__area=area, email__endswith="@synthetic-agency.invalid"
        ).values_list("organisation_id", "pk")
    )
    if existing:
        return sorted(existing, key=lambda pair: pair[1])
    n = 0
    for kind, label in Organisation.Kind.choices:
        for i in range(ORGANISATIONS_PER_KIND):
            organisation = Organisation.objects.create(
                area=area, name=f"Synthetic {label.split(' (')[0]} {i + 1}", kind=kind
            )
            for _ in range(2):
                n += 1
                AgencyContact.objects.create(
                    organisation=organisation,
                    name=f"Contact {SURNAMES[n % len(SURNAMES)]} {n}",
                    job_title="Safeguarding lead",
                    email=f"contact{n}.{area.slug}@synthetic-agency.invalid",
                )
    return _directory(area)


def synthetic_forms_generate(*, area: Area, per_case: int, seed: int, today: dt.date) -> int:
    """Add requests to the area's cases that have none; the number of requests made."""
    rng = random.Random(f"{seed}-{today.isoformat()}")  # noqa: S311 - synthetic data
    # A CDR manager of the area asks; else anyone in it (the synthetic key workers).
    members = Membership.objects.filter(area=area).order_by("pk")
    requester = (
        members.filter(role=Role.CDR_MANAGER).values_list("user_id", flat=True).first()
        or members.values_list("user_id", flat=True).first()
    )
    if requester is None:
        raise CommandError(f"{area.name} has nobody to make the requests: run generate_synthetic.")
    contacts = _directory(area)
    core = (
        FormDefinition.objects.filter(kind=FormDefinition.Kind.CORE, published_at__isnull=False)
        .order_by("-version")
        .values_list("pk", flat=True)
        .first()
    )
    cases = list(
        Case.objects.filter(area=area)
        .exclude(pk__in=FormRequest.objects.values("case_id"))
        .order_by("pk")
        .values_list("pk", "opened_at", "finalised_at")
    )
    now = timezone.now()
    requests: list[dict[str, Any]] = []
    for case_id, opened_at, finalised_at in cases:
        count = max(1, min(len(contacts), round(rng.gauss(per_case, 0.8))))
        for organisation_id, contact_id in rng.sample(contacts, count):
            requested_at = min(opened_at + dt.timedelta(days=rng.randint(1, 15)), now)
            due_on = timezone.localdate(requested_at) + dt.timedelta(days=28)
            roll = rng.random()
            row: dict[str, Any] = {
                "case_id": case_id,
                "area_id": area.pk,
                "contact_id": contact_id,
                "organisation_id": organisation_id,
                "requested_at": requested_at,
                "requested_by_id": requester,
                "due_on": due_on,
                "status": FormRequest.Status.REQUESTED,
            }
            returned_at = requested_at + dt.timedelta(days=rng.randint(5, 70))
            if roll < 0.04:
                row.update(status=FormRequest.Status.REVOKED, revoked_at=returned_at)
                row["revoked_by_id"] = requester
            elif (finalised_at is not None or roll < 0.7) and returned_at < now:
                row.update(
                    status=FormRequest.Status.SUBMITTED,
                    first_opened_at=requested_at + dt.timedelta(days=2),
                    submitted_at=returned_at,
                )
            elif roll < 0.85:
                row.update(
                    status=FormRequest.Status.IN_PROGRESS,
                    first_opened_at=min(requested_at + dt.timedelta(days=3), now),
                )
            still_open = row["status"] in (
                FormRequest.Status.REQUESTED,
                FormRequest.Status.IN_PROGRESS,
            )
            if still_open and due_on < today:
                row["last_chased_at"] = timezone.make_aware(dt.datetime.combine(due_on, dt.time(7)))
            requests.append(row)
    with transaction.atomic():
        _insert(FormRequest, requests)
        made = list(
            FormRequest.objects.filter(case_id__in=[c[0] for c in cases]).values_list(
                "pk", "due_on", "status", "last_chased_at"
            )
        )
        if core is not None:
            # bulk_create, not _insert: the answers are JSON, which needs the field's adapter.
            RequestedForm.objects.bulk_create(
                [RequestedForm(request_id=pk, definition_id=core) for pk, *_ in made],
                batch_size=2000,
            )
        _insert(
            Chase,
            [
                {"request_id": pk, "kind": Chase.Kind.ON_DUE, "sent_at": chased}
                for pk, _, _, chased in made
                if chased is not None
            ],
        )
    return len(requests)


class Command(BaseCommand):
    help = "Add a synthetic agency directory and about three Reporting Form requests per case."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--area", default="llr")
        parser.add_argument("--per-case", type=float, default=3.0)
        parser.add_argument("--seed", type=int, default=5)

    def handle(self, *args: Any, **options: Any) -> None:
        area = Area.objects.filter(slug=options["area"]).first()
        if area is None:
            raise CommandError(f"No area with the slug {options['area']!r}.")
        started = time.monotonic()
        made = synthetic_forms_generate(
            area=area,
            per_case=options["per_case"],
            seed=options["seed"],
            today=timezone.localdate(),
        )
        if made:
            refresh_planner_statistics((FormRequest, RequestedForm, Chase))
        self.stdout.write(
            f"Added {made} requests to {area.name} in {time.monotonic() - started:.1f} s."
        )
