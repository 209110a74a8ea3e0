from __future__ import annotations

from django import forms

from cdop.core.forms import GovUKFormMixin

# (field, label, hint): the order of the page.
SETTING_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("notification_hours", "Notification", "Hours from the death to the first notification."),
    (
        "jar_hours",
        "Joint Agency Response",
        "Hours from the first notification until the JAR tasks should be done (unexpected deaths).",
    ),
    ("cdrm_months", "Child death review meeting", "Months from the death to the meeting."),
    ("panel_months", "Panel review", "Months from the death to the panel's review."),
    (
        "safeguarding_notify_working_days",
        "Notify the Child Safeguarding Practice Review Panel",
        "Working days from the decision that abuse or neglect is known or suspected.",
    ),
    (
        "safeguarding_rapid_review_working_days",
        "Rapid Review",
        "Working days from the same decision to the Rapid Review.",
    ),
)


def _number_field(label: str, hint: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        help_text=hint,
        min_value=1,
        max_value=999,
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-4", "inputmode": "numeric"}
        ),
        error_messages={
            "required": f"Enter a number for {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be a whole number, like 3",
            "min_value": f"{label} must be 1 or more",
            "max_value": f"{label} must be 999 or less",
        },
    )


class ClockSettingsForm(GovUKFormMixin, forms.Form):
    notification_hours, jar_hours, cdrm_months, panel_months = (
        _number_field(label, hint) for _, label, hint in SETTING_FIELDS[:4]
    )
    safeguarding_notify_working_days, safeguarding_rapid_review_working_days = (
        _number_field(label, hint) for _, label, hint in SETTING_FIELDS[4:]
    )
