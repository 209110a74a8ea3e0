"""The public notification form: the national Notification Form asked over a few short pages.

Each page is a form. The answers of every page are kept, as posted, in a NotificationDraft;
cleaning them all again (draft_check) gives the details to send, or the first page that still
needs an answer. Rules shared with the API live in cdop.notifications.validation.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

from django import forms
from django.utils import timezone

from cdop.cases.models import Expectedness, Sex
from cdop.core.crypto import nhs_number_spaced
from cdop.core.forms import DateField, GovUKFormMixin, TelephoneField
from cdop.notifications import validation
from cdop.notifications.models import Notification
from cdop.notifications.reference import Ethnicity, NhsNumberStatus, PlaceOfDeath, YesNoNotKnown
from cdop.notifications.services import NotificationDetails

YES_NO = [("yes", "Yes"), ("no", "No")]
HONEYPOT = "website"


def _text(label: str, max_length: int, *, required: str = "", **kwargs: Any) -> forms.CharField:
    errors = {"required": required} if required else {}
    return forms.CharField(
        label=label, max_length=max_length, required=bool(required), error_messages=errors, **kwargs
    )


def _area(label: str, max_length: int, *, required: str = "", **kwargs: Any) -> forms.CharField:
    return _text(label, max_length, required=required, widget=forms.Textarea, **kwargs)


def _radios(label: str, choices: Any, required: str, **kwargs: Any) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": required},
        **kwargs,
    )


@dataclass(frozen=True)
class Conditional:
    """A radio answer that reveals another question (GOV.UK conditional reveal). Without
    JavaScript the question shows all the time; its answer is only used for that choice."""

    value: str
    field: str


class PageForm(GovUKFormMixin, forms.Form):
    """One page of the notification. `answers` are the cleaned answers of the other pages,
    for the rules that span pages (such as the death not being before the birth)."""

    # A honeypot: hidden from people (and from screen readers), filled in by some robots.
    website = forms.CharField(
        label="Leave this blank",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    conditionals: dict[str, Conditional] = {}
    # Answers on this page that the summary does not show as rows of their own.
    not_summarised: tuple[str, ...] = ()

    def __init__(self, *args: Any, answers: Mapping[str, Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.answers: Mapping[str, Any] = answers or {}

    @classmethod
    def data_keys(cls) -> list[str]:
        """The names this page posts, so only they are kept in the draft."""
        keys: list[str] = []
        for name, field in cls.base_fields.items():
            if name == HONEYPOT:
                continue
            widget = field.widget
            if isinstance(widget, forms.MultiWidget):
                keys += [f"{name}{suffix}" for suffix in widget.widgets_names]  # type: ignore[attr-defined]
            else:
                keys.append(name)
        return keys

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(HONEYPOT))

    def layout(self) -> list[dict[str, Any]]:
        """The questions in order, each with the question it reveals, for the template."""
        revealed = {c.field for c in self.conditionals.values()}
        rows = []
        for name in self.fields:
            if name == HONEYPOT or name in revealed:
                continue
            conditional = self.conditionals.get(name)
            rows.append(
                {
                    "field": self[name],
                    "show_for": conditional.value if conditional else None,
                    "reveal": self[conditional.field] if conditional else None,
                }
            )
        return rows


class ChildForm(PageForm):
    out_of_scope = _radios(
        "Is this a stillbirth, a late foetal loss or a termination of pregnancy?",
        YES_NO,
        "Select yes if this is a stillbirth, a late foetal loss or a termination of pregnancy",
        help_text="A baby who showed signs of life after birth, at any gestation, is a child: "
        "answer no.",
    )
    child_first_name = _text("Child's first name", 100, required="Enter the child's first name")
    child_last_name = _text("Child's last name", 100, required="Enter the child's last name")
    child_other_names = _text(
        "Other names the child was known by (optional)",
        200,
        help_text="For example, a name used at school or a family name",
    )
    child_date_of_birth = DateField(
        label="Date of birth",
        help_text="For example, 27 3 2024",
        error_messages={"required": "Enter the child's date of birth"},
    )
    child_sex = _radios("Sex", Sex.choices, "Select the child's sex, or ‘Not known’")
    child_ethnicity = forms.ChoiceField(
        label="Ethnic group",
        choices=[("", "Select an ethnic group"), *Ethnicity.choices],
        help_text="As the family describes it, if you know. Otherwise choose ‘Not known’.",
        error_messages={"required": "Select the child's ethnic group, or ‘Not known’"},
    )
    nhs_number_status = _radios(
        "Do you know the child's NHS number?",
        [
            (NhsNumberStatus.GIVEN, "Yes"),
            (NhsNumberStatus.NOT_AVAILABLE, "No, it is not available at the moment"),
            (NhsNumberStatus.NOT_RESIDENT_ENGLAND, "No, the child did not live in England"),
        ],
        "Select whether you know the child's NHS number",
    )
    child_nhs_number = _text(
        "NHS number",
        14,
        help_text="10 digits, like 999 123 4567",
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "class": "govuk-input govuk-input--width-10",
                "spellcheck": "false",
            }
        ),
    )
    child_postcode = _text(
        "Postcode of the child's home (optional)",
        8,
        help_text="We use it to find which panel reviews the death",
        widget=forms.TextInput(
            attrs={"class": "govuk-input govuk-input--width-10", "autocomplete": "off"}
        ),
    )
    child_address = _area("Address of the child's home (optional)", 500)
    gp_practice = _text("The child's GP practice (optional)", 200)

    conditionals = {"nhs_number_status": Conditional(NhsNumberStatus.GIVEN, "child_nhs_number")}
    not_summarised = ("out_of_scope", "nhs_number_status")

    def clean_child_postcode(self) -> str:
        return validation.clean_postcode(self.cleaned_data.get("child_postcode", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("out_of_scope") == "yes":
            self.add_error(
                "out_of_scope",
                "Stillbirths, late foetal losses and terminations of pregnancy are not notified "
                "here. Answer no if the baby showed signs of life after birth.",
            )
        if data.get("nhs_number_status") == NhsNumberStatus.GIVEN:
            try:
                number = validation.clean_nhs_number(data.get("child_nhs_number", ""))
            except forms.ValidationError as error:
                self.add_error("child_nhs_number", error)
            else:
                if not number:
                    self.add_error("child_nhs_number", validation.NHS_NUMBER_MISSING)
                data["child_nhs_number"] = number
        else:
            data["child_nhs_number"] = ""  # typed, then another answer chosen: not used
        died = self.answers.get("date_of_death")
        errors = validation.check_dates(
            born=data.get("child_date_of_birth"), died=died, today=timezone.localdate()
        )
        if "child_date_of_birth" in errors:
            self.add_error("child_date_of_birth", errors["child_date_of_birth"])
        elif "date_of_death" in errors and died is not None:
            self.add_error(
                "child_date_of_birth",
                f"{errors['date_of_death']} (you gave {_date(died)} as the date of death)",
            )
        return data


class DeathForm(PageForm):
    date_of_death = DateField(
        label="Date of death",
        help_text="For example, 14 11 2026",
        error_messages={"required": "Enter the date the child died"},
    )
    time_of_death = forms.TimeField(
        label="Time of death (optional)",
        required=False,
        input_formats=["%H:%M", "%H.%M"],
        help_text="Use the 24-hour clock, for example 14:30",
        error_messages={"invalid": "Enter the time of death like 14:30, or leave it blank"},
        widget=forms.TimeInput(format="%H:%M", attrs={"class": "govuk-input govuk-input--width-5"}),
    )
    place_of_death = _radios(
        "Where did the child die?",
        PlaceOfDeath.choices,
        "Select where the child died, or ‘Not known’",
    )
    place_of_death_detail = _text(
        "Name of the hospital or place (optional)",
        300,
        help_text="For example, Leicester Royal Infirmary, or the town for a public place",
    )
    expectedness = _radios(
        "Was the death expected?",
        Expectedness.choices,
        "Select whether the death was expected, unexpected or not known yet",
        help_text="A death is unexpected if it was not anticipated as a significant possibility "
        "24 hours before, or followed an unexpected collapse or incident.",
    )
    post_mortem = _radios(
        "Will there be a post-mortem?",
        YesNoNotKnown.choices,
        "Select whether there will be a post-mortem, or ‘Not known’",
    )
    coroner_informed = _radios(
        "Has the coroner been told of the death?",
        YesNoNotKnown.choices,
        "Select whether the coroner has been told, or ‘Not known’",
    )
    circumstances = _area(
        "What happened",
        5000,
        required="Enter a short summary of what happened",
        help_text="A short summary of the circumstances of the death, as far as you know them.",
    )
    ncmd_alert = _radios(
        "Does this death need the National Child Mortality Database's urgent attention?",
        YES_NO,
        "Select yes if this death needs the National Child Mortality Database's urgent attention",
        help_text="For example, a death that may point to a risk to other children, such as a "
        "faulty product or an outbreak.",
    )
    ncmd_alert_reason = _area("Why does it need urgent attention?", 1000)

    conditionals = {"ncmd_alert": Conditional("yes", "ncmd_alert_reason")}

    def clean_ncmd_alert(self) -> bool:
        return bool(self.cleaned_data.get("ncmd_alert") == "yes")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        died = data.get("date_of_death")
        today = timezone.localdate()
        errors = validation.check_dates(
            born=self.answers.get("child_date_of_birth"), died=died, today=today
        )
        if "date_of_death" in errors:
            self.add_error("date_of_death", errors["date_of_death"])
        late = validation.time_of_death_error(died=died, at=data.get("time_of_death"))
        if late:
            self.add_error("time_of_death", late)
        if data.get("ncmd_alert"):
            if not data.get("ncmd_alert_reason"):
                self.add_error("ncmd_alert_reason", validation.ALERT_REASON_MISSING)
        else:
            data["ncmd_alert_reason"] = ""
        return data


class FamilyForm(PageForm):
    parental_responsibility = _area(
        "Who has parental responsibility for the child? (optional)",
        2000,
        help_text="Names, and their relationship to the child, one person a line",
    )
    other_children = _area(
        "Other children in the household (optional)",
        2000,
        help_text="First names and ages, one child a line",
    )
    carer_at_time = _area(
        "Who was caring for the child at the time? (optional)",
        1000,
        help_text="For example, mother at home, or nursery staff",
    )


class ProfessionalsForm(PageForm):
    professionals_involved = _area(
        "Professionals involved with the child or family (optional)",
        3000,
        help_text="Name, role and organisation, one a line. For example, health visitor, "
        "social worker, GP, school nurse, consultant.",
    )


class NotifierForm(PageForm):
    notifier_name = _text(
        "Your full name",
        200,
        required="Enter your full name",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    notifier_role = _text(
        "Your role",
        200,
        required="Enter your role",
        help_text="For example, paediatric registrar",
    )
    notifier_organisation = _text(
        "Your organisation",
        200,
        required="Enter your organisation",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    notifier_email = forms.EmailField(
        label="Your work email address",
        max_length=254,
        help_text="We send your reference number here",
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@example.nhs.uk",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    notifier_phone = TelephoneField(
        label="Your work telephone number",
        max_length=40,
        error_messages={"required": "Enter a telephone number we can reach you on"},
    )


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    form_class: type[PageForm]


PAGES: tuple[Page, ...] = (
    Page("child", "The child", ChildForm),
    Page("death", "The death", DeathForm),
    Page("family", "Family and household", FamilyForm),
    Page("professionals", "Professionals involved", ProfessionalsForm),
    Page("you", "About you", NotifierForm),
)
PAGES_BY_SLUG = {page.slug: page for page in PAGES}


def _page_clean(
    page: Page, data: Mapping[str, Mapping[str, str]], answers: Mapping[str, Any]
) -> dict[str, Any] | None:
    raw = data.get(page.slug)
    if raw is None:
        return None
    form = page.form_class(raw, answers=answers, for_rendering=False)
    return dict(form.cleaned_data) if form.is_valid() else None


# The answers one page checks against another's: the child's dates.
_CROSS_PAGE = (("child", "child_date_of_birth"), ("death", "date_of_death"))


def cross_page_answers(data: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The answers one page checks against another's (the child's dates), cleaned straight
    from the field definitions: making every page's form for them is the dearest part of
    showing a page or checking a draft."""
    found: dict[str, Any] = {}
    for slug, name in _CROSS_PAGE:
        raw = data.get(slug)
        if raw is None:
            continue
        field = PAGES_BY_SLUG[slug].form_class.base_fields[name]
        try:
            found[name] = field.clean(field.widget.value_from_datadict(raw, {}, name))
        except forms.ValidationError:
            continue
    return found


def draft_check(data: Mapping[str, Mapping[str, str]]) -> tuple[dict[str, Any], str | None]:
    """All the answers, checked together; (answers, slug of the first page still to answer
    or to correct), the slug None when everything can be sent."""
    loose = cross_page_answers(data)
    answers: dict[str, Any] = {}
    for page in PAGES:
        cleaned = _page_clean(page, data, loose)
        if cleaned is None:
            return answers, page.slug
        answers.update(cleaned)
    return answers, None


def _from_json(field: forms.Field, value: Any) -> Any:
    if value is None or value == "":
        return value
    if isinstance(field, DateField | forms.DateField):
        return datetime.date.fromisoformat(value)
    if isinstance(field, forms.TimeField):
        return datetime.time.fromisoformat(value)
    return value


def draft_check_saved(
    data: Mapping[str, Mapping[str, str]],
    cleaned: Mapping[str, Mapping[str, Any]],
    *,
    today: datetime.date,
) -> tuple[dict[str, Any], str | None] | None:
    """draft_check for sending, from the answers each page's form cleaned when it was saved:
    only the rules between pages (the child's dates, and "today") are checked again, since
    nothing else a page checks can change without that page being saved again. None when
    a page has no saved cleaned answers (a draft from before they were kept)."""
    answers: dict[str, Any] = {}
    for page in PAGES:
        if page.slug not in data:
            return answers, page.slug
        saved = cleaned.get(page.slug)
        if saved is None:
            return None
        fields_ = page.form_class.base_fields
        answers.update(
            {k: _from_json(fields_[k], v) if k in fields_ else v for k, v in saved.items()}
        )
    errors = validation.check_dates(
        born=answers.get("child_date_of_birth"), died=answers.get("date_of_death"), today=today
    )
    if "child_date_of_birth" in errors:
        return answers, "child"
    if errors:
        return answers, "death"
    return answers, None


def details_from_answers(answers: Mapping[str, Any]) -> NotificationDetails:
    names = {f.name for f in fields(NotificationDetails)}
    return NotificationDetails(**{k: v for k, v in answers.items() if k in names})


# --- The summary of the answers: check your answers, the PDF copy and staff pages ----------


def _date(value: datetime.date) -> str:
    return f"{value.day} {value:%B %Y}"


def _display(field: forms.Field, value: Any) -> str:
    if value is None or value == "":
        return "Not given"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return _date(value)
    if isinstance(value, datetime.time):
        return f"{value:%H:%M}"
    choices = dict(getattr(field, "choices", []) or [])
    return str(choices.get(value, value))


def _nhs_number(values: Mapping[str, Any]) -> str:
    number = str(values.get("child_nhs_number") or "")
    if values.get("nhs_number_status", NhsNumberStatus.GIVEN) == NhsNumberStatus.GIVEN:
        return nhs_number_spaced(number) if len(number) == 10 else "Not given"
    return str(NhsNumberStatus(values["nhs_number_status"]).label)


def _hidden_follow_ups(form_class: type[PageForm], values: Mapping[str, Any]) -> set[str]:
    """The follow-up questions whose answer is not used, because the answer that reveals them
    was another one (a reason for urgent attention when the notifier said No): the summary
    leaves them out rather than show "Not given". The NHS number has its own row."""
    hidden = set()
    for parent, conditional in form_class.conditionals.items():
        answer = values.get(parent)
        if isinstance(answer, bool):  # a yes-or-no radio, cleaned to a bool
            answer = "yes" if answer else "no"
        if conditional.field != "child_nhs_number" and answer != conditional.value:
            hidden.add(conditional.field)
    return hidden


def summary_sections(values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The answers as sections of rows (label, value), by page, in the form's words. `values`
    are cleaned answers or a Notification's fields; values are text, escaped when shown."""
    sections = []
    for page in PAGES:
        rows = []
        hidden = _hidden_follow_ups(page.form_class, values)
        for name, field in page.form_class.base_fields.items():
            if name == HONEYPOT or name in page.form_class.not_summarised or name in hidden:
                continue
            label = str(field.label).removesuffix(" (optional)")
            # Where "Change" lands: the first radio of a question answered with radios.
            anchor = f"id_{name}_0" if isinstance(field.widget, forms.RadioSelect) else f"id_{name}"
            if name == "child_nhs_number":
                value = _nhs_number(values)
                anchor = "id_nhs_number_status_0"
            else:
                value = _display(field, values.get(name))
            rows.append({"name": name, "label": label, "value": value, "anchor": anchor})
        sections.append({"slug": page.slug, "title": page.title, "rows": rows})
    return sections


def notification_values(notification: Any, names: Sequence[str] | None = None) -> dict[str, Any]:
    """A stored notification's answers, for summary_sections."""
    wanted = names or [f.name for f in fields(NotificationDetails)] + ["nhs_number_status"]
    return {name: getattr(notification, name) for name in wanted}


def notification_answers_context(notification: Any, *, for_staff: bool) -> dict[str, Any]:
    """The context of notifications/_answers.html for a stored notification; staff also see
    the hours from the death to the notification (the 24-hour clock)."""
    from cdop.notifications.services import notification_hours_since_death

    return {
        "sections": summary_sections(notification_values(notification)),
        "area": notification.area,
        "change_links": False,
        "show_time_to_notification": for_staff,
        "hours_since_death": notification_hours_since_death(notification) if for_staff else None,
    }


class QueueFilterForm(GovUKFormMixin, forms.Form):
    """The staff queue's status filter, from the query string. A status that is not on the
    list (an old bookmark, an edited address) is marked, and the queue shows the new
    notifications, as the case list ignores and marks a filter it does not know."""

    status = forms.ChoiceField(
        label="Status",
        choices=Notification.Status.choices,
        required=False,
        error_messages={"invalid_choice": "Choose a status from the list"},
    )

    def chosen_status(self) -> str:
        """The status to list: the one chosen, or new when none was or it is not a status."""
        status = self.cleaned_data.get("status") if self.is_valid() else None
        return status or Notification.Status.NEW
