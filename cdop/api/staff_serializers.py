"""What the staff API answers. Read-only.

Lists carry what a staff tool or an analyst counts and sorts by, and no child's name, NHS
number, date of birth or postcode: an age band instead of the date of birth. The record of
one case or notification carries the identifiers, as its page does, for the people who may
read that page (the same selectors decide).
"""

from __future__ import annotations

import datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cdop.actions.models import ActionStatus
from cdop.cases.models import Case, Expectedness, Sex
from cdop.cases.workflow import Status
from cdop.notifications.models import Notification
from cdop.notifications.reference import (
    NhsNumberStatus,
    PlaceOfDeath,
    ResidenceStatus,
    YesNoNotKnown,
)
from cdop.reporting.selectors import AreaStatistics

# The age groups of national child death statistics.
AGE_BANDS = (
    ("0_27_days", "0 to 27 days"),
    ("28_364_days", "28 to 364 days"),
    ("1_4_years", "1 to 4 years"),
    ("5_9_years", "5 to 9 years"),
    ("10_14_years", "10 to 14 years"),
    ("15_17_years", "15 to 17 years"),
    ("18_years_or_more", "18 years or more"),
)


def age_band(born: datetime.date, died: datetime.date) -> str:
    days = (died - born).days
    if days < 28:
        return "0_27_days"
    years = died.year - born.year - ((died.month, died.day) < (born.month, born.day))
    if years < 1:
        return "28_364_days"
    for low, high, band in ((1, 4, "1_4_years"), (5, 9, "5_9_years"), (10, 14, "10_14_years")):
        if low <= years <= high:
            return band
    return "15_17_years" if years <= 17 else "18_years_or_more"


_AGE_BAND_FIELD = serializers.ChoiceField(
    choices=AGE_BANDS, help_text="The child's age at death, in the national statistics' groups."
)


def _choice(choices: Any, help_text: str, **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, help_text=help_text, **kwargs)


class _Row(serializers.Serializer):  # type: ignore[misc]
    """An answer's shape, read-only: DRF's own create() and update() refuse to write."""


# --- Cases ---------------------------------------------------------------------------------


class CaseSummarySerializer(_Row):
    """A case in a list: where its review stands; nothing that names the child."""

    reference = serializers.CharField(help_text="The case's reference, like LLR-2026-0042.")
    area = serializers.CharField(source="area.slug", help_text="The area's short name.")
    status = _choice(Status.choices, "Where the review stands.")
    status_label = serializers.CharField(
        source="get_status_display", help_text="The status in words."
    )
    status_changed_at = serializers.DateTimeField(help_text="When it last changed status.")
    opened_at = serializers.DateTimeField(help_text="When the case was opened.")
    finalised_at = serializers.DateTimeField(
        allow_null=True, help_text="When the review was finalised, or null."
    )
    date_of_death = serializers.DateField(help_text="The date the child died.")
    age_band = serializers.SerializerMethodField()
    child_sex = _choice(Sex.choices, "The child's sex.")
    expectedness = _choice(Expectedness.choices, "Whether the death was expected.")
    key_worker = serializers.CharField(
        source="key_worker.full_name",
        allow_null=True,
        help_text="The family's key worker, or null if none is named yet.",
    )
    web_url = serializers.CharField(
        source="get_absolute_url", help_text="The case's page in the service (a path)."
    )

    @extend_schema_field(_AGE_BAND_FIELD)
    def get_age_band(self, case: Case) -> str:
        return age_band(case.child_date_of_birth, case.date_of_death)


class CaseTransitionSerializer(_Row):
    name = serializers.CharField(help_text="The step taken.")
    from_status = serializers.CharField(help_text="The status before (blank for the first).")
    to_status = _choice(Status.choices, "The status after.")
    at = serializers.DateTimeField(help_text="When.")


class CaseDetailSerializer(CaseSummarySerializer):
    """One case, with the child's identifiers (as on the case's page)."""

    child_first_name = serializers.CharField(help_text="The child's first name.")
    child_last_name = serializers.CharField(help_text="The child's last name.")
    child_date_of_birth = serializers.DateField(help_text="The child's date of birth.")
    child_nhs_number = serializers.CharField(help_text="The NHS number, or blank if not known.")
    child_postcode = serializers.CharField(help_text="The home postcode, or blank if not known.")
    merged_into = serializers.CharField(
        source="merged_into.reference",
        allow_null=True,
        help_text="The case this one was merged into as a duplicate, or null.",
    )
    ncmd_resend_needed = serializers.BooleanField(
        help_text="Reopened after it was sent to the National Child Mortality Database."
    )
    notifications = serializers.SerializerMethodField()
    transitions = CaseTransitionSerializer(
        many=True, help_text="Every change of status, first first."
    )

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(), help_text="The references of its notifications."
        )
    )
    def get_notifications(self, case: Case) -> list[str]:
        return [n.reference for n in case.notifications.all()]


# --- Notifications ---------------------------------------------------------------------------


class NotificationSummarySerializer(_Row):
    """A notification in a list: when, from where and what became of it; no names."""

    reference = serializers.CharField(help_text="The notification's reference.")
    area = serializers.CharField(source="area.slug", help_text="The area it was sent to.")
    received_at = serializers.DateTimeField(help_text="When it was received.")
    status = _choice(Notification.Status.choices, "What the team has done with it.")
    case = serializers.CharField(
        source="case.reference", allow_null=True, help_text="Its case's reference, or null."
    )
    source = serializers.SerializerMethodField()
    date_of_death = serializers.DateField(help_text="The date the child died.")
    age_band = serializers.SerializerMethodField()
    child_sex = _choice(Sex.choices, "The child's sex.")
    expectedness = _choice(Expectedness.choices, "Whether the death was expected.")
    place_of_death = _choice(PlaceOfDeath.choices, "Where the child died.")
    residence_status = _choice(ResidenceStatus.choices, "Where the child normally lived.")
    jar_required = serializers.BooleanField(help_text="A Joint Agency Response is needed.")
    ncmd_alert = serializers.BooleanField(help_text="Flagged for NCMD's urgent attention.")
    notifier_organisation = serializers.CharField(help_text="The notifier's organisation.")
    web_url = serializers.CharField(
        source="get_absolute_url", help_text="The notification's page in the service (a path)."
    )

    @extend_schema_field(
        serializers.ChoiceField(
            choices=(("web_form", "The web form"), ("api", "A registered system")),
            help_text="How it arrived.",
        )
    )
    def get_source(self, notification: Notification) -> str:
        return "api" if notification.api_client_id is not None else "web_form"

    @extend_schema_field(_AGE_BAND_FIELD)
    def get_age_band(self, notification: Notification) -> str:
        return age_band(notification.child_date_of_birth, notification.date_of_death)


class NotificationDetailSerializer(NotificationSummarySerializer):
    """One notification, with the child's identifiers and the notifier's account (as on its
    page). The household's free text (address, parents, other children) stays on the page."""

    child_first_name = serializers.CharField(help_text="The child's first name.")
    child_last_name = serializers.CharField(help_text="The child's last name.")
    child_other_names = serializers.CharField(help_text="Other names, or blank.")
    child_date_of_birth = serializers.DateField(help_text="The child's date of birth.")
    nhs_number_status = _choice(NhsNumberStatus.choices, "Whether an NHS number was given.")
    child_nhs_number = serializers.CharField(help_text="The NHS number, or blank.")
    child_postcode = serializers.CharField(help_text="The home postcode, or blank.")
    time_of_death = serializers.SerializerMethodField()
    place_of_death_detail = serializers.CharField(help_text="More about the place, or blank.")
    post_mortem = _choice(YesNoNotKnown.choices, "Whether a post-mortem is required.")
    coroner_informed = _choice(YesNoNotKnown.choices, "Whether the coroner was informed.")
    circumstances = serializers.CharField(help_text="The notifier's summary of what happened.")
    ncmd_alert_reason = serializers.CharField(help_text="Why NCMD was alerted, or blank.")
    notifier_name = serializers.CharField(help_text="Who notified.")
    notifier_role = serializers.CharField(help_text="Their role.")
    notifier_email = serializers.CharField(help_text="Their work email address.")
    notifier_phone = serializers.CharField(help_text="Their work telephone number.")
    dealt_with_at = serializers.DateTimeField(
        allow_null=True, help_text="When it was added to a case or transferred, or null."
    )

    @extend_schema_field(
        serializers.CharField(
            allow_null=True, help_text="The time of death, HH:MM (24-hour), or null."
        )
    )
    def get_time_of_death(self, notification: Notification) -> str | None:
        at = notification.time_of_death
        return at.strftime("%H:%M") if at is not None else None


# --- Actions ----------------------------------------------------------------------------------


class ActionSummarySerializer(_Row):
    """An action in a list: the action tracker's row."""

    id = serializers.IntegerField(help_text="The action's number in the API (its path).")
    number = serializers.CharField(help_text="Its reference, like ACT-00042.")
    case = serializers.CharField(source="case.reference", help_text="The case it came from.")
    area = serializers.CharField(source="area.slug", help_text="The case's area.")
    description = serializers.CharField(help_text="What is to be done (written without names).")
    category = serializers.CharField(help_text="A theme to find it by, or blank.")
    owner = serializers.CharField(source="owner_label", help_text="The organisation that owns it.")
    owner_email = serializers.CharField(help_text="The owner's contact email.")
    due_on = serializers.DateField(help_text="When it is due.")
    status = _choice(ActionStatus.choices, "Where it stands.")
    overdue = serializers.BooleanField(
        source="is_overdue", help_text="Open, and its due date has passed."
    )
    closed_on = serializers.DateField(allow_null=True, help_text="When it was closed, or null.")
    created_at = serializers.DateTimeField(help_text="When it was made.")
    updated_at = serializers.DateTimeField(help_text="When it last changed.")


class ActionChangeSerializer(_Row):
    from_status = serializers.CharField(help_text="The status before (blank when made).")
    to_status = _choice(ActionStatus.choices, "The status after.")
    at = serializers.DateTimeField(help_text="When.")
    by = serializers.CharField(source="by.full_name", help_text="Who changed it.")
    reason = serializers.CharField(help_text="Why, or blank.")


class ActionDetailSerializer(ActionSummarySerializer):
    evidence = serializers.CharField(help_text="The evidence that it was done, or blank.")
    history = ActionChangeSerializer(
        source="status_changes", many=True, help_text="Every change of status, first first."
    )


# --- Statistics -------------------------------------------------------------------------------


class StatusCountSerializer(_Row):
    status = _choice(Status.choices, "A case status.")
    label = serializers.CharField(help_text="The status in words.")
    cases = serializers.IntegerField(help_text="The area's cases in that status now.")


class AreaStatisticsSerializer(_Row):
    """The statistics page's figures for one area."""

    area = serializers.CharField(help_text="The area's short name.")
    area_name = serializers.CharField(help_text="The area's name.")
    reporting_year = serializers.CharField(help_text="The reporting year, in words.")
    year_start = serializers.DateField(help_text="Its first day (1 April).")
    year_end = serializers.DateField(help_text="Its last day (31 March).")
    notifications_received = serializers.IntegerField(help_text="Received in the year.")
    cases_opened = serializers.IntegerField(help_text="Opened in the year.")
    reviews_finalised = serializers.IntegerField(help_text="Finalised in the year.")
    cases_by_status = StatusCountSerializer(many=True, help_text="Every case, by status, now.")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        stats, start = instance
        assert isinstance(stats, AreaStatistics)  # noqa: S101 - for mypy
        by_status = [
            {"status": value, "label": label, "cases": count}
            for value, (label, count) in zip(Status.values, stats.by_status, strict=True)
        ]
        return {
            "area": stats.area.slug,
            "area_name": stats.area.name,
            "reporting_year": stats.year_label,
            "year_start": start.isoformat(),
            "year_end": datetime.date(start.year + 1, 3, 31).isoformat(),
            "notifications_received": stats.notifications_received,
            "cases_opened": stats.cases_opened,
            "reviews_finalised": stats.reviews_finalised,
            "cases_by_status": by_status,
        }


# --- The annual report ------------------------------------------------------------------------


class FigureSerializer(_Row):
    """One figure as the report publishes it: small numbers are suppressed."""

    text = serializers.CharField(help_text="As shown on the report (a mark if suppressed).")
    number = serializers.IntegerField(
        allow_null=True, help_text="The number, or null when it is suppressed."
    )
    hidden = serializers.BooleanField(help_text="Suppressed (too small to publish).")


class ReportTableSerializer(_Row):
    key = serializers.CharField(help_text="The table's name in the report.")
    title = serializers.CharField(help_text="Its title.")
    definition = serializers.CharField(help_text="What it counts.")
    withheld = serializers.BooleanField(help_text="The whole table is withheld.")
    header = serializers.ListField(child=serializers.CharField(), help_text="Column headings.")
    rows = serializers.ListField(
        child=serializers.ListField(child=FigureSerializer()),
        help_text="Each row: its label, then its figures.",
    )
    footer = serializers.ListField(child=FigureSerializer(), help_text="The totals, if any.")


class AnnualReportSerializer(_Row):
    """The annual report of one area for a period, with every small number suppressed as on
    the report's page, PDF and spreadsheet."""

    area = serializers.CharField(help_text="The area's short name.")
    area_name = serializers.CharField(help_text="The area's name.")
    period_start = serializers.DateField(help_text="The period's first day.")
    period_end = serializers.DateField(help_text="The period's last day.")
    period_label = serializers.CharField(help_text="The period in words.")
    generated_at = serializers.DateTimeField(help_text="When the figures were read.")
    deaths_notified = FigureSerializer(help_text="Deaths notified in the period.")
    reviews_completed = FigureSerializer(help_text="Reviews completed in the period.")
    backlog = FigureSerializer(help_text="Reviews not completed at the end of the period.")
    median_days_to_completion = serializers.IntegerField(
        allow_null=True, help_text="The median days from notification to completion, or null."
    )
    modifiable_share = serializers.CharField(
        help_text="The share of completed reviews with modifiable factors, or why not given."
    )
    tables = ReportTableSerializer(many=True, help_text="Every table of the report.")

    def to_representation(self, instance: Any) -> dict[str, Any]:
        from cdop.reporting.annual import AnnualReport, Entry

        report: AnnualReport = instance

        def figure(entry: Entry) -> dict[str, Any]:
            return {"text": entry.text, "number": entry.number, "hidden": entry.hidden}

        return {
            "area": report.area.slug,
            "area_name": report.area.name,
            "period_start": report.period.start.isoformat(),
            "period_end": report.period.end.isoformat(),
            "period_label": report.period.label,
            "generated_at": serializers.DateTimeField().to_representation(report.generated_at),
            "deaths_notified": figure(Entry.of(report.deaths_notified)),
            "reviews_completed": figure(Entry.of(report.reviews_completed)),
            "backlog": figure(Entry.of(report.backlog)),
            "median_days_to_completion": report.median_days_to_completion,
            "modifiable_share": report.modifiable_share,
            "tables": [
                {
                    "key": table.key,
                    "title": table.title,
                    "definition": table.definition,
                    "withheld": table.withheld,
                    "header": [str(h) for h in table.header()],
                    "rows": [[figure(e) for e in row] for row in table.body()],
                    "footer": [figure(e) for e in table.footer()],
                }
                for table in report.tables
            ],
        }
