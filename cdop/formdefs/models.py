"""Versioned form definitions held as data: the Reporting Form, its supplementary forms and
the family's own form.

A definition's `schema` is JSON of this shape (validated by cdop.formdefs.schema):

    {"sections": [
        {"id": "child", "title": "The child", "intro": "optional text",
         "questions": [
            {"id": "height_cm",            # unique within the definition, never reused
             "label": "Height at death", "hint": "optional",
             "type": "text" | "textarea" | "number" | "date" | "choice" | "multi" | "yesno",
             "choices": [{"value": "a", "label": "A"}, ...],   # choice / multi only
             "unit": "cm",                 # number only, optional
             "required": true,             # an answer (or "not known") is needed to submit
             "not_known": true,            # "Not known" is offered as an explicit answer
             "max_length": 5000,           # text / textarea, optional
             "show_if": {"question": "other_id", "in": ["yes"]}}   # optional condition
         ]}
    ]}

Answers are stored per question id as {"value": ...} or {"not_known": true}; a question
with no entry is unanswered (blank), which is not the same as "not known".

A published definition is never changed: a new national version is a new row with the next
`version`. Returns keep the definition row they were completed on.
"""

from __future__ import annotations

from typing import Any

from django.db import models


class FormDefinition(models.Model):
    class Kind(models.TextChoices):
        CORE = "core", "Reporting Form (core)"
        SUPPLEMENTARY = "supplementary", "Supplementary reporting form"
        FAMILY = "family", "The family's own words"

    code = models.SlugField(max_length=64)
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    schema = models.JSONField()
    # When staff are offered this supplementary form for a case, e.g.
    # {"max_age_days": 365, "expectedness": ["unexpected"], "place_of_death": [...],
    #  "keywords": ["asthma", "anaphylaxis"]}; interpreted by cdop.formdefs.selectors.
    suggest_when = models.JSONField(default=dict, blank=True)
    status_confirmed = models.BooleanField(
        default=False, help_text="Confirmed against the national form (domain.md §5)."
    )
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="formdef_code_version")
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    def get_additional_data(self) -> dict[str, Any]:
        return {"code": self.code, "version": self.version}
