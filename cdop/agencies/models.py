"""The agency directory: organisations that return Reporting Forms, and their named contacts."""

from __future__ import annotations

from typing import Any

from django.db import models


class Organisation(models.Model):
    class Kind(models.TextChoices):
        HEALTH_TRUST = "health_trust", "Health trust (hospital or community)"
        GP_PRACTICE = "gp_practice", "GP practice"
        POLICE = "police", "Police"
        CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
        EDUCATION = "education", "Education (school, college, nursery)"
        AMBULANCE = "ambulance", "Ambulance service"
        HOSPICE = "hospice", "Hospice"
        OTHER = "other", "Other"

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="organisations")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    active = models.BooleanField(default=True)
    notes = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="organisation_unique_in_area")
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


class AgencyContact(models.Model):
    """A named person at an organisation who completes Reporting Forms (work email only)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=32, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"], name="agency_contact_unique_email"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.organisation.area_id}
