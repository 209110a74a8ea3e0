"""The GOV.UK error summary: each message links to the input to fix, for a group of check
boxes or radios, and for a date, the first of its inputs."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string

from cdop.core.forms import DateField, GovUKFormMixin
from cdop.core.tests.helpers import error_summary_targets

CHOICES = [("a", "A"), ("b", "B")]


class EveryKindForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(error_messages={"required": "Enter a name"})
    colour = forms.ChoiceField(
        choices=CHOICES, widget=forms.RadioSelect, error_messages={"required": "Choose a colour"}
    )
    stages = forms.MultipleChoiceField(
        choices=CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose stages from the list"},
    )
    on = DateField(label="Date", error_messages={"required": "Enter the date"})


def test_each_error_links_to_its_input_or_the_first_input_of_its_group():
    form = EveryKindForm({"stages": ["bogus"]})
    summary = render_to_string("govuk/forms/error_summary.html", {"form": form})
    page = summary + str(form)

    assert error_summary_targets(page) == ["id_name", "id_colour_0", "id_stages_0", "id_on_0"]
    assert 'href="#"' not in summary
