"""Meetings where cases are reviewed: a Child Death Review Meeting (CDRM) for one case, and
the CDOP panel meeting, which reviews many anonymised cases (sometimes a themed panel, such
as neonatal deaths). The agenda lists cases by anonymised labels only; the people invited
may have accounts (staff, the chair, members) or be outside professionals known by name.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.db import models


class MeetingKind(models.TextChoices):
    CDRM = "cdrm", "Child death review meeting"
    PANEL = "panel", "Panel meeting"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Sector(models.TextChoices):
    CHAIR = "chair", "Chair"
    PUBLIC_HEALTH = "public_health", "Public health"
    HEALTH = "health", "Health"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police"
    EDUCATION = "education", "Education"
    OTHER = "other", "Other"


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", "Not recorded"
    ATTENDED = "attended", "Attended"
    APOLOGIES = "apologies", "Sent apologies"


class Triage(models.TextChoices):
    FULL = "full", "Full discussion"
    SHORT = "short", "Short discussion"


class Meeting(models.Model):
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="meetings")
    kind = models.CharField(max_length=8, choices=MeetingKind.choices)
    title = models.CharField(max_length=200)
    theme = models.CharField(
        max_length=200, blank=True, help_text="For a themed panel, e.g. Neonatal deaths."
    )
    starts_at = models.DateTimeField()
    place = models.CharField(max_length=300, blank=True)
    video_link = models.URLField(max_length=500, blank=True)
    status = models.CharField(
        max_length=12, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    held_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["area", "starts_at", "id"], name="meeting_area_starts")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=MeetingStatus.HELD) | models.Q(held_at__isnull=False),
                name="meeting_held_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


class Invitee(models.Model):
    """A person invited: a user of the platform, or an outside professional (user is null)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitees")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meeting_invitations",
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()
    organisation = models.CharField(max_length=200, blank=True)
    role = models.CharField(
        max_length=200, blank=True, help_text="Their job, e.g. Consultant paediatrician."
    )
    sector = models.CharField(max_length=16, choices=Sector.choices)
    attendance = models.CharField(
        max_length=12, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    invited_at = models.DateTimeField(null=True, blank=True)  # the last invitation sent

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "email"], name="invitee_once_per_meeting"),
        ]
        indexes = [models.Index(fields=["user", "meeting"], name="invitee_user_meeting")]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.meeting.area_id, "meeting": self.meeting_id}


class AgendaItem(models.Model):
    """One case on a meeting's agenda: its place, its triage, the minutes of its discussion."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveIntegerField()
    triage = models.CharField(max_length=8, choices=Triage.choices, default=Triage.FULL)
    triage_reason = models.TextField(blank=True)
    triage_set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triage_set_at = models.DateTimeField(null=True, blank=True)
    minutes = models.TextField(blank=True)
    minutes_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    minutes_at = models.DateTimeField(null=True, blank=True)
    discussed_at = models.DateTimeField(null=True, blank=True)
    discussed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "case"], name="agenda_case_once"),
            models.CheckConstraint(
                condition=~models.Q(triage=Triage.SHORT) | ~models.Q(triage_reason=""),
                name="agenda_short_triage_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["case", "meeting"], name="agenda_case_meeting")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """An anonymised label, "Case 3: boy aged 4 months": no name, no date. Reads the
        case (select_related it)."""
        case = self.case
        who = {"male": "boy", "female": "girl"}.get(case.child_sex, "child")
        age = age_in_words(case.child_date_of_birth, case.date_of_death)
        return f"Case {self.position}: {who} aged {age}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.meeting.area_id, "meeting": self.meeting_id}


def age_in_words(born: date, died: date) -> str:
    """The child's age at death, coarse enough to identify nobody: days under a month,
    months under two years, then years."""
    days = (died - born).days
    months = (died.year - born.year) * 12 + died.month - born.month - (died.day < born.day)
    if months < 1:
        return "1 day" if days == 1 else ("under a day" if days < 1 else f"{days} days")
    if months < 24:
        return "1 month" if months == 1 else f"{months} months"
    years = months // 12
    return f"{years} years"


def _default_sectors() -> list[str]:
    return [Sector.PUBLIC_HEALTH, Sector.HEALTH, Sector.LOCAL_AUTHORITY, Sector.POLICE]


class QuorumRule(models.Model):
    """When a panel meeting of the area is quorate: the chair present (if required) and at
    least one attendee from each of the listed sectors. Set by the area's administrators;
    an area without a row uses the default (chair, public health, health, local authority,
    police)."""

    area = models.OneToOneField(
        "areas.Area", on_delete=models.PROTECT, related_name="meeting_quorum_rule"
    )
    chair_required = models.BooleanField(default=True)
    sectors = models.JSONField(default=_default_sectors)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Quorum rule for {self.area}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}
