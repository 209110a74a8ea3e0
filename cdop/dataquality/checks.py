"""The data-quality checks: one table of named rules, each a condition the database answers.

A rule says what is wrong in words the team can act on, how much it matters (a missing
required item or a contradiction is an error, a "not known" answer a warning), which part of
the case to open to fix it, and from which stage of the review it applies (the Analysis
cannot be missing before the panel has met). Its test is a SQL condition on the case (a
column, or an EXISTS on one indexed table), so the same rule counts issues across an area
in one aggregate query and lists one case's issues in one query: no rule runs Python per
case.

"Required items" are those of the national data set as the platform exports it
(cdop.ncmd.selectors.ncmd_documents, schemas/ncmd/case-export-v1.json): the schema lets a
text be empty, so the checks name the ones NCMD needs filled for a usable record.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Value,
)
from django.db.models.fields import TextField
from django.db.models.functions import Cast, ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import GreaterThanOrEqual

from cdop.agencyforms.models import FormRequest, RequestedForm
from cdop.analysis.models import Analysis, Factor
from cdop.cases.models import Expectedness, Sex, Task
from cdop.cases.workflow import REVIEW_LINE, Status
from cdop.investigations.models import CoronerReferral, PostMortem, PostMortemType
from cdop.notifications.jar import RULE as JAR_RULE
from cdop.notifications.models import Notification
from cdop.notifications.reference import (
    Ethnicity,
    NhsNumberStatus,
    PlaceOfDeath,
    ResidenceStatus,
    YesNoNotKnown,
)


class Kind(enum.StrEnum):
    MISSING = "missing"
    NOT_KNOWN = "not_known"
    CONTRADICTION = "contradiction"


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


KIND_LABELS = {
    Kind.MISSING: "Missing required item",
    Kind.NOT_KNOWN: "Answered ‘not known’",
    Kind.CONTRADICTION: "Contradiction",
}

# What the rules read through an EXISTS: answered by the database for the case in hand.
CASE = OuterRef("pk")


def _notifications(**lookups: object) -> Exists:
    return Exists(Notification.objects.filter(case=CASE, **lookups))


def _notifications_q(condition: Q) -> Exists:
    return Exists(Notification.objects.filter(Q(case=CASE) & condition))


def _analysis(condition: Q | None = None) -> Exists:
    query = Analysis.objects.filter(case=CASE)
    return Exists(query.filter(condition) if condition is not None else query)


def _factors(**lookups: object) -> Exists:
    return Exists(Factor.objects.filter(analysis__case=CASE, **lookups))


def _post_mortems(condition: Q) -> Exists:
    return Exists(PostMortem.objects.filter(Q(case=CASE) & condition))


def _jar() -> Q:
    """A Joint Agency Response: its tasks on the case, or a notification triaged as needing
    one (the tasks are made from it)."""
    return Q(Exists(Task.objects.filter(case=CASE, rule=JAR_RULE))) | Q(
        _notifications(jar_required=True)
    )


def _returned_forms() -> Exists:
    return Exists(FormRequest.objects.filter(case=CASE, status=FormRequest.Status.SUBMITTED))


# How the answers of a Reporting Form store "not known" (cdop.formdefs.engine): the JSON
# {"question": {"not_known": true}}. Both databases print a JSON object's text with ": ",
# and a question's own text cannot hold the quotes unescaped, so a text match is exact.
NOT_KNOWN_JSON = '"not_known": true'


def _forms_with_not_known() -> Exists:
    return Exists(
        RequestedForm.objects.filter(
            request__case=CASE, request__status=FormRequest.Status.SUBMITTED
        )
        .annotate(answers_text=Cast("answers", TextField()))
        .filter(answers_text__contains=NOT_KNOWN_JSON)
    )


def _age_18_or_over() -> Q:
    """The child was 18 or over on the day of death: years, months and days apart compared
    as one number (a month weighs 100 days, a year 10,000), so no date arithmetic that
    SQLite and PostgreSQL write differently."""
    apart = ExpressionWrapper(
        (ExtractYear("date_of_death") - ExtractYear("child_date_of_birth")) * 10000
        + (ExtractMonth("date_of_death") - ExtractMonth("child_date_of_birth")) * 100
        + (ExtractDay("date_of_death") - ExtractDay("child_date_of_birth")),
        output_field=IntegerField(),
    )
    return Q(GreaterThanOrEqual(apart, Value(180000)))  # 18 years, 0 months, 0 days


def from_stage(stage: Status) -> frozenset[Status]:
    """The statuses at this stage of the review or later (transferred, closed as out of
    scope and merged cases are at no stage)."""
    return frozenset(REVIEW_LINE[REVIEW_LINE.index(stage) :])


def between(first: Status, last: Status) -> frozenset[Status]:
    return frozenset(REVIEW_LINE[REVIEW_LINE.index(first) : REVIEW_LINE.index(last) + 1])


@dataclass(frozen=True)
class Rule:
    id: str
    title: str  # the rule's short name, in the area's summary
    message: str  # what to do, on the case's page
    kind: Kind
    section: str  # the key of the case section where it is fixed (cdop.cases.sections)
    fix_label: str
    fires: Callable[[], Q]
    statuses: frozenset[Status] | None = None  # None: at every stage
    applies: Callable[[], Q] | None = None  # a further condition for the item to apply

    @property
    def severity(self) -> Severity:
        return Severity.WARNING if self.kind == Kind.NOT_KNOWN else Severity.ERROR

    @property
    def stage_label(self) -> str:
        if self.statuses is None:
            return "Every stage"
        first = next(s for s in REVIEW_LINE if s in self.statuses)
        return f"From ‘{first.label}’"

    def applies_q(self) -> Q:
        condition = Q(status__in=sorted(self.statuses)) if self.statuses is not None else Q()
        if self.applies is not None:
            condition &= self.applies()
        return condition

    def fires_q(self) -> Q:
        return self.applies_q() & self.fires()


NOTIFICATIONS = "notifications"
EVENTS = "events"
FORMS = "agency-forms"
ANALYSIS = "analysis"
TASKS = "tasks"

_HAS_NOTIFICATION: Callable[[], Q] = lambda: Q(_notifications())  # noqa: E731
_HAS_ANALYSIS: Callable[[], Q] = lambda: Q(_analysis())  # noqa: E731
_AFTER_PANEL = from_stage(Status.PANEL_REVIEWED)

RULES: tuple[Rule, ...] = (
    # --- Missing required items (errors) -------------------------------------------------
    Rule(
        id="notification_missing",
        title="No notification on the case",
        message="The case has no Notification Form, so NCMD receives none of the details of "
        "the death. Add the notification of this death to the case.",
        kind=Kind.MISSING,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: ~Q(_notifications()),
    ),
    Rule(
        id="nhs_number_no_reason",
        title="NHS number missing without a reason",
        message="There is no NHS number and no notification says why (child not resident in "
        "England, or number not available). Record the NHS number, or the reason it is missing.",
        kind=Kind.MISSING,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: (
            Q(child_nhs_number="")
            & ~Q(
                _notifications(
                    nhs_number_status__in=[
                        NhsNumberStatus.NOT_RESIDENT_ENGLAND,
                        NhsNumberStatus.NOT_AVAILABLE,
                    ]
                )
            )
        ),
    ),
    Rule(
        id="postcode_missing",
        title="Postcode of the child's home missing",
        message="The postcode of the child's usual address is missing. NCMD uses it for the "
        "area of residence and deprivation: record it.",
        kind=Kind.MISSING,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: Q(child_postcode=""),
    ),
    Rule(
        id="address_missing",
        title="Child's address missing",
        message="No notification gives the child's home address. Record the address.",
        kind=Kind.MISSING,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: ~Q(_notifications_q(~Q(child_address=""))),
        applies=_HAS_NOTIFICATION,
    ),
    Rule(
        id="gp_practice_missing",
        title="GP practice missing",
        message="No notification names the child's GP practice. Record it (or that the "
        "child was not registered with a GP).",
        kind=Kind.MISSING,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: ~Q(_notifications_q(~Q(gp_practice=""))),
        applies=_HAS_NOTIFICATION,
    ),
    Rule(
        id="expectedness_undecided",
        title="Expected or unexpected still not decided",
        message="The child death review meeting has been held but the death is still recorded "
        "as ‘not known yet’ expected or unexpected. Record which it was.",
        kind=Kind.MISSING,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: Q(expectedness=Expectedness.NOT_KNOWN),
        statuses=from_stage(Status.CDRM_HELD),
    ),
    Rule(
        id="reporting_form_missing",
        title="No Reporting Form returned",
        message="No agency has returned a Reporting Form, which the child death review meeting "
        "needs. Request the forms, or chase the agencies for them.",
        kind=Kind.MISSING,
        section=FORMS,
        fix_label="Reporting Forms",
        fires=lambda: ~Q(_returned_forms()),
        statuses=from_stage(Status.AWAITING_CDRM),
    ),
    Rule(
        id="analysis_missing",
        title="No Analysis Form",
        message="The panel has reviewed the case but there is no Analysis Form. Record the "
        "panel's analysis.",
        kind=Kind.MISSING,
        section=ANALYSIS,
        fix_label="Analysis",
        fires=lambda: ~Q(_analysis()),
        statuses=_AFTER_PANEL,
    ),
    Rule(
        id="analysis_category_missing",
        title="Category of death missing",
        message="The Analysis Form has no category of death. Choose the category the panel agreed.",
        kind=Kind.MISSING,
        section=ANALYSIS,
        fix_label="Analysis",
        fires=lambda: Q(_analysis(Q(category__isnull=True))),
        statuses=_AFTER_PANEL,
        applies=_HAS_ANALYSIS,
    ),
    Rule(
        id="analysis_modifiable_missing",
        title="Modifiable factors not answered",
        message="The Analysis Form does not say whether there were modifiable factors. "
        "Answer the question.",
        kind=Kind.MISSING,
        section=ANALYSIS,
        fix_label="Analysis",
        fires=lambda: Q(_analysis(Q(modifiable=""))),
        statuses=_AFTER_PANEL,
        applies=_HAS_ANALYSIS,
    ),
    Rule(
        id="analysis_expectedness_missing",
        title="Panel's expectedness missing",
        message="The Analysis Form does not say whether the panel agreed the death was "
        "expected or unexpected. Record it.",
        kind=Kind.MISSING,
        section=ANALYSIS,
        fix_label="Analysis",
        fires=lambda: Q(_analysis(Q(expectedness=""))),
        statuses=_AFTER_PANEL,
        applies=_HAS_ANALYSIS,
    ),
    Rule(
        id="analysis_cause_missing",
        title="Cause of death missing",
        message="The Analysis Form has no cause of death. Record the cause of death.",
        kind=Kind.MISSING,
        section=ANALYSIS,
        fix_label="Analysis",
        fires=lambda: Q(_analysis(Q(cause_of_death=""))),
        statuses=_AFTER_PANEL,
        applies=_HAS_ANALYSIS,
    ),
    # --- "Not known" answers (warnings) ---------------------------------------------------
    Rule(
        id="sex_not_known",
        title="Sex not known",
        message="The child's sex is recorded as not known. Record it if it is now known.",
        kind=Kind.NOT_KNOWN,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: Q(child_sex=Sex.NOT_KNOWN),
    ),
    Rule(
        id="ethnicity_not_known",
        title="Ethnicity not known",
        message="Every notification gives the child's ethnicity as not known. Ask the family "
        "or the GP, and record it.",
        kind=Kind.NOT_KNOWN,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: ~Q(_notifications_q(~Q(child_ethnicity=Ethnicity.NOT_KNOWN))),
        applies=_HAS_NOTIFICATION,
    ),
    Rule(
        id="place_of_death_not_known",
        title="Place of death not known",
        message="Every notification gives the place of death as not known. Record where the "
        "child died.",
        kind=Kind.NOT_KNOWN,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: ~Q(_notifications_q(~Q(place_of_death=PlaceOfDeath.NOT_KNOWN))),
        applies=_HAS_NOTIFICATION,
    ),
    Rule(
        id="residence_not_known",
        title="Where the child lived not decided",
        message="No notification settles where the child normally lived. Decide the child's "
        "residence.",
        kind=Kind.NOT_KNOWN,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: ~Q(_notifications_q(~Q(residence_status=ResidenceStatus.UNKNOWN))),
        applies=_HAS_NOTIFICATION,
    ),
    Rule(
        id="expectedness_not_known",
        title="Expected or unexpected not known yet",
        message="The death is recorded as ‘not known yet’ expected or unexpected. Record which "
        "it was as soon as it is known (it decides whether a Joint Agency Response is needed).",
        kind=Kind.NOT_KNOWN,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: Q(expectedness=Expectedness.NOT_KNOWN),
        statuses=between(Status.INFORMATION_GATHERING, Status.AWAITING_CDRM),
    ),
    Rule(
        id="post_mortem_not_known",
        title="Post-mortem not known",
        message="Every notification says ‘not known’ to a post-mortem and none is recorded. "
        "Record the post-mortem, or that there was none.",
        kind=Kind.NOT_KNOWN,
        section=EVENTS,
        fix_label="Coroner, post-mortem and inquest",
        fires=lambda: (
            ~Q(_notifications_q(~Q(post_mortem=YesNoNotKnown.NOT_KNOWN))) & ~Q(_post_mortems(Q()))
        ),
        applies=_HAS_NOTIFICATION,
    ),
    Rule(
        id="coroner_not_known",
        title="Whether the coroner was told not known",
        message="Every notification says ‘not known’ to whether the coroner was informed, and "
        "no coroner referral is recorded. Record the coroner's involvement.",
        kind=Kind.NOT_KNOWN,
        section=EVENTS,
        fix_label="Coroner, post-mortem and inquest",
        fires=lambda: (
            ~Q(_notifications_q(~Q(coroner_informed=YesNoNotKnown.NOT_KNOWN)))
            & ~Q(Exists(CoronerReferral.objects.filter(case=CASE)))
        ),
        applies=_HAS_NOTIFICATION,
    ),
    Rule(
        id="reporting_form_not_known",
        title="Reporting Form answers not known",
        message="A returned Reporting Form answers some questions ‘not known’. Ask the agency "
        "whether the answers can now be given.",
        kind=Kind.NOT_KNOWN,
        section=FORMS,
        fix_label="Reporting Forms",
        fires=lambda: Q(_forms_with_not_known()),
    ),
    Rule(
        id="analysis_modifiable_insufficient",
        title="Modifiable factors: insufficient information",
        message="The Analysis Form says there was insufficient information to decide on "
        "modifiable factors. Check whether the information can now be found.",
        kind=Kind.NOT_KNOWN,
        section=ANALYSIS,
        fix_label="Analysis",
        fires=lambda: Q(_analysis(Q(modifiable=Analysis.Modifiable.INSUFFICIENT))),
    ),
    Rule(
        id="analysis_factor_not_available",
        title="Factor graded ‘information not available’",
        message="A factor in the Analysis Form is graded 0, information not available. Find the "
        "information and grade the factor.",
        kind=Kind.NOT_KNOWN,
        section=ANALYSIS,
        fix_label="Analysis",
        fires=lambda: Q(_factors(grade=Factor.Grade.NOT_AVAILABLE)),
    ),
    # --- Contradictions (errors) ----------------------------------------------------------
    Rule(
        id="expected_with_jar",
        title="Expected death with a Joint Agency Response",
        message="The death is recorded as expected, but a Joint Agency Response was started "
        "(JAR tasks, or a notification triaged as needing one). Correct whichever is wrong.",
        kind=Kind.CONTRADICTION,
        section=TASKS,
        fix_label="Tasks",
        fires=lambda: Q(expectedness=Expectedness.EXPECTED) & _jar(),
    ),
    Rule(
        id="unexpected_without_jar",
        title="Unexpected death with no Joint Agency Response",
        message="The death is recorded as unexpected, but there is no Joint Agency Response "
        "(no JAR tasks). Start the JAR, or correct the expectedness.",
        kind=Kind.CONTRADICTION,
        section=TASKS,
        fix_label="Tasks",
        fires=lambda: Q(expectedness=Expectedness.UNEXPECTED) & ~_jar(),
    ),
    Rule(
        id="death_before_birth",
        title="Date of death before date of birth",
        message="A notification gives a date of death before the date of birth. Correct the dates.",
        kind=Kind.CONTRADICTION,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: (
            Q(date_of_death__lt=F("child_date_of_birth"))
            | Q(_notifications(date_of_death__lt=F("child_date_of_birth")))
        ),
    ),
    Rule(
        id="death_after_notification",
        title="Date of death after the notification",
        message="The date of death is after the day a notification of it was received. "
        "Correct the date of death.",
        kind=Kind.CONTRADICTION,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=lambda: Q(_notifications(received_at__date__lt=OuterRef("date_of_death"))),
    ),
    Rule(
        id="age_18_or_over",
        title="Aged 18 or over at death",
        message="By the dates recorded the child was 18 or over when they died, outside child "
        "death review. Correct the date of birth or death, or close the case as out of scope.",
        kind=Kind.CONTRADICTION,
        section=NOTIFICATIONS,
        fix_label="Notifications",
        fires=_age_18_or_over,
    ),
    Rule(
        id="category_requires_unexpected",
        title="Category needs an unexpected death",
        message="The category of death is one for unexpected deaths only, but the death is "
        "recorded as expected. Correct the category or the expectedness.",
        kind=Kind.CONTRADICTION,
        section=ANALYSIS,
        fix_label="Analysis",
        fires=lambda: (
            Q(
                _analysis(
                    Q(category__requires_unexpected=True)
                    & Q(expectedness=Analysis.Expectedness.EXPECTED)
                )
            )
            | (
                Q(expectedness=Expectedness.EXPECTED)
                & Q(_analysis(Q(category__requires_unexpected=True) & Q(expectedness="")))
            )
        ),
    ),
    Rule(
        id="modifiable_without_factor",
        title="Modifiable, but no factor marked modifiable",
        message="The Analysis Form says there were modifiable factors but none of its factors "
        "is marked modifiable. Mark the modifiable factor, or change the answer.",
        kind=Kind.CONTRADICTION,
        section=ANALYSIS,
        fix_label="Analysis",
        fires=lambda: (
            Q(_analysis(Q(modifiable=Analysis.Modifiable.YES))) & ~Q(_factors(modifiable=True))
        ),
    ),
    Rule(
        id="modifiable_factor_but_no",
        title="Factor marked modifiable, but ‘no modifiable factors’",
        message="A factor is marked modifiable but the Analysis Form says there were no "
        "modifiable factors. Correct the factor or the answer.",
        kind=Kind.CONTRADICTION,
        section=ANALYSIS,
        fix_label="Analysis",
        fires=lambda: (
            Q(_analysis(Q(modifiable=Analysis.Modifiable.NO))) & Q(_factors(modifiable=True))
        ),
    ),
    Rule(
        id="analysis_expectedness_disagrees",
        title="Panel's expectedness differs from the case's",
        message="The panel's Analysis Form and the case disagree on whether the death was "
        "expected. Check which is right and correct the other.",
        kind=Kind.CONTRADICTION,
        section=ANALYSIS,
        fix_label="Analysis",
        fires=lambda: (
            Q(expectedness__in=[Expectedness.EXPECTED, Expectedness.UNEXPECTED])
            & Q(
                _analysis(
                    Q(expectedness__in=[Expectedness.EXPECTED, Expectedness.UNEXPECTED])
                    & ~Q(expectedness=OuterRef("expectedness"))
                )
            )
        ),
    ),
    Rule(
        id="post_mortem_not_requested",
        title="Post-mortem report with no request",
        message="A post-mortem report is recorded, but the post-mortem has no date it was "
        "requested, or the notifications said there would be none. Record when it was requested.",
        kind=Kind.CONTRADICTION,
        section=EVENTS,
        fix_label="Coroner, post-mortem and inquest",
        fires=lambda: (
            Q(
                _post_mortems(
                    ~Q(pm_type=PostMortemType.NONE)
                    & Q(report_received_on__isnull=False)
                    & Q(requested_on__isnull=True)
                )
            )
            | (
                Q(_post_mortems(Q(report_received_on__isnull=False)))
                & Q(_notifications(post_mortem=YesNoNotKnown.NO))
                & ~Q(_notifications(post_mortem=YesNoNotKnown.YES))
            )
        ),
    ),
    Rule(
        id="finalised_without_analysis",
        title="Finalised without a complete analysis",
        message="The review is finalised but its Analysis Form is missing or not complete. "
        "Reopen the review and complete the analysis.",
        kind=Kind.CONTRADICTION,
        section=ANALYSIS,
        fix_label="Analysis",
        fires=lambda: ~Q(_analysis(Q(status=Analysis.Status.COMPLETE))),
        statuses=frozenset({Status.FINALISED}),
    ),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
REQUIRED_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.kind == Kind.MISSING)
ERROR_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.severity == Severity.ERROR)
WARNING_RULES: tuple[Rule, ...] = tuple(r for r in RULES if r.severity == Severity.WARNING)


def flag(condition: Q) -> ExpressionWrapper[Q]:
    return ExpressionWrapper(condition, output_field=BooleanField())
