"""GOV.UK Design System forms for Django: every form renders with GOV.UK markup.

GovUKFormMixin gives each widget its GOV.UK classes and ties error messages to inputs;
the templates under templates/govuk/forms/ lay out labels, hints, errors and fieldsets.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
from html import escape
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils.safestring import SafeString, mark_safe


class GovUKFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


class DateInput(forms.MultiWidget):
    """The GOV.UK date input: day, month and year boxes, so no date picker is needed."""

    template_name = "govuk/widgets/date.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets: dict[str, forms.Widget | type[forms.Widget]] = {
            "day": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "2"}),
            "month": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "2"}),
            "year": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "4"}),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A real calendar date from the three boxes, with errors that say what to fix."""

    widget = DateInput

    def __init__(self, **kwargs: Any) -> None:
        self.label_text = kwargs.get("label", "Date")
        fields = (
            # Not required one by one: compress() says which part is missing.
            forms.CharField(max_length=2, required=False),
            forms.CharField(max_length=2, required=False),
            forms.CharField(max_length=4, required=False),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> datetime.date | None:
        if not data_list or not any(data_list):
            return None
        label = str(self.label_text)
        day, month, year = (str(part or "").strip() for part in data_list)
        missing = [
            name for name, part in (("day", day), ("month", month), ("year", year)) if not part
        ]
        if missing:
            raise forms.ValidationError(f"{label} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{label} must be a real date, written in numbers")
        if len(year) != 4:
            raise forms.ValidationError(f"{label} must have a 4-digit year, for example 2024")
        try:
            return datetime.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{label} must be a real date") from None


class GovUKFormMixin:
    """Adds GOV.UK classes to widgets and links each error message to its input."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, for_rendering: bool = True, **kwargs: Any) -> None:
        """for_rendering=False: the form only validates (nothing is shown), so the widgets
        are left undressed; that is most of the cost of making a form."""
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self._for_rendering = for_rendering
        if not for_rendering:
            return
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                widget.template_name = "govuk/widgets/radios.html"
            elif isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "govuk-checkboxes__input")
            elif isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("class", "govuk-textarea")
                widget.attrs.setdefault("rows", "5")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "govuk-select")
            elif isinstance(widget, DateInput):
                for name, sub in zip(("day", "month", "year"), widget.widgets, strict=True):
                    width = "4" if name == "year" else "2"
                    sub.attrs["class"] = (
                        f"govuk-input govuk-date-input__input govuk-input--width-{width}"
                    )
            elif isinstance(widget, forms.widgets.Input) and not widget.is_hidden:
                widget.attrs.setdefault("class", "govuk-input")
            max_length = getattr(field, "max_length", None)
            if max_length and isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("maxlength", str(max_length))

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        if not self._for_rendering:
            return
        errors = getattr(self, "_errors", None) or {}
        for name in errors:
            field = self.fields.get(name)
            if field is None:
                continue
            widget = field.widget
            targets = widget.widgets if isinstance(widget, forms.MultiWidget) else [widget]
            for sub in targets:
                css = sub.attrs.get("class", "")
                for base in ("govuk-input", "govuk-textarea", "govuk-select"):
                    if base in css.split() and f"{base}--error" not in css:
                        css = f"{css} {base}--error"
                sub.attrs["class"] = css.strip()


def date_field(label: str, *, hint: str, required: str = "") -> DateField:
    """A GOV.UK date (day, month, year boxes): required when `required` holds the message for
    a missing date. Messages name the date without the label's "(optional)"."""
    field = DateField(
        label=label,
        required=bool(required),
        help_text=hint,
        error_messages={"required": required} if required else {},
    )
    field.label_text = label.removesuffix(" (optional)")
    return field


TELEPHONE_INVALID = (
    "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
)

# An extension after the number ("ext 123", "extension 123", "x123"), which is kept as typed.
_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x)\s*\d{1,6}$", re.IGNORECASE)
_TELEPHONE_CHARACTERS = re.compile(r"^\+?[\d\s()\-]+$")


def clean_telephone(raw: str) -> str:
    """A telephone number as people write it (GOV.UK pattern): spaces, brackets and hyphens
    are allowed, and so is an extension. A UK number has 10 or 11 digits from its leading 0,
    or 9 or 10 after +44 (a "0" or "(0)" after it is allowed); a number abroad starts with + or 00
    and has 8 to 15 digits. Returned as typed, with runs of spaces made one. Blank stays
    blank."""
    value = " ".join(str(raw or "").split())
    if not value:
        return ""
    number = _EXTENSION.sub("", value)
    if not _TELEPHONE_CHARACTERS.match(number):
        raise ValidationError(TELEPHONE_INVALID, code="invalid")
    compact = re.sub(r"[\s\-]", "", number)
    digits = re.sub(r"\D", "", compact)
    if compact.startswith(("+44", "0044")):
        national = digits[2:] if compact.startswith("+") else digits[4:]
        # "+44 (0)116 ..." and "+44 0116 ..." are common ways of writing "+44 116 ...".
        national = national.removeprefix("0")
        ok = 9 <= len(national) <= 10
    elif compact.startswith(("+", "00")):
        ok = 8 <= len(digits.removeprefix("00")) <= 15
    else:
        ok = digits.startswith("0") and 10 <= len(digits) <= 11
    if not ok:
        raise ValidationError(TELEPHONE_INVALID, code="invalid")
    return value


class TelephoneField(forms.CharField):
    """A telephone number, checked by clean_telephone, in a GOV.UK telephone input."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "type": "tel",
                    "autocomplete": "tel",
                    "class": "govuk-input govuk-input--width-20",
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        return clean_telephone(super().clean(value))


def select_options_html(
    choices: Iterable[tuple[Any, Any]], chosen: str | None, *, blank_can_be_chosen: bool = False
) -> SafeString:
    """A list filter's options, the one whose value is `chosen` (the value as sent, or None)
    selected; the blank "any" option only when `blank_can_be_chosen`. Values and labels
    escaped. For filters written out in a page's template: through the template language
    each option read the field's value again (the action tracker's 60 options, the data
    quality page's 40)."""
    html = []
    for value, label in choices:
        text = str(value)
        selected = chosen is not None and text == chosen and (text != "" or blank_can_be_chosen)
        html.append(
            f'<option value="{escape(text)}"{" selected" if selected else ""}>'
            f"{escape(str(label))}</option>"
        )
    return mark_safe("".join(html))  # noqa: S308 - every value is escaped


def field_options_html(
    form: forms.Form, name: str, *, blank_can_be_chosen: bool = False
) -> SafeString:
    """select_options_html for a filter form's choice field: its choices, the value as sent
    chosen (none when the form is not bound or the value was not sent)."""
    value = form[name].value()
    return select_options_html(
        form.fields[name].choices,  # type: ignore[attr-defined]
        None if value is None else str(value),
        blank_can_be_chosen=blank_can_be_chosen,
    )
