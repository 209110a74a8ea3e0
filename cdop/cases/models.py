from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse

from cdop.cases.workflow import REVIEW_LINE, Status
from cdop.core.crypto import INDEX_LENGTH, child_identity, nhs_number_spaced
from cdop.core.fields import BlindIndexed, BlindIndexField, EncryptedCharField


class Sex(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    INDETERMINATE = "indeterminate", "Indeterminate"
    NOT_KNOWN = "not_known", "Not known"


class Expectedness(models.TextChoices):
    EXPECTED = "expected", "Expected"
    UNEXPECTED = "unexpected", "Unexpected"
    NOT_KNOWN = "not_known", "Not known yet"


class ChildDeath(BlindIndexed, models.Model):
    """Who the child was and when they died: the details a notification brings and a case
    keeps. One definition, so the two cannot drift apart.

    The names, NHS number and postcode are encrypted at rest (cdop.core.fields); the NHS
    number is matched through its blind index, child_nhs_number_index."""

    child_first_name = EncryptedCharField(max_length=100)
    child_last_name = EncryptedCharField(max_length=100)
    child_date_of_birth = models.DateField()
    child_sex = models.CharField(max_length=16, choices=Sex.choices)
    child_nhs_number = EncryptedCharField(max_length=10, blank=True)
    child_nhs_number_index = BlindIndexField(source="child_nhs_number", kind="nhs_number")
    child_postcode = EncryptedCharField(max_length=8, blank=True)
    date_of_death = models.DateField()
    expectedness = models.CharField(
        max_length=12, choices=Expectedness.choices, default=Expectedness.NOT_KNOWN
    )
    # The dates of birth and death, the sex and the first initial, as one blind index: how
    # surveillance tells a death notified twice from twins without an NHS number, now that
    # the first name is encrypted (crypto.child_identity).
    child_identity_index = BlindIndexField(
        source="child_identity",
        kind="child_identity",
        depends_on=("child_first_name", "child_date_of_birth", "date_of_death", "child_sex"),
    )

    class Meta:
        abstract = True

    @property
    def child_name(self) -> str:
        return f"{self.child_first_name} {self.child_last_name}"

    @property
    def child_nhs_number_spaced(self) -> str:
        """The NHS number as staff read it everywhere ("999 000 0018"), or "" when not known."""
        return nhs_number_spaced(self.child_nhs_number)

    @property
    def child_identity(self) -> str:
        return child_identity(
            first_name=self.child_first_name,
            date_of_birth=self.child_date_of_birth,
            date_of_death=self.date_of_death,
            sex=self.child_sex,
        )


class Case(ChildDeath):
    """The review of one child's death, from notification to finalisation."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="cases")
    reference = models.CharField(max_length=24, unique=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NOTIFIED)
    status_changed_at = models.DateTimeField()

    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    finalised_at = models.DateTimeField(null=True, blank=True)
    # Set when a finalised review is reopened: what NCMD holds is out of date. The export to
    # the national database (issue 7) clears it when it sends the case again.
    ncmd_resend_needed = models.BooleanField(default=False)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases"
    )
    # The family's key worker. A user whose only role in the area is key worker reads only
    # the cases they are assigned to (permissions.can_view_case).
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="key_worker_cases",
    )
    # Search keys, derived from the names (cdop.cases.search): blind indexes (HMAC, never
    # the name itself) of the name normalised as the duplicate finder does (no case,
    # accents, hyphens or spaces), of its phonetic key and of its first three letters, so a
    # tolerant name search is an index lookup. Filled by save(); bulk loaders call
    # case_search_keys_fill.
    search_first_name = models.CharField(max_length=32, blank=True, editable=False)
    search_last_name = models.CharField(max_length=32, blank=True, editable=False)
    search_first_sound = models.CharField(max_length=32, blank=True, editable=False)
    search_last_sound = models.CharField(max_length=32, blank=True, editable=False)
    search_first_prefix = models.CharField(max_length=32, blank=True, editable=False)
    search_last_prefix = models.CharField(max_length=32, blank=True, editable=False)
    # The status's place in STAGE_ORDER, kept by save(), so the list sorted by stage reads
    # an index instead of sorting every case by an expression.
    stage_position = models.PositiveSmallIntegerField(default=0, editable=False)
    # When the soonest of the case's running clocks (any kind) falls due; none running: null.
    # Kept by cdop.clocks (every clock is saved through Clock.save), so that the list's
    # timescale filter ("overdue", "due soon", "on time") is a comparison on an index
    # rather than a look through every running clock of the area for each page.
    next_clock_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [
            # The case list: newest first, ties broken by id, read straight off the index.
            models.Index(fields=["area", "-opened_at", "-id"], name="case_area_opened_id"),
            # Surveillance counts the area's deaths by date of death, status, age and
            # expectedness: every column it reads is here, so the count never reads the table.
            models.Index(
                fields=[
                    "area",
                    "date_of_death",
                    "status",
                    "child_date_of_birth",
                    "expectedness",
                    "id",
                ],
                name="case_area_death_counted",
            ),
            # Surveillance tells a death notified twice by this blind index (the dates of birth
            # and death, the sex and the first initial) when there is no NHS number.
            models.Index(fields=["area", "child_identity_index"], name="case_area_identity"),
            # NCMD's re-send list: the area's reopened cases, off the index (cdop.ncmd.selectors).
            models.Index(
                fields=["area", "reference"],
                condition=models.Q(ncmd_resend_needed=True),
                name="case_area_ncmd_resend",
            ),
            # Data quality's scope (open stages, finalised in the last year), off the index alone.
            models.Index(
                fields=["area", "status", "finalised_at", "opened_at"],
                name="case_area_status_finalised",
            ),
            # By stage, newest first; the soonest clock's due time at the end, so that the
            # list filtered by stage and timescale ("overdue") is checked off the index and
            # only the page's rows are read (the newest cases are seldom overdue: without it,
            # SQLite read some 600 rows to find a page of 50 at 20,000 cases).
            models.Index(
                fields=["area", "status", "-opened_at", "-id", "next_clock_due_at"],
                name="case_area_status_opened_due",
            ),
            models.Index(fields=["area", "finalised_at"], name="case_area_finalised"),
            # Search (cdop.cases.selectors): each key of a name is an equality on these.
            models.Index(fields=["area", "search_last_name"], name="case_area_last_name"),
            models.Index(fields=["area", "search_first_name"], name="case_area_first_name"),
            models.Index(fields=["area", "search_last_sound"], name="case_area_last_sound"),
            models.Index(fields=["area", "search_first_sound"], name="case_area_first_sound"),
            models.Index(fields=["area", "search_last_prefix"], name="case_area_last_prefix"),
            models.Index(fields=["area", "search_first_prefix"], name="case_area_first_prefix"),
            models.Index(fields=["area", "child_nhs_number_index"], name="case_area_nhs_number"),
            # Duplicate hints on the notification queue look cases up by date of birth, and
            # for a notification with an NHS number only those without one (duplicates.py).
            models.Index(
                fields=["area", "child_date_of_birth", "child_nhs_number_index"],
                name="case_area_dob_nhs_number",
            ),
            models.Index(fields=["area", "date_of_death", "id"], name="case_area_death_id"),
            # A year of deaths listed newest first: its page's ids are picked from this index
            # alone (selectors.LateRows), and only those fifty rows are read.
            models.Index(
                fields=["area", "date_of_death", "opened_at", "id"], name="case_area_death_opened"
            ),
            models.Index(
                fields=["area", "stage_position", "-opened_at", "-id"], name="case_area_stage"
            ),
            # The timescale filter's counts, with and without a stage.
            models.Index(fields=["area", "next_clock_due_at"], name="case_area_next_due"),
            models.Index(
                fields=["area", "status", "next_clock_due_at"], name="case_area_status_next_due"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(date_of_death__gte=models.F("child_date_of_birth")),
                name="case_death_not_before_birth",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=Status.FINALISED) | models.Q(finalised_at__isnull=False),
                name="case_finalised_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The search keys are derived data, like an index: refreshed on every save so that no
        # path that writes a name (a service, the admin, a factory) can leave them stale.
        from cdop.cases.search import case_name_starts_write, case_search_keys_fill

        adding, keys_before = self._state.adding, (self.search_first_name, self.search_last_name)
        case_search_keys_fill(case=self)
        self.stage_position = stage_position(self.status)
        if not self._state.adding and kwargs.get("update_fields") is None:
            # next_clock_due_at belongs to cdop.clocks, which writes it straight to the row:
            # a case read before a clock changed must not put the old value back.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "next_clock_due_at"
            ]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            extra: set[str] = set()
            if {"child_first_name", "child_last_name"} & set(update_fields):
                extra |= set(SEARCH_KEY_FIELDS)
            if "status" in update_fields:
                extra.add("stage_position")
            kwargs["update_fields"] = {*update_fields, *extra}
        # The name-start rows (CaseNameStart) are rewritten only when a name's keys changed:
        # a status change saves the case often and should not rewrite a dozen rows each time.
        names_written = update_fields is None or bool(
            {"child_first_name", "child_last_name"} & set(update_fields)
        )
        keys_after = (self.search_first_name, self.search_last_name)
        if not (adding or (names_written and keys_after != keys_before)):
            super().save(*args, **kwargs)
            return
        with transaction.atomic():
            super().save(*args, **kwargs)
            case_name_starts_write(cases=[self], replace=not adding)

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", kwargs={"reference": self.reference})

    def blind_indexes_refresh(self) -> list[str]:
        """Recompute the name search keys (rotate_field_keys --blind-index); their names."""
        from cdop.cases.search import case_search_keys_fill

        case_search_keys_fill(case=self)
        return list(SEARCH_KEY_FIELDS)

    @classmethod
    def blind_index_rows_refresh(cls, cases: Sequence[Case]) -> set[int]:
        """Recompute the keys kept in rows of their own (CaseNameStart) for these cases
        (rotate_field_keys --blind-index); the ids of the cases whose rows changed."""
        from cdop.cases.search import case_name_starts_refresh

        return case_name_starts_refresh(cases=cases)

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


# The stages in the order of a review, then the ways out of it: the list's "Stage" sort.
STAGE_ORDER: tuple[str, ...] = (
    *REVIEW_LINE,
    *(status for status in Status if status not in REVIEW_LINE),
)


def stage_position(status: str) -> int:
    return STAGE_ORDER.index(status) if status in STAGE_ORDER else len(STAGE_ORDER)


SEARCH_KEY_FIELDS = (
    "search_first_name",
    "search_last_name",
    "search_first_sound",
    "search_last_sound",
    "search_first_prefix",
    "search_last_prefix",
)


class CaseNameStart(models.Model):
    """One start of a child's name, as a blind index: the first four letters of the first
    name or surname normalised, the first five, and so on up to START_KEY_LIMIT letters
    (cdop.cases.search). A name search for a start longer than MIN_PREFIX letters ("Ashf",
    "Smith") finds the cases here by an index lookup, where it used to decrypt the names of
    every case sharing the first three letters. Derived data: written by Case.save when a
    name's keys change, by bulk loaders through case_name_starts_write, recomputed by
    rotate_field_keys --blind-index, deleted by anonymisation."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="name_starts")
    # blind_index(f"{side}_start", normalised[:n]): the side and the length are in the HMAC.
    key = models.CharField(max_length=INDEX_LENGTH)

    class Meta:
        constraints = [
            # Also the search's index: key = %s gives the case ids from the index alone.
            models.UniqueConstraint(fields=["key", "case"], name="case_name_start_key_case"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.key}"


class CaseTransition(models.Model):
    """One move of a case between statuses: who, when, from, to and why.

    The log is the source of "time in stage" and of the statistics; rows are never changed.
    """

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")
    name = models.CharField(max_length=48)
    from_status = models.CharField(max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=24, choices=Status.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField()
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="transition_case_at")]

    def __str__(self) -> str:
        return f"{self.case}: {self.from_status or '—'} → {self.to_status}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id, "case": self.case.reference}


class Task(models.Model):
    """A piece of work with a due date: made by hand or by a rule (such as the Joint Agency
    Response tasks for an unexpected death). Belongs to a case, or to a notification not
    yet opened as a case (and moves to the case when it is)."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="tasks")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    notification = models.ForeignKey(
        "notifications.Notification",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    rule = models.CharField(max_length=48, blank=True, help_text="The rule that made it, if any.")
    due_at = models.DateTimeField()
    assigned_role = models.CharField(max_length=32, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who made it by hand (None for a rule), and the last (re)assignment, for the chronology.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    completion_note = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "pk"]
        # The work queues: an area's open tasks by due date. Who a task is for ends the index
        # so that "mine" (named, or my role with nobody named) and its count are read off the
        # index alone, without a visit to each open task's row.
        indexes = [
            models.Index(
                fields=["area", "completed_at", "due_at", "assigned_role", "assigned_to"],
                name="task_queue_who",
            ),
            # The open tasks of an area in due order, for PostgreSQL: it does not read
            # task_queue_who in due_at order under "completed_at IS NULL" and sorted every
            # open task for a page of 25; this one it walks in order and stops after the page.
            models.Index(
                fields=["area", "due_at", "id", "assigned_role", "assigned_to"],
                condition=models.Q(completed_at__isnull=True),
                name="task_open_area_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(case__isnull=False) | models.Q(notification__isnull=False),
                name="task_belongs_somewhere",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def assignee_label(self) -> str:
        """Who the task is for, in words: a person, else a role, else nobody yet."""
        if self.assigned_to_id is not None and self.assigned_to is not None:
            return self.assigned_to.full_name
        if self.assigned_role:
            from cdop.accounts.models import Role

            return str(Role(self.assigned_role).label) if self.assigned_role in Role.values else ""
        return ""

    def get_additional_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {"area_id": self.area_id}
        if self.case is not None:
            data["case"] = self.case.reference
        return data
