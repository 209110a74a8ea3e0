"""Model fields that keep personal data encrypted at rest (cdop.core.crypto).

`EncryptedCharField`, `EncryptedTextField` and `EncryptedEmailField` store an encrypted value
(cdop.core.crypto) in a text column and give the plaintext back on every read, so forms,
templates, serializers, PDFs and exports see ordinary strings. `max_length` still limits the
plaintext (forms and `full_clean`). An empty value is stored empty, so "is it blank?" still
works in SQL: that reveals only that the field is empty.

Ciphertext differs on every write, so filtering on it would silently find nothing: every
lookup except `isnull` and "equal to the empty string" raises `EncryptedLookupError`. What
must be matched has a `BlindIndexField` beside it, filled from its source field on every
save and bulk insert.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models.lookups import Exact, IsNull

from cdop.core import crypto


class EncryptedLookupError(FieldError):
    """A query tried to compare an encrypted column's ciphertext."""


def _refusal(field: models.Field[Any, Any], what: str) -> EncryptedLookupError:
    model = field.model.__name__ if hasattr(field, "model") else "?"
    index = f" Filter on its blind index ({field.name}_index) instead." if _indexed(field) else ""
    return EncryptedLookupError(
        f"{model}.{field.name} is encrypted, so it cannot be filtered with {what}: only "
        f"isnull and equality with the empty string work on it.{index}"
    )


def _indexed(field: models.Field[Any, Any]) -> bool:
    model = getattr(field, "model", None)
    return model is not None and any(
        isinstance(f, BlindIndexField) and f.source == field.name for f in model._meta.fields
    )


class _EmptyOnlyExact(Exact):  # type: ignore[type-arg]
    """`field=""` (the field is empty) is allowed; any other value is refused."""

    def get_prep_lookup(self) -> Any:
        if self.rhs != "":
            raise _refusal(self.lhs.target, "an exact value")
        return super().get_prep_lookup()


class EncryptedMixin:
    """Encrypts on the way to the database, decrypts on the way back."""

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)  # type: ignore[misc]
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return IsNull
        if lookup_name == "exact":
            return _EmptyOnlyExact
        raise _refusal(self, f"__{lookup_name}")  # type: ignore[arg-type]

    def get_transform(self, lookup_name: str) -> Any:
        raise _refusal(self, f"__{lookup_name}")  # type: ignore[arg-type]


class EncryptedCharField(EncryptedMixin, models.CharField):  # type: ignore[type-arg]
    pass


class EncryptedTextField(EncryptedMixin, models.TextField):  # type: ignore[type-arg]
    pass


class EncryptedEmailField(EncryptedMixin, models.EmailField):  # type: ignore[type-arg]
    pass


class EncryptedJSONField(models.TextField):  # type: ignore[type-arg]
    """A JSON value (dicts, lists, strings, numbers) stored as one encrypted value of its JSON
    text. Nothing inside it can be queried: only isnull."""

    # For django-stubs: what the attribute holds (any JSON value), not a str.
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def get_internal_type(self) -> str:
        return "TextField"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(crypto.decrypt(value))

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        return crypto.encrypt(json.dumps(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "isnull":
            return IsNull
        raise _refusal(self, f"__{lookup_name}")

    def get_transform(self, lookup_name: str) -> Any:
        raise _refusal(self, f"__{lookup_name}")

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj))


class BlindIndexField(models.CharField):  # type: ignore[type-arg]
    """HMAC of another field's normalised value (crypto.NORMALISERS[kind]); "" when empty.

    Computed in pre_save, which save() and bulk_create() both call. save(update_fields=...)
    naming the source adds the index too (BlindIndexed.save); queryset update() and
    bulk_update() do not: set the index yourself there (crypto.index_of).
    """

    def __init__(
        self, *args: Any, source: str, kind: str, depends_on: tuple[str, ...] = (), **kwargs: Any
    ) -> None:
        if kind not in crypto.NORMALISERS:
            raise ValueError(f"Unknown blind index kind {kind!r}")
        # The source may be a property made of several fields (depends_on names them).
        self.source, self.kind = source, kind
        self.depends_on = tuple(depends_on) or (source,)
        kwargs.setdefault("max_length", crypto.INDEX_LENGTH)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"], kwargs["kind"] = self.source, self.kind
        if self.depends_on != (self.source,):
            kwargs["depends_on"] = self.depends_on
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = crypto.index_of(self.kind, getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


def blind_index_fields(model: type[models.Model], names: Iterable[str]) -> set[str]:
    """The names given, and the blind indexes of any of them."""
    chosen = set(names)
    for f in model._meta.concrete_fields:
        if isinstance(f, BlindIndexField) and chosen & set(f.depends_on):
            chosen.add(f.name)
    return chosen


class BlindIndexed:
    """For a model with blind indexes: save(update_fields=[source]) writes the index too."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = blind_index_fields(type(self), update_fields)  # type: ignore[arg-type]
        super().save(*args, **kwargs)  # type: ignore[misc]


def encrypted_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin | EncryptedJSONField)
    ]


def encrypted_models() -> list[type[models.Model]]:
    """Every installed model with an encrypted field (what key rotation walks through)."""
    from django.apps import apps

    return [m for m in apps.get_models() if not m._meta.proxy and encrypted_fields(m)]
