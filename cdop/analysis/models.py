"""The panel's Analysis Form (domain.md §5): factors in four domains graded 0/1/2, whether
any are modifiable, the category of death, the cause, learning and recommendations.

The categories of death and the factor domains are versioned reference data
(`AnalysisFormVersion`), loaded by a data migration from cdop/analysis/reference/. An
analysis keeps the version it was started on, so a new national list never changes an
analysis already made.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class AnalysisFormVersion(models.Model):
    """One version of the national Analysis Form's lists. Never edited once published: a
    change of the national form is a new row with the next number."""

    version = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=200)
    introduced_on = models.DateField()
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"


class FactorDomain(models.Model):
    form_version = models.ForeignKey(
        AnalysisFormVersion, on_delete=models.PROTECT, related_name="domains"
    )
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=48)
    name = models.CharField(max_length=200)
    hint = models.TextField(blank=True)

    class Meta:
        ordering = ["form_version", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["form_version", "position"], name="analysis_domain_position"
            ),
            models.UniqueConstraint(fields=["form_version", "code"], name="analysis_domain_code"),
        ]

    def __str__(self) -> str:
        return self.name


class CategoryOfDeath(models.Model):
    """One category of the list, in the order the panel reads it: the first that applies."""

    form_version = models.ForeignKey(
        AnalysisFormVersion, on_delete=models.PROTECT, related_name="categories"
    )
    position = models.PositiveSmallIntegerField()
    code = models.SlugField(max_length=48)
    name = models.CharField(max_length=200)
    hint = models.TextField(blank=True)
    # A rule of the national data set kept with the category it belongs to: a sudden
    # unexpected, unexplained death cannot be one the panel agreed was expected.
    requires_unexpected = models.BooleanField(default=False)

    class Meta:
        ordering = ["form_version", "position"]
        verbose_name_plural = "categories of death"
        constraints = [
            models.UniqueConstraint(
                fields=["form_version", "position"], name="analysis_category_position"
            ),
            models.UniqueConstraint(fields=["form_version", "code"], name="analysis_category_code"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class Analysis(models.Model):
    """The Analysis Form of one case. A draft may be incomplete; `complete` means every rule
    of `cdop.analysis.rules` passed when it was saved, and lets the case be finalised."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        COMPLETE = "complete", "Complete"

    class Modifiable(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        INSUFFICIENT = "insufficient", "Insufficient information"

    class Expectedness(models.TextChoices):
        EXPECTED = "expected", "Expected"
        UNEXPECTED = "unexpected", "Unexpected"

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="analysis")
    form_version = models.ForeignKey(
        AnalysisFormVersion, on_delete=models.PROTECT, related_name="analyses"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    modifiable = models.CharField(max_length=16, choices=Modifiable.choices, blank=True)
    category = models.ForeignKey(
        CategoryOfDeath,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="analyses",
    )
    cause_of_death = models.TextField(max_length=2000, blank=True)
    learning_points = models.TextField(max_length=20000, blank=True)
    expectedness = models.CharField(
        max_length=12,
        choices=Expectedness.choices,
        blank=True,
        help_text="As agreed by the panel.",
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name_plural = "analyses"
        indexes = [
            # Surveillance's count of deaths by category reads the category off the index.
            models.Index(fields=["case", "category"], name="analysis_case_category"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="complete")
                | (
                    models.Q(completed_at__isnull=False)
                    & models.Q(category__isnull=False)
                    & ~models.Q(modifiable="")
                    & ~models.Q(expectedness="")
                ),
                name="analysis_complete_has_answers",
            ),
        ]

    def __str__(self) -> str:
        return f"Analysis of {self.case}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id, "case": self.case.reference}


class Factor(models.Model):
    """One factor, one line, in one domain, graded 0, 1 or 2; `modifiable` names it as one
    of the modifiable factors."""

    class Grade(models.IntegerChoices):
        NOT_AVAILABLE = 0, "0: information not available"
        UNLIKELY = 1, "1: present, but unlikely to have contributed"
        CONTRIBUTED = (
            2,
            "2: present, and may have contributed to vulnerability, ill-health or death",
        )

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="factors")
    domain = models.ForeignKey(FactorDomain, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    description = models.TextField(max_length=2000)
    grade = models.PositiveSmallIntegerField(choices=Grade.choices)
    modifiable = models.BooleanField(default=False)

    class Meta:
        ordering = ["analysis", "domain__position", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(grade__in=[0, 1, 2]), name="factor_grade_0_1_2"
            ),
            # Only a factor that may have contributed can be one whose change would reduce risk.
            models.CheckConstraint(
                condition=models.Q(modifiable=False) | models.Q(grade=2),
                name="factor_modifiable_is_graded_2",
            ),
        ]

    def __str__(self) -> str:
        return self.description[:60]

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.analysis.case.area_id, "case": self.analysis.case.reference}


class Recommendation(models.Model):
    """A recommendation of the panel; the actions app turns them into actions."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="recommendations")
    position = models.PositiveSmallIntegerField()
    text = models.TextField(max_length=4000)

    class Meta:
        ordering = ["analysis", "position", "pk"]

    def __str__(self) -> str:
        return self.text[:60]

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.analysis.case.area_id, "case": self.analysis.case.reference}
