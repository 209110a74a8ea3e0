"""Where a child lived, and so which panel reviews the death (domain.md §6).

The full postcode gives the lower-tier local authority (ONS Postcode Directory, loaded into
`Postcode` by `manage.py load_postcodes`); a district maps to its county, every other
council is its own upper tier; the upper-tier council belongs to a CDR area if this
installation hosts one. Everything is looked up here, never sent to an outside service.

A person can always overrule the decision (`residence_override`): children placed out of
area, recent moves, postcodes the directory does not know.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.http import Http404

from cdop.accounts import permissions
from cdop.areas.models import Area, LocalAuthority, Postcode
from cdop.audit.services import audit_actor
from cdop.core.errors import DomainError
from cdop.notifications.reference import ResidenceStatus

if TYPE_CHECKING:
    from cdop.accounts.models import User
    from cdop.notifications.models import Notification

# Outward code (area letters, district digit, optional digit or letter) then the inward code
# (a digit and two letters). Spaces are removed before matching.
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$")
_WHITESPACE = re.compile(r"\s+")
_MAX_INPUT = 20

# Codes that are not English councils, by their first letter or in full.
_COUNTRY_BY_PREFIX = {"W": "Wales", "S": "Scotland", "N": "Northern Ireland"}
_PSEUDO_COUNTRIES = {"L99999999": "the Channel Islands", "M99999999": "the Isle of Man"}


def postcode_normalise(raw: str) -> str | None:
    """The canonical key of a postcode (upper case, no spaces: "LE15WW"), or None when the
    text cannot be a full UK postcode. Accepts any spacing and case."""
    if not isinstance(raw, str) or len(raw) > _MAX_INPUT:
        return None
    compact = _WHITESPACE.sub("", raw).upper()
    return compact if _POSTCODE.match(compact) else None


def postcode_display(key: str) -> str:
    """ "LE15WW" -> "LE1 5WW": the form people write."""
    return f"{key[:-3]} {key[-3:]}" if len(key) > 3 else key


@dataclass(frozen=True)
class ResidenceDecision:
    status: str  # a ResidenceStatus value
    lower_code: str  # "" if unknown
    upper_code: str  # "" if unknown
    area: Area | None  # the CDR area in this installation that reviews, if any
    authority_name: str  # the upper-tier council, "" if unknown
    explanation: str  # one plain-English sentence for staff


# --- The council mapping, cached in process memory ---------------------------------------


@dataclass(frozen=True)
class _Council:
    code: str
    name: str
    upper_code: str
    upper_name: str
    area_id: int | None  # the upper-tier council's area


@dataclass(frozen=True)
class _Mapping:
    councils: dict[str, _Council]
    areas: dict[int, Area]
    loaded_at: float


# Councils and areas change a few times a decade; other processes see a change within this
# time, the process that made it at once (the signals below).
MAPPING_TTL_SECONDS = 300.0
_mapping: _Mapping | None = None
_mapping_lock = threading.Lock()


def residence_cache_clear(**_: Any) -> None:
    """Forget the cached council mapping; the next decision loads it again."""
    global _mapping
    _mapping = None


for _model in (LocalAuthority, Area):
    post_save.connect(residence_cache_clear, sender=_model, dispatch_uid=f"residence-{_model}")
    post_delete.connect(residence_cache_clear, sender=_model, dispatch_uid=f"residence-d{_model}")


def _mapping_load() -> _Mapping:
    rows = list(
        LocalAuthority.objects.values_list("ons_code", "name", "area_id", "parent__ons_code")
    )
    by_code = {code: (name, area_id) for code, name, area_id, _ in rows}
    councils: dict[str, _Council] = {}
    for code, name, _, parent_code in rows:
        # A district's county decides; every other council is its own upper tier.
        upper_code = parent_code or code
        upper_name, upper_area_id = by_code[upper_code]
        councils[code] = _Council(
            code=code,
            name=name,
            upper_code=upper_code,
            upper_name=upper_name,
            area_id=upper_area_id,
        )
    areas = {area.pk: area for area in Area.objects.all()}
    return _Mapping(councils=councils, areas=areas, loaded_at=time.monotonic())


def _mapping_get() -> _Mapping:
    global _mapping
    current = _mapping
    if current is not None and time.monotonic() - current.loaded_at < MAPPING_TTL_SECONDS:
        return current
    with _mapping_lock:
        current = _mapping
        if current is None or time.monotonic() - current.loaded_at >= MAPPING_TTL_SECONDS:
            current = _mapping = _mapping_load()
    return current


def council_name(code: str) -> str:
    """The name of an English council from its ONS code; "" for any other code."""
    council = _mapping_get().councils.get(code) if code else None
    return council.name if council is not None else ""


# --- The decision -------------------------------------------------------------------------


_LAUA_SQL = "SELECT laua FROM {table} WHERE postcode = %s"


def _laua_of(key: str) -> str | None:
    """The directory's council code for a postcode key ("" for none), None if not listed.
    A plain primary-key query: the ORM's queryset building would cost more than the lookup."""
    table = connection.ops.quote_name(Postcode._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(_LAUA_SQL.format(table=table), [key])
        row = cursor.fetchone()
    return None if row is None else str(row[0])


def _unknown(explanation: str, *, lower_code: str = "") -> ResidenceDecision:
    return ResidenceDecision(
        status=ResidenceStatus.UNKNOWN,
        lower_code=lower_code,
        upper_code="",
        area=None,
        authority_name="",
        explanation=explanation,
    )


def residence_decide(*, postcode: str, home_area: Area) -> ResidenceDecision:
    """Which panel reviews the death of a child who lived at this postcode, seen from
    `home_area` (the area that received the notification).

    Never raises for what a person typed: anything it cannot decide is UNKNOWN, with a
    sentence saying why, for a person to decide.
    """
    key = postcode_normalise(postcode)
    if key is None:
        if not isinstance(postcode, str) or not postcode.strip():
            return _unknown("No postcode was given, so a person decides where the child lived.")
        return _unknown(
            "That is not a full UK postcode, so a person decides where the child lived."
        )
    shown = postcode_display(key)
    found = _laua_of(key)
    if found is None:
        if not Postcode.objects.exists():
            return _unknown(
                "The postcode directory has not been loaded on this system "
                "(manage.py load_postcodes), so a person decides where the child lived."
            )
        return _unknown(
            f"{shown} is not in the postcode directory (it may be new, retired or mistyped), "
            "so a person decides where the child lived."
        )
    lower_code = found
    if not lower_code:
        return _unknown(
            f"{shown} has no local authority in the postcode directory (often a PO box or "
            "a business postcode), so a person decides where the child lived."
        )
    if lower_code in _PSEUDO_COUNTRIES:
        place = _PSEUDO_COUNTRIES[lower_code]
        return ResidenceDecision(
            status=ResidenceStatus.NOT_ENGLAND,
            lower_code=lower_code,
            upper_code="",
            area=None,
            authority_name="",
            explanation=f"{shown} is in {place}, outside England: no English panel reviews.",
        )
    if lower_code[0] in _COUNTRY_BY_PREFIX:
        country = _COUNTRY_BY_PREFIX[lower_code[0]]
        return ResidenceDecision(
            status=ResidenceStatus.NOT_ENGLAND,
            lower_code=lower_code,
            upper_code=lower_code,  # councils in Wales, Scotland and Northern Ireland are unitary
            area=None,
            authority_name="",
            explanation=f"{shown} is in {country}, outside England: no English panel reviews.",
        )
    mapping = _mapping_get()
    council = mapping.councils.get(lower_code)
    if council is None:
        return _unknown(
            f"{shown} is in local authority {lower_code}, which is not in this system's list "
            "of English councils, so a person decides where the child lived.",
            lower_code=lower_code,
        )
    where = (
        f"the area of {council.upper_name}"
        if council.code == council.upper_code
        else f"the area of {council.name} and {council.upper_name}"
    )
    if council.area_id is not None and council.area_id == home_area.pk:
        return ResidenceDecision(
            status=ResidenceStatus.THIS_AREA,
            lower_code=lower_code,
            upper_code=council.upper_code,
            area=home_area,
            authority_name=council.upper_name,
            explanation=f"{shown} is in {where}, part of {home_area.name}: this panel reviews.",
        )
    area = mapping.areas.get(council.area_id) if council.area_id is not None else None
    reviewer = (
        f"the {area.name} panel on this system reviews"
        if area is not None
        else f"the panel for {council.upper_name} reviews (it is not on this system)"
    )
    return ResidenceDecision(
        status=ResidenceStatus.OTHER_AREA,
        lower_code=lower_code,
        upper_code=council.upper_code,
        area=area,
        authority_name=council.upper_name,
        explanation=f"{shown} is in {where}, outside {home_area.name}: {reviewer}.",
    )


# --- Overruling it ------------------------------------------------------------------------


def residence_override(
    *,
    notification: Notification,
    status: str,
    area: Area | None,
    reason: str,
    by: User,
) -> Notification:
    """A person decides where the child lived, with a reason; the audit log records who.

    Resident here sets this area; in another area takes the area if it is on this system
    (or none, for a panel that is not); outside England and not known set no area.
    """
    if not permissions.can_view_notification(by, notification):
        raise Http404("No such notification")
    if not permissions.can_triage_notification(by, notification):
        raise PermissionDenied("Your role does not allow you to change where the child lived.")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("Enter why you are changing where the child lived", field="reason")
    if status not in ResidenceStatus.values:
        raise DomainError("Select where the child lived", field="status")
    if status == ResidenceStatus.THIS_AREA:
        area = notification.area
    elif status == ResidenceStatus.OTHER_AREA:
        if area is not None and area.pk == notification.area_id:
            raise DomainError(
                f"{area.name} is this area: select “{ResidenceStatus.THIS_AREA.label}” instead",
                field="area",
            )
    else:
        area = None
    with audit_actor(by), transaction.atomic():
        locked = type(notification).objects.select_for_update().get(pk=notification.pk)
        locked.residence_status = status
        locked.residence_area = area
        locked.residence_overridden_by = by
        locked.residence_override_reason = reason
        locked.save(
            update_fields=[
                "residence_status",
                "residence_area",
                "residence_overridden_by",
                "residence_override_reason",
            ]
        )
    return locked
