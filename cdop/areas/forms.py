from __future__ import annotations

from django import forms

from cdop.core.forms import GovUKFormMixin


class AreaPageForm(GovUKFormMixin, forms.Form):
    title = forms.CharField(max_length=120, label="Page title")
    body = forms.CharField(
        label="Page text",
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": "20"}),
        help_text=(
            "Write in plain English. Leave a blank line between paragraphs. Start a line with "
            "## for a heading and - for a list item. Links: [text](https://example.org)."
        ),
        error_messages={"required": "Enter the page text"},
    )
