"""The anonymised papers pack of a meeting: published (frozen) by the area's team, read by
the people invited, each download stamped with the reader's name and recorded."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

DEFAULT_DAYS_BEFORE = 7


class PapersSetting(models.Model):
    """How many days before a meeting its invitees may read the papers. An area without a
    row uses DEFAULT_DAYS_BEFORE."""

    area = models.OneToOneField("areas.Area", on_delete=models.PROTECT, related_name="+")
    days_before = models.PositiveSmallIntegerField(default=DEFAULT_DAYS_BEFORE)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(days_before__lte=60), name="papers_days_before_at_most_60"
            )
        ]

    def __str__(self) -> str:
        return f"Papers setting for {self.area_id}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


class PapersPack(models.Model):
    """One publication of a meeting's papers, frozen: the anonymised HTML and the PDF made
    from it. Republishing adds a new version; readers get the newest."""

    meeting = models.ForeignKey(
        "meetings.Meeting", on_delete=models.CASCADE, related_name="papers_packs"
    )
    version = models.PositiveIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    html = models.TextField()
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    pages = models.PositiveIntegerField(default=0)
    item_count = models.PositiveIntegerField(default=0)
    # What the agenda was when published (items, their order and triage), so that the papers
    # page can say that it has changed since.
    agenda_fingerprint = models.CharField(max_length=64)
    # Identifiers the safety net removed after the summaries were generalised (a count).
    removed_by_check = models.PositiveIntegerField(default=0)
    build_seconds = models.FloatField(default=0.0)

    class Meta:
        ordering = ["meeting", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "version"], name="papers_pack_version_once")
        ]

    def __str__(self) -> str:
        return f"Papers for meeting {self.meeting_id}, version {self.version}"

    def get_additional_data(self) -> dict[str, Any]:
        return {
            "area_id": self.meeting.area_id,
            "meeting": self.meeting_id,
            "papers_version": self.version,
        }


class PapersDownload(models.Model):
    """Someone downloaded a meeting's papers: who, which meeting and version, when."""

    pack = models.ForeignKey(PapersPack, on_delete=models.CASCADE, related_name="downloads")
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["meeting", "-at"], name="papers_download_meeting_at")]

    def __str__(self) -> str:
        return f"{self.user_id} downloaded papers of meeting {self.meeting_id}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.pack.meeting.area_id, "meeting": self.meeting_id}
