"""The transfer pack: a notification's answers as a PDF marked OFFICIAL-SENSITIVE."""

from __future__ import annotations

import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from cdop.core.crypto import nhs_number_spaced
from cdop.notifications.models import Notification

# (section, [(label, field name)]): every answer of the national Notification Form.
ANSWER_SECTIONS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "The child",
        [
            ("First name", "child_first_name"),
            ("Last name", "child_last_name"),
            ("Other names", "child_other_names"),
            ("Date of birth", "child_date_of_birth"),
            ("Sex", "child_sex"),
            ("Ethnicity", "child_ethnicity"),
            ("NHS number", "child_nhs_number"),
            ("NHS number status", "nhs_number_status"),
            ("Home address", "child_address"),
            ("Postcode", "child_postcode"),
            ("GP practice", "gp_practice"),
        ],
    ),
    (
        "The death",
        [
            ("Date of death", "date_of_death"),
            ("Time of death", "time_of_death"),
            ("Place of death", "place_of_death"),
            ("Place of death, details", "place_of_death_detail"),
            ("Expected or unexpected", "expectedness"),
            ("Post-mortem required", "post_mortem"),
            ("Coroner informed", "coroner_informed"),
            ("What happened", "circumstances"),
            ("Needs NCMD's urgent attention", "ncmd_alert"),
            ("Why NCMD's urgent attention is needed", "ncmd_alert_reason"),
        ],
    ),
    (
        "Family and professionals",
        [
            ("People with parental responsibility", "parental_responsibility"),
            ("Other children in the household", "other_children"),
            ("Who was caring for the child", "carer_at_time"),
            ("Professionals involved", "professionals_involved"),
        ],
    ),
    (
        "Notified by",
        [
            ("Name", "notifier_name"),
            ("Role", "notifier_role"),
            ("Organisation", "notifier_organisation"),
            ("Email", "notifier_email"),
            ("Phone", "notifier_phone"),
            ("Received", "received_at"),
        ],
    ),
]


def _display(notification: Notification, name: str) -> str:
    field = Notification._meta.get_field(name)
    value: Any = getattr(notification, name, None)
    if getattr(field, "choices", None):
        return str(getattr(notification, f"get_{name}_display")())
    if value is None or value == "":
        return "Not given"
    if name == "child_nhs_number":
        return nhs_number_spaced(value)  # as every staff page shows it
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%-d %B %Y, %H:%M")
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%-d %B %Y")
    return str(value)


def notification_answers(notification: Notification) -> list[tuple[str, list[tuple[str, str]]]]:
    """The notification's answers, as sections of (label, readable value)."""
    return [
        (title, [(label, _display(notification, name)) for label, name in fields])
        for title, fields in ANSWER_SECTIONS
    ]


def _refuse_fetch(url: str, timeout: int = 10, ssl_context: Any = None) -> dict[str, Any]:
    # The pack is self-contained: nothing is fetched from anywhere while it is drawn.
    raise ValueError(f"Transfer packs load nothing from outside: {url}")


def transfer_pack_pdf(*, notification: Notification, panel_name: str) -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "transfers/pack.html",
        {
            "notification": notification,
            "answers": notification_answers(notification),
            "panel_name": panel_name,
            "generated_at": timezone.localtime(),
        },
    )
    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return pdf
