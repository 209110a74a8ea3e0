"""Encryption of personal data at rest, and the blind indexes that still let it be matched.

Fields holding a name, an NHS number, an address or contact details are stored encrypted
with AES-256-GCM (`cryptography`'s AESGCM: authenticated, so a changed or transplanted value
fails loudly) under the keys in FIELD_ENCRYPTION_KEYS, newest first: the first encrypts, and
each value names the key it was encrypted with, so any key listed decrypts it at once and a
new key can be put in front and the rows re-encrypted at leisure (`manage.py
rotate_field_keys`). A value is "aes1.<key id>.<base64 of nonce and ciphertext>", the key id
the first 8 hex characters of the key's SHA-256 (which says nothing of the key). A list page
decrypts a hundred values or more: AES-GCM does it in about 1.5 µs each, Fernet (AES-CBC with
HMAC, tried first) took about 9 µs.

Ciphertext cannot be compared, so what must be matched (an NHS number, a name searched for,
an email address) also gets a blind index: HMAC-SHA256 under BLIND_INDEX_KEY of the value
normalised, cut to INDEX_LENGTH hex characters, in its own indexed column. The kind of value
is part of what is hashed, so the same text in two kinds of field gives unrelated indexes.
Without the key the indexes say only which rows share a value.

docs/security.md ("Encryption at rest") lists the fields and the key rotation steps.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Callable
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# 128 bits of the HMAC: collisions are out of reach at any number of rows we will hold.
INDEX_LENGTH = 32
# What every encrypted value starts with: how a stored value that is not encrypted yet is
# told apart during the migration and key rotation.
TOKEN_PREFIX = "aes1."  # noqa: S105 - a format marker, not a secret
_NONCE_BYTES = 12
_TOKEN = re.compile(r"^aes1\.([0-9a-f]{8})\.([A-Za-z0-9_-]+={0,2})$")


class DecryptionError(Exception):
    """A stored value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS."""


def key_id(key: str) -> str:
    """The id a value names its key by: 8 hex characters of the key's SHA-256."""
    return hashlib.sha256(base64.urlsafe_b64decode(key)).hexdigest()[:8]


@functools.cache
def _keys() -> tuple[str, dict[str, AESGCM]]:
    """The newest key's id, and every key by id."""
    keys = {
        key_id(key): AESGCM(base64.urlsafe_b64decode(key)) for key in settings.FIELD_ENCRYPTION_KEYS
    }
    return key_id(settings.FIELD_ENCRYPTION_KEYS[0]), keys


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
    _keys.cache_clear()
    _index_key.cache_clear()


def encrypt(value: str) -> str:
    """The text encrypted under the newest key, with a fresh random nonce."""
    newest, keys = _keys()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = keys[newest].encrypt(nonce, value.encode(), newest.encode())
    return f"{TOKEN_PREFIX}{newest}.{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"


def decrypt(token: str) -> str:
    found = _TOKEN.match(token)
    aead = _keys()[1].get(found.group(1)) if found else None
    if found is None or aead is None:
        raise DecryptionError(
            "A stored value could not be decrypted with any key in FIELD_ENCRYPTION_KEYS: "
            "a key it was encrypted with has been removed, or the value is not encrypted."
        )
    try:
        raw = base64.urlsafe_b64decode(found.group(2))
        return aead.decrypt(
            raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], found.group(1).encode()
        ).decode()
    except (InvalidTag, ValueError):
        raise DecryptionError(
            "A stored value could not be decrypted with its key in FIELD_ENCRYPTION_KEYS: it "
            "has been changed, or the key listed under its id is not the one it was made with."
        ) from None


def is_token(value: str) -> bool:
    return _TOKEN.match(value) is not None


def under_newest_key(token: str) -> bool:
    """Whether the value is already encrypted under the newest key (nothing to rotate)."""
    found = _TOKEN.match(token)
    return found is not None and found.group(1) == _keys()[0]


def encrypted_with_newest_key(token: str) -> str:
    """The value re-encrypted under the newest key (itself, if it already is)."""
    return token if under_newest_key(token) else encrypt(decrypt(token))


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


def nhs_number_spaced(value: str) -> str:
    """An NHS number as people read it, in groups of 3, 3 and 4 digits ("999 000 0018").
    Anything that is not a ten-digit number is given back as it was, so nothing is hidden."""
    digits = normalise_nhs_number(value)
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if digits else (value or "")


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
