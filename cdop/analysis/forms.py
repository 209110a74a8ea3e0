"""The Analysis Form page: the panel's answers, and lines (factors in each domain,
recommendations) that grow without JavaScript. "Add another" posts the page, which comes
back with one more empty line and everything typed still in place (nothing is saved)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django import forms

from cdop.analysis.models import Analysis, Factor
from cdop.analysis.rules import (
    EXPLAIN,
    AnalysisDraft,
    FactorDraft,
    Problem,
    RecommendationDraft,
    analysis_contradictions,
)
from cdop.core.forms import GovUKFormMixin

if TYPE_CHECKING:
    from cdop.analysis.models import CategoryOfDeath, FactorDomain
    from cdop.analysis.selectors import FormLists

# More lines than any panel writes in one domain; a forged count cannot make the page huge.
MAX_LINES = 40
RECOMMENDATIONS_PREFIX = "rec"
UNREADABLE_LINE = "This line could not be read. Open the form again and re-enter it."


class MainForm(GovUKFormMixin, forms.Form):
    modifiable = forms.ChoiceField(
        label="Did the panel find modifiable factors?",
        choices=Analysis.Modifiable.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=EXPLAIN["modifiable"],
        error_messages={
            "invalid_choice": "Choose “Yes”, “No” or “Insufficient information”",
        },
    )
    category = forms.ChoiceField(
        label="Category of death",
        required=False,
        widget=forms.RadioSelect,
        help_text=EXPLAIN["category"],
        error_messages={"invalid_choice": "Choose a category of death from the list"},
    )
    cause_of_death = forms.CharField(
        label="Cause of death",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": "3"}),
        help_text=EXPLAIN["cause_of_death"],
        error_messages={"max_length": "Keep the cause of death to 2,000 characters or fewer"},
    )
    learning_points = forms.CharField(
        label="Learning points",
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": "6"}),
        help_text=EXPLAIN["learning_points"],
        error_messages={"max_length": "Keep the learning points to 20,000 characters or fewer"},
    )
    expectedness = forms.ChoiceField(
        label="Was the death expected or unexpected, as agreed by the panel?",
        choices=Analysis.Expectedness.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text=EXPLAIN["expectedness"],
        error_messages={"invalid_choice": "Choose “Expected” or “Unexpected”"},
    )
    seen = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, categories: list[CategoryOfDeath], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.categories = {str(c.pk): c for c in categories}
        self.fields["category"].choices = [(str(c.pk), c.name) for c in categories]  # type: ignore[attr-defined]

    def clean_category(self) -> CategoryOfDeath | None:
        getlist = getattr(self.data, "getlist", None)
        if getlist is not None and len(getlist(self.add_prefix("category"))) > 1:
            raise forms.ValidationError(
                "Choose one category of death only: each death has exactly one, the first in "
                "the list that applies"
            )
        value = self.cleaned_data.get("category")
        return self.categories.get(value) if value else None


GRADE_CHOICES = [("", "Choose a grade"), *((str(v), label) for v, label in Factor.Grade.choices)]


class FactorLineForm(GovUKFormMixin, forms.Form):
    pk = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"invalid": UNREADABLE_LINE, "min_value": UNREADABLE_LINE},
    )
    description = forms.CharField(
        label="Factor",
        required=False,
        max_length=2000,
        error_messages={"max_length": "Keep each factor to 2,000 characters or fewer"},
    )
    grade = forms.TypedChoiceField(
        label="Grade",
        choices=GRADE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": "Grade a factor 0, 1 or 2: “%(value)s” is not a grade on the "
            "Analysis Form",
        },
    )
    modifiable = forms.BooleanField(label="A modifiable factor", required=False)
    remove = forms.BooleanField(label="Remove this factor", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("remove") or self.is_blank:
            return data
        if not data.get("description") and "description" not in self.errors:
            self.add_error(
                "description", "Describe the factor, or remove the line if it is not needed"
            )
        if data.get("grade") is None and "grade" not in self.errors:
            self.add_error("grade", "Choose a grade for this factor: 0, 1 or 2")
        grade = data.get("grade")
        if data.get("modifiable") and grade is not None and grade != 2:
            self.add_error(
                "modifiable",
                "Only a factor graded 2 can be modifiable: grade it 2, or untick “A "
                "modifiable factor”",
            )
        return data

    @property
    def is_blank(self) -> bool:
        """An empty line (left as it came, or cleared): nothing to save."""
        data = getattr(self, "cleaned_data", {})
        return (
            not data.get("description")
            and data.get("grade") is None
            and not data.get("modifiable")
            and "grade" not in self.errors
        )


class RecommendationLineForm(GovUKFormMixin, forms.Form):
    pk = forms.IntegerField(
        required=False,
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={"invalid": UNREADABLE_LINE, "min_value": UNREADABLE_LINE},
    )
    text = forms.CharField(
        label="Recommendation",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": "2"}),
        error_messages={"max_length": "Keep each recommendation to 4,000 characters or fewer"},
    )
    remove = forms.BooleanField(label="Remove this recommendation", required=False)

    @property
    def is_blank(self) -> bool:
        return not getattr(self, "cleaned_data", {}).get("text")


def _line_count(value: Any) -> int:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 10 else 0


def _raw(form: forms.Form, data: Mapping[str, Any]) -> dict[str, Any]:
    """What was typed into a form, as initial values (no cleaning, no errors)."""
    return {
        name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        for name, field in form.fields.items()
    }


class Lines:
    """A growing list of one kind of line on the page, each a small form `<prefix>-<n>-*`,
    with their count in `<prefix>-lines`."""

    def __init__(
        self,
        form_class: type[FactorLineForm] | type[RecommendationLineForm],
        prefix: str,
        *,
        data: Mapping[str, Any] | None = None,
        initial: Iterable[dict[str, Any]] = (),
        typed: Mapping[str, Any] | None = None,
        add: bool = False,
    ) -> None:
        self.prefix = prefix
        self.too_many = False
        self.errors: list[str] = []
        self.forms: list[Any] = []
        source = data if data is not None else typed
        if source is not None:
            count = _line_count(source.get(f"{prefix}-lines"))
            if count > MAX_LINES:
                self.too_many, count = True, MAX_LINES
            for i in range(count):
                if data is not None:
                    self.forms.append(form_class(data, prefix=f"{prefix}-{i}"))
                else:
                    blank = form_class(prefix=f"{prefix}-{i}")
                    self.forms.append(
                        form_class(initial=_raw(blank, source), prefix=f"{prefix}-{i}")
                    )
        else:
            self.forms = [
                form_class(initial=row, prefix=f"{prefix}-{i}") for i, row in enumerate(initial)
            ]
        if (add or not self.forms) and len(self.forms) < MAX_LINES:
            self.forms.append(form_class(prefix=f"{prefix}-{len(self.forms)}"))
        self.can_add = len(self.forms) < MAX_LINES

    def is_valid(self) -> bool:
        # An unbound line is the empty one offered after the posted ones: nothing to check.
        valid = all(form.is_valid() for form in self.forms if form.is_bound)
        if self.too_many:
            self.errors.append(f"There can be no more than {MAX_LINES} lines here")
        return valid and not self.too_many

    def kept(self) -> list[Any]:
        """The lines to save: not removed, not left empty."""
        return [
            f
            for f in self.forms
            if f.is_bound and not f.cleaned_data.get("remove") and not f.is_blank
        ]


class AnalysisPage:
    """The whole Analysis Form page: the answers, the factor lines of each domain and the
    recommendation lines, validated together against cdop.analysis.rules."""

    def __init__(
        self,
        *,
        lists: FormLists,
        analysis: Analysis | None = None,
        seen: str = "",
        data: Mapping[str, Any] | None = None,
        add: str = "",
    ) -> None:
        self.lists = lists
        categories = lists.categories
        # "Add another": show what was typed, unchecked, with one more line where asked.
        typed = data if add else None
        bound = None if add else data
        if bound is not None:
            self.main = MainForm(bound, categories=categories)
        elif typed is not None:
            self.main = MainForm(
                initial=_raw(MainForm(categories=categories), typed), categories=categories
            )
        else:
            self.main = MainForm(initial=_initial(analysis, seen), categories=categories)
        factors = list(analysis.factors.all()) if analysis else []
        self.domains: list[tuple[FactorDomain, Lines]] = [
            (
                domain,
                Lines(
                    FactorLineForm,
                    f"d{domain.position}",
                    data=bound,
                    typed=typed,
                    add=add == f"d{domain.position}",
                    initial=[
                        {
                            "pk": f.pk,
                            "description": f.description,
                            "grade": str(f.grade),
                            "modifiable": f.modifiable,
                        }
                        for f in factors
                        if f.domain_id == domain.pk
                    ],
                ),
            )
            for domain in lists.domains
        ]
        self.recommendations = Lines(
            RecommendationLineForm,
            RECOMMENDATIONS_PREFIX,
            data=bound,
            typed=typed,
            add=add == RECOMMENDATIONS_PREFIX,
            initial=[
                {"pk": r.pk, "text": r.text}
                for r in (analysis.recommendations.all() if analysis else [])
            ],
        )
        self.factor_errors: list[str] = []
        self.general_errors: list[str] = []

    @property
    def all_lines(self) -> list[Lines]:
        return [lines for _, lines in self.domains] + [self.recommendations]

    def is_valid(self) -> bool:
        valid = self.main.is_valid()
        for lines in self.all_lines:
            valid = lines.is_valid() and valid
        if not valid:
            return False
        problems = analysis_contradictions(self.draft())
        self.add_problems(problems)
        return not problems

    def draft(self) -> AnalysisDraft:
        """The page's answers (call after is_valid)."""
        main = self.main.cleaned_data
        return AnalysisDraft(
            modifiable=main.get("modifiable", ""),
            category=main.get("category"),
            cause_of_death=main.get("cause_of_death", ""),
            learning_points=main.get("learning_points", ""),
            expectedness=main.get("expectedness", ""),
            factors=[
                FactorDraft(
                    domain_id=domain.pk,
                    description=form.cleaned_data["description"],
                    grade=form.cleaned_data["grade"],
                    modifiable=form.cleaned_data["modifiable"],
                    pk=form.cleaned_data["pk"],
                )
                for domain, lines in self.domains
                for form in lines.kept()
            ],
            recommendations=[
                RecommendationDraft(text=form.cleaned_data["text"], pk=form.cleaned_data["pk"])
                for form in self.recommendations.kept()
            ],
        )

    def seen(self) -> str | None:
        return self.main.cleaned_data.get("seen") or None

    def add_problems(self, problems: Iterable[Problem]) -> None:
        for problem in problems:
            if problem.field in self.main.fields and problem.field != "seen":
                if problem.field not in self.main.errors:
                    self.main.add_error(problem.field, problem.message)
            elif problem.field == "factors":
                self.factor_errors.append(problem.message)
            elif problem.field == "recommendations":
                self.recommendations.errors.append(problem.message)
            else:
                self.general_errors.append(problem.message)

    def error_summary(self) -> list[tuple[str, str]]:
        """(link, message) for every error on the page, in the page's order."""
        found = [("#analysis-form", m) for m in self.general_errors]
        found += [("#analysis-form", str(m)) for m in self.main.non_field_errors()]
        found += [("#factors", m) for m in self.factor_errors]
        for domain, lines in self.domains:
            found += [(f"#domain-{domain.position}", m) for m in lines.errors]
            for form in lines.forms:
                found += _line_errors(form)
        for name in ("modifiable", "category", "cause_of_death", "expectedness"):
            found += [(_anchor(self.main, name), str(m)) for m in self.main.errors.get(name, [])]
        found += [
            (_anchor(self.main, "learning_points"), str(m))
            for m in self.main.errors.get("learning_points", [])
        ]
        found += [("#recommendations", m) for m in self.recommendations.errors]
        for form in self.recommendations.forms:
            found += _line_errors(form)
        return found


def _anchor(form: forms.Form, name: str) -> str:
    field = form[name]
    if isinstance(field.field.widget, forms.RadioSelect):
        return f"#{field.auto_id}_0"
    return f"#{field.id_for_label}"


def _line_errors(form: forms.Form) -> list[tuple[str, str]]:
    if not form.is_bound:
        return []
    found = []
    for name in form.fields:
        for message in form.errors.get(name, []):
            target = form.prefix or "" if name == "pk" else form[name].id_for_label
            found.append((f"#{target}", str(message)))
    return found


def _initial(analysis: Analysis | None, seen: str) -> dict[str, Any]:
    if analysis is None:
        return {"seen": seen}
    return {
        "modifiable": analysis.modifiable,
        "category": str(analysis.category_id or ""),
        "cause_of_death": analysis.cause_of_death,
        "learning_points": analysis.learning_points,
        "expectedness": analysis.expectedness,
        "seen": seen,
    }
