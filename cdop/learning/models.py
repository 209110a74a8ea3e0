"""Learning themes: what the panel's reviews teach, gathered across cases.

A `Theme` is national (area empty: the starter list, loaded from
cdop/learning/reference/themes_v1.json by a data migration) or added by one area. Staff who
run cases tag a case with themes (`CaseTheme`, one row per case and theme); every tag and
untag is in the audit log. The theme pages show the tagged cases' learning anonymised.

The area's public learning page shows only suppressed counts and text an approver has
approved: `PublicLearning` keeps the draft being written apart from the text approved, and
only the approved text of a published row is ever public. `PublicLearningSetting` says
whether the area's public page exists at all.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q


class Theme(models.Model):
    area = models.ForeignKey(
        "areas.Area",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty for a national theme; the area that added it otherwise.",
    )
    slug = models.SlugField(max_length=60)
    name = models.CharField(max_length=100)
    description = models.TextField(max_length=1000, blank=True)
    active = models.BooleanField(
        default=True, help_text="Inactive themes keep their tags but are not offered for new ones."
    )
    # Categories of death (cdop.analysis CategoryOfDeath.code) for which the theme is
    # suggested when a case is tagged. Suggestions only: a person decides.
    suggested_for = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slug"], condition=Q(area__isnull=True), name="theme_national_slug"
            ),
            models.UniqueConstraint(fields=["area", "slug"], name="theme_area_slug"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_national(self) -> bool:
        return self.area_id is None

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


class CaseTheme(models.Model):
    """A case tagged with a theme. Removing the tag deletes the row (the audit log keeps it)."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="learning_themes")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="case_tags")
    # The case's area, kept on the row: the theme pages and counts filter by it.
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    tagged_at = models.DateTimeField()
    note = models.TextField(max_length=1000, blank=True)

    class Meta:
        ordering = ["tagged_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "theme"], name="casetheme_once"),
        ]
        indexes = [
            models.Index(fields=["area", "theme", "tagged_at"], name="casetheme_area_theme"),
        ]

    def __str__(self) -> str:
        return f"{self.theme} on case {self.case_id}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id, "case": self.case.reference}


class PublicLearningSetting(models.Model):
    """Whether the area's public learning page exists (it does not until an approver turns
    it on)."""

    area = models.OneToOneField(
        "areas.Area", on_delete=models.PROTECT, related_name="public_learning_setting"
    )
    enabled = models.BooleanField(default=False)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Public learning page {'on' if self.enabled else 'off'}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


class PublicLearning(models.Model):
    """The area's public words about one theme.

    `draft` is what an approver is writing; `approved_text` is what was approved, and the
    only text the public page can show, while `published`. Approving copies the draft."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="public_texts")
    draft = models.TextField(max_length=5000, blank=True)
    draft_updated_at = models.DateTimeField(null=True, blank=True)
    draft_updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_text = models.TextField(max_length=5000, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published = models.BooleanField(default=False)

    class Meta:
        ordering = ["theme__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["area", "theme"], name="publiclearning_once"),
            # Nothing is public unless someone approved it.
            models.CheckConstraint(
                condition=Q(published=False)
                | (
                    Q(approved_at__isnull=False)
                    & Q(approved_by__isnull=False)
                    & ~Q(approved_text="")
                ),
                name="publiclearning_published_is_approved",
            ),
        ]

    def __str__(self) -> str:
        return f"Public learning: {self.theme}"

    @property
    def draft_differs(self) -> bool:
        return self.draft.strip() != self.approved_text.strip()

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}
