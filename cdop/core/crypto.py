"""Encryption of personal data at rest, and the blind indexes that still let it be matched.

Fields holding a name, an NHS number, an address or contact details are stored as Fernet
tokens (AES-128-CBC with HMAC-SHA256) under the keys in FIELD_ENCRYPTION_KEYS, newest first:
`MultiFernet` encrypts with the first and decrypts with any, so a new key can be put in front
and the rows re-encrypted at leisure (`manage.py rotate_field_keys`).

Ciphertext cannot be compared, so what must be matched (an NHS number, a name searched for,
an email address) also gets a blind index: HMAC-SHA256 under BLIND_INDEX_KEY of the value
normalised, cut to INDEX_LENGTH hex characters, in its own indexed column. The kind of value
is part of what is hashed, so the same text in two kinds of field gives unrelated indexes.
Without the key the indexes say only which rows share a value.

docs/security.md ("Encryption at rest") lists the fields and the key rotation steps.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# 128 bits of the HMAC: collisions are out of reach at any number of rows we will hold.
INDEX_LENGTH = 32
# What every Fernet token starts with (version byte 0x80, base64): how a stored value that
# is not a token yet is told apart during the migration and key rotation.
# A format marker, not a secret.
TOKEN_PREFIX = "gAAAAA"  # noqa: S105  # nosec B105


class DecryptionError(Exception):
    """A stored value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS."""


@functools.cache
def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in settings.FIELD_ENCRYPTION_KEYS])


@functools.cache
def _index_key() -> bytes:
    return str(settings.BLIND_INDEX_KEY).encode()


@receiver(setting_changed)
def _keys_changed(*, setting: str, **kwargs: Any) -> None:
    # Tests change the keys with override_settings; so does nothing else.
    if setting in {"FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY"}:
        keys_reset()


def keys_reset() -> None:
    """Forget the keys read from the settings (after the settings changed)."""
    _fernet.cache_clear()
    _index_key.cache_clear()


def encrypt(value: str) -> str:
    """A Fernet token for the text, under the newest key."""
    return _fernet().encrypt(value.encode()).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode()
    except (InvalidToken, UnicodeEncodeError):
        raise DecryptionError(
            "A stored value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS: "
            "a key it was encrypted with has been removed, or the value is not a token."
        ) from None


def is_token(value: str) -> bool:
    return value.startswith(TOKEN_PREFIX)


def encrypted_with_newest_key(token: str) -> str:
    """The token re-encrypted under the newest key (MultiFernet.rotate)."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        raise DecryptionError(
            "A stored value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS."
        ) from None


# --- Blind indexes -----------------------------------------------------------------------


def blind_index(kind: str, normalised: str) -> str:
    """HMAC-SHA256 of an already normalised value; "" for an empty one (an empty field
    reveals only that it is empty, as the encrypted column does)."""
    if not normalised:
        return ""
    message = f"{kind}\x00{normalised}".encode()
    return hmac.new(_index_key(), message, hashlib.sha256).hexdigest()[:INDEX_LENGTH]


def normalise_nhs_number(value: str) -> str:
    """The digits, when there are ten of them once spaces and dashes are gone."""
    digits = re.sub(r"[\s-]", "", value or "")
    return digits if len(digits) == 10 and digits.isdigit() else ""


def normalise_email(value: str) -> str:
    return (value or "").strip().casefold()


def normalise_phone(value: str) -> str:
    """Digits only; +44 written as the leading 0 (as the subject-access search compares)."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("44") and len(digits) > 10:
        digits = "0" + digits[2:]
    return digits


def normalise_person_name(value: str) -> str:
    """A person's whole name as the subject-access search compares it: words, any case."""
    return " ".join((value or "").split()).casefold()


_POSTCODE = re.compile(r"\b([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})\b")


def normalise_postcode(value: str) -> str:
    """A UK postcode without spaces in capitals: the last one found in the text (an address
    ends with it), or "" when there is none."""
    found = _POSTCODE.findall(unicodedata.normalize("NFKC", value or "").upper())
    return "".join(found[-1]) if found else ""


def child_identity(
    *, first_name: str, date_of_birth: object, date_of_death: object, sex: str
) -> str:
    """What tells two records of a death apart without an NHS number (surveillance): the
    dates of birth and death, the sex and the first initial. Dates as ISO text."""
    return f"{date_of_birth}|{date_of_death}|{sex}|{(first_name or '').strip()[:1].lower()}"


# The kinds of blind index, by name (BlindIndexField(kind=...)): how the value is normalised.
NORMALISERS: dict[str, Callable[[str], str]] = {
    "nhs_number": normalise_nhs_number,
    "email": normalise_email,
    "phone": normalise_phone,
    "person_name": normalise_person_name,
    "postcode": normalise_postcode,
    # Already put together by child_identity(); only the HMAC hides the initial in it.
    "child_identity": str,
}


def index_of(kind: str, value: str) -> str:
    """The blind index of a raw value of this kind (normalised first)."""
    return blind_index(kind, NORMALISERS[kind](value))


def audit_mask(value: str) -> str:
    """What the audit log keeps of an encrypted field's old and new value: that it changed,
    never the value (the log would otherwise hold a plaintext copy)."""
    return "[encrypted]" if value not in {"", "None"} else value
