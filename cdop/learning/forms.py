from __future__ import annotations

from typing import Any, cast

from django import forms

from cdop.core.forms import GovUKFormMixin


class CaseThemesForm(GovUKFormMixin, forms.Form):
    themes = forms.TypedMultipleChoiceField(
        label="Learning themes",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": "Choose themes from the list",
            "invalid_list": "Choose themes from the list",
        },
    )
    note = forms.CharField(
        label="Why (optional)",
        help_text="Saved with the themes you add now. Write it without names or dates: "
        "everyone who reads the learning sees it.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={"max_length": "The note must be 1000 characters or fewer"},
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = cast(forms.TypedMultipleChoiceField, self.fields["themes"])
        themes.choices = choices


class ThemeForm(GovUKFormMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={
            "required": "Enter the theme's name",
            "max_length": "The name must be 100 characters or fewer",
        },
    )
    description = forms.CharField(
        label="What it covers (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "3"}),
        error_messages={"max_length": "The description must be 1000 characters or fewer"},
    )


class ThemeEditForm(ThemeForm):
    active = forms.BooleanField(
        label="Offer this theme for tagging",
        help_text="Untick to stop offering it. Cases already tagged keep it.",
        required=False,
    )


class PublicSwitchForm(GovUKFormMixin, forms.Form):
    enabled = forms.TypedChoiceField(
        label="Public learning page",
        choices=[("on", "On: the page is public"), ("off", "Off: the page does not exist")],
        coerce=lambda v: v == "on",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the public learning page is on or off",
            "invalid_choice": "Choose whether the public learning page is on or off",
        },
    )


class PublicTextForm(GovUKFormMixin, forms.Form):
    text = forms.CharField(
        label="What the public page says about this theme",
        help_text="Markdown: paragraphs, ## headings, lists and links. No names, dates or "
        "details of any child: say what was learned and what is being done.",
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": "12"}),
        error_messages={"max_length": "The text must be 5000 characters or fewer"},
    )
