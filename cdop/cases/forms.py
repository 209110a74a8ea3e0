from __future__ import annotations

import copy
import datetime as dt
import functools
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from cdop.cases.models import Expectedness
from cdop.cases.search import SearchError, SearchQuery, search_parse
from cdop.cases.selectors import (
    DEFAULT_SORT,
    NO_KEY_WORKER,
    SORTS,
    CaseListFilters,
    ClockFilter,
)
from cdop.cases.workflow import TRANSITIONS, Status, Transition
from cdop.core.forms import GovUKFormMixin


class TransitionForm(GovUKFormMixin, forms.Form):
    reason = forms.CharField(
        max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": "3"})
    )
    into_reference = forms.CharField(
        max_length=24,
        required=False,
        label="Reference of the case to merge into",
        help_text="For example, LLR-2026-0001",
    )

    def __init__(self, *args: Any, transition: Transition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = transition.reason_label
        self.fields["reason"].required = transition.reason_required
        self.fields["reason"].error_messages["required"] = (
            f"Enter {transition.reason_label[0].lower()}{transition.reason_label[1:]}"
        )
        if transition.name != "case_merge_duplicate":
            del self.fields["into_reference"]
        else:
            self.fields["into_reference"].required = True
            self.fields["into_reference"].error_messages["required"] = (
                "Enter the reference of the case this one duplicates"
            )


@functools.cache
def transition_form_blank(name: str) -> SafeString:
    """An empty transition form's markup, the same on every case: rendered once a process
    (through the GOV.UK field templates it cost a fifth of the overview's time)."""
    form = TransitionForm(transition=TRANSITIONS[name], auto_id=f"id_{name}_%s")
    return mark_safe(str(form))  # noqa: S308 - our own form's rendered markup


# Child death overview panels began in England in April 2008: no death reviewed here is older.
FIRST_YEAR = 2008


def _years() -> list[tuple[str, str]]:
    return [(str(y), str(y)) for y in range(timezone.localdate().year, FIRST_YEAR - 1, -1)]


def _reporting_years() -> list[tuple[str, str]]:
    today = timezone.localdate()
    latest = today.year if today.month >= 4 else today.year - 1
    return [(str(y), f"April {y} to March {y + 1}") for y in range(latest, FIRST_YEAR - 1, -1)]


def _filter_fields_choose(
    fields: dict[str, forms.Field], key_workers: tuple[tuple[int, str], ...] | None
) -> None:
    """Fill in the choices that change: the years (by today's date) and the key workers;
    without a list of key workers (a key worker reading their own cases) there is no filter."""
    cast(forms.ChoiceField, fields["year"]).choices = [("", "Any"), *_years()]
    cast(forms.ChoiceField, fields["reporting_year"]).choices = [("", "Any"), *_reporting_years()]
    if key_workers is not None:
        cast(forms.ChoiceField, fields["key_worker"]).choices = [
            ("", "Anyone"),
            (NO_KEY_WORKER, "No key worker yet"),
            *((str(pk), name) for pk, name in key_workers),
        ]
    else:
        del fields["key_worker"]


@functools.lru_cache(maxsize=32)
def _filter_fields(
    today: dt.date, key_workers: tuple[tuple[int, str], ...] | None
) -> dict[str, forms.Field]:
    """The filter form's fields for validating only, shared by every request of the day with
    these key workers (`today` is in the key so that the years move on at midnight)."""
    fields = copy.deepcopy(CaseFilterForm.base_fields)
    _filter_fields_choose(fields, key_workers)
    return fields


class CaseFilterForm(GovUKFormMixin, forms.Form):
    """The case list's search box and filters, all in the query string (bookmarkable).

    A value from one of the lists that is not on it (an old bookmark, an edited address) is
    ignored and marked next to its filter; only the typed search can make the page a 400.
    """

    q = forms.CharField(
        label="Search by reference, name, NHS number or date of death",
        help_text="For example LLR-2024-0107, Smith-Jones, 999 000 0026 or 3/11/2026",
        max_length=100,
        required=False,
        error_messages={"max_length": "Search for 100 characters or fewer"},
    )
    status = forms.MultipleChoiceField(
        label="Stage",
        choices=Status.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose stages from the list"},
    )
    clock = forms.ChoiceField(
        label="Timescales",
        choices=[("", "Any"), *ClockFilter.CHOICES],
        required=False,
        error_messages={"invalid_choice": "Choose a timescale from the list"},
    )
    key_worker = forms.ChoiceField(
        label="Key worker",
        required=False,
        error_messages={"invalid_choice": "Choose a key worker from the list"},
    )
    expectedness = forms.ChoiceField(
        label="Expected or unexpected",
        choices=[("", "Any"), *Expectedness.choices],
        required=False,
        error_messages={"invalid_choice": "Choose expected, unexpected or not known yet"},
    )
    year = forms.ChoiceField(
        label="Year of death",
        required=False,
        error_messages={"invalid_choice": "Choose a year of death from the list"},
    )
    reporting_year = forms.ChoiceField(
        label="Reporting year of death (April to March)",
        required=False,
        error_messages={"invalid_choice": "Choose a reporting year from the list"},
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[(key, label) for key, (label, _order) in SORTS.items()],
        required=False,
        error_messages={"invalid_choice": "Choose an order from the list"},
    )

    def __init__(
        self, *args: Any, key_workers: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        # Only validating (the page's controls are built by the presenters): the fields are
        # read and never changed, so one set made per day and list of key workers serves
        # every request instead of a deep copy of eight fields and their choices each time
        # (a tenth of the case list's time). A form to be rendered gets its own copies.
        shared = not kwargs.get("for_rendering", True)
        if shared:
            vars(self)["base_fields"] = {}  # nothing for Django to copy; the shared set follows
        super().__init__(*args, **kwargs)
        self.search: SearchQuery | None = None
        workers = tuple(key_workers) if key_workers is not None else None
        if shared:
            del vars(self)["base_fields"]
            self.fields = dict(_filter_fields(timezone.localdate(), workers))
        else:
            _filter_fields_choose(self.fields, workers)

    def clean_q(self) -> str:
        text: str = self.cleaned_data["q"].strip()
        if text:
            try:
                self.search = search_parse(text)
            except SearchError as error:
                raise forms.ValidationError(str(error)) from None
        return text

    @property
    def search_failed(self) -> bool:
        return "q" in self.errors

    def _raw_list(self, name: str) -> list[str]:
        getlist = getattr(self.data, "getlist", None)
        return list(getlist(name)) if getlist is not None else []

    def list_filters(self) -> CaseListFilters:
        """The filters to apply: the valid ones (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        year, reporting_year = data.get("year"), data.get("reporting_year")
        return CaseListFilters(
            search=self.search,
            # The stages on the list, even when another one beside them is not.
            statuses=tuple(s for s in self._raw_list("status") if s in Status.values),
            clock=data.get("clock") or "",
            key_worker=data.get("key_worker") or "",
            expectedness=data.get("expectedness") or "",
            year=int(year) if year else None,
            reporting_year=int(reporting_year) if reporting_year else None,
            sort=data.get("sort") or DEFAULT_SORT,
        )
