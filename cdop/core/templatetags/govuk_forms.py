"""Template helpers for the GOV.UK form templates under templates/govuk/forms/."""

from __future__ import annotations

from django import forms, template

register = template.Library()

# Widgets drawn as several inputs (one a choice, or day, month and year): the error summary
# links to the first of them, whose id Django writes as the field's id followed by "_0".
_GROUPS = (forms.RadioSelect, forms.CheckboxSelectMultiple, forms.MultiWidget)


@register.filter
def error_target(field: forms.BoundField) -> str:
    """The id of the input an error summary link for this field goes to (GOV.UK: the first
    check box, radio or date box of a group). A group has no id of its own to label, so its
    id_for_label is empty and the link went nowhere."""
    if isinstance(field.field.widget, _GROUPS):
        return f"{field.auto_id}_0"
    return field.id_for_label or str(field.auto_id)
