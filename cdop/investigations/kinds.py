"""The four kinds of event, each with its model, form and rules, looked up by the slug in
the address (/events/post-mortem/add/)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cdop.investigations import forms, rules
from cdop.investigations.models import (
    CaseEvent,
    CoronerReferral,
    Inquest,
    MedicalExaminerReview,
    PostMortem,
)


@dataclass(frozen=True)
class EventKind:
    slug: str
    title: str  # "Post-mortem"
    noun: str  # "post-mortem", in a sentence
    a_noun: str  # "an inquest": for "Add an inquest"
    model: type[CaseEvent]
    form: type[forms.EventForm]
    check: Callable[..., rules.Errors]


KINDS: dict[str, EventKind] = {
    k.slug: k
    for k in (
        EventKind(
            "coroner",
            "Coroner",
            "coroner referral",
            "a coroner referral",
            CoronerReferral,
            forms.CoronerForm,
            rules.check_coroner,
        ),
        EventKind(
            "post-mortem",
            "Post-mortem",
            "post-mortem",
            "a post-mortem",
            PostMortem,
            forms.PostMortemForm,
            rules.check_post_mortem,
        ),
        EventKind(
            "inquest",
            "Inquest",
            "inquest",
            "an inquest",
            Inquest,
            forms.InquestForm,
            rules.check_inquest,
        ),
        EventKind(
            "medical-examiner",
            "Medical Examiner review",
            "Medical Examiner review",
            "a Medical Examiner review",
            MedicalExaminerReview,
            forms.MedicalExaminerForm,
            rules.check_medical_examiner,
        ),
    )
}


def kind_of(event: CaseEvent) -> EventKind:
    return next(k for k in KINDS.values() if isinstance(event, k.model))
