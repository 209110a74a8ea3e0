"""The key worker and the family: who supports the family, every contact with them, what
they asked and what they told us, and the letters sent to them.

Everything here is about a bereaved family and is special-category personal data: it is
read only by people who may read the case (permissions.can_view_case).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models

from cdop.core.fields import (
    BlindIndexed,
    BlindIndexField,
    EncryptedCharField,
    EncryptedEmailField,
    EncryptedTextField,
)

if TYPE_CHECKING:
    from cdop.cases.models import Case


class _CaseRecord:
    """A record that belongs to one case: the audit log files it under the case's area."""

    if TYPE_CHECKING:
        case: Case

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.case.area_id, "case": self.case.reference}


class ContactMethod(models.TextChoices):
    PHONE = "phone", "Phone call"
    VISIT = "visit", "Visit"
    LETTER = "letter", "Letter"
    EMAIL = "email", "Email"
    VIDEO = "video", "Video call"
    TEXT = "text", "Text message"
    OTHER = "other", "Other"


class KeyWorkerAssignment(_CaseRecord, models.Model):
    """One spell of a key worker on a case, from assignment to change or removal.

    Case.key_worker is who it is now (and decides access); these rows are the history, for
    the chronology. Only `ended_at` and `ended_by` are ever changed, once.
    """

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="key_worker_assignments"
    )
    key_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    phone = models.CharField(
        max_length=40, blank=True, help_text="The number the family can call the key worker on."
    )
    note = models.TextField(blank=True)
    assigned_at = models.DateTimeField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["assigned_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_at__isnull=True),
                name="family_one_current_key_worker",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.key_worker_id}"


class FamilyContact(_CaseRecord, models.Model):
    """One contact with the family: when, who, how, what was said and what was promised."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="family_contacts")
    at = models.DateTimeField()
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    family_members = EncryptedCharField(max_length=200)  # their names
    method = models.CharField(max_length=12, choices=ContactMethod.choices)
    discussed = models.TextField()
    promised = models.TextField(blank=True)
    next_contact_due = models.DateField(null=True, blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["case", "-at"], name="family_contact_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_method_display()} on {self.at:%Y-%m-%d}"


class BereavementSupport(models.TextChoices):
    NOT_YET = "not_yet", "Not yet"
    YES = "yes", "Yes"
    NO = "no", "No"


class FamilyProfile(_CaseRecord, BlindIndexed, models.Model):
    """How to be in touch with the family, and the support they were offered. One per case.

    The name and address are encrypted at rest; the postcode in the address has a blind
    index, for the subject-access search by postcode."""

    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="family")
    family_name = EncryptedCharField(max_length=200, blank=True)
    postal_address = EncryptedTextField(blank=True)
    postal_address_index = BlindIndexField(source="postal_address", kind="postcode", db_index=True)
    preferred_method = models.CharField(max_length=12, choices=ContactMethod.choices, blank=True)
    preferred_time = models.CharField(max_length=200, blank=True)
    language = models.CharField(max_length=100, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    other_needs = models.TextField(blank=True)
    bereavement_support = models.CharField(
        max_length=8, choices=BereavementSupport.choices, default=BereavementSupport.NOT_YET
    )
    bereavement_support_what = models.TextField(blank=True)
    bereavement_support_by = models.CharField(max_length=200, blank=True)
    bereavement_support_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Family of case {self.case_id}"


class FamilyMember(_CaseRecord, BlindIndexed, models.Model):
    """Someone in the family to be in touch with. Contact details are special-category:
    the name, phone and email are encrypted at rest, with blind indexes for the
    subject-access search."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="family_members")
    name = EncryptedCharField(max_length=200)
    name_index = BlindIndexField(source="name", kind="person_name", db_index=True)
    relationship = models.CharField(max_length=100)
    phone = EncryptedCharField(max_length=40, blank=True)
    phone_index = BlindIndexField(source="phone", kind="phone", db_index=True)
    email = EncryptedEmailField(blank=True)
    email_index = BlindIndexField(source="email", kind="email", db_index=True)
    main_contact = models.BooleanField(default=False)
    notes = models.TextField(blank=True)

    class Meta:
        # The main contact first, then in the order they were added (names are encrypted,
        # so the database cannot sort by them; a case has a handful of members).
        ordering = ["-main_contact", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class DateToAvoid(_CaseRecord, models.Model):
    """A time when the family would rather not be contacted: an anniversary, a birthday."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="dates_to_avoid")
    description = models.CharField(max_length=200)
    date = models.DateField(null=True, blank=True)
    every_year = models.BooleanField(default=True)

    class Meta:
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return self.description


class FamilyQuestion(_CaseRecord, models.Model):
    """A question the family asked, or a view they want heard, to take to the review; and
    whether the review answered it."""

    class Kind(models.TextChoices):
        QUESTION = "question", "Question"
        VIEW = "view", "View"

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="family_questions"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.QUESTION)
    text = models.TextField()
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    answered = models.BooleanField(default=False)
    answer = models.TextField(blank=True)

    class Meta:
        ordering = ["recorded_on", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class LetterKind(models.TextChoices):
    FIRST_CONTACT = "first_contact", "First contact"
    REVIEW_OUTCOME = "review_outcome", "Outcome of the review"


class LetterTemplate(models.Model):
    """One version of an area's letter. Editing adds a version; old ones stay, so a letter
    produced can always be traced to the words it was made from. An area without a saved
    version uses the default shipped with the platform (version 0)."""

    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["area", "kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "kind", "version"], name="family_letter_template_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version}"

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


class Letter(_CaseRecord, models.Model):
    """A letter to the family produced as a PDF: who, when, from which template version.

    The PDF itself is not kept: it can be made again from the template version and the
    details, and a copy kept here would be one more copy of the family's address."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="family_letters")
    kind = models.CharField(max_length=20, choices=LetterKind.choices)
    template = models.ForeignKey(
        LetterTemplate, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    template_version = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    produced_at = models.DateTimeField()
    produced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-produced_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.title}"
