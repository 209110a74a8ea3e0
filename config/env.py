"""A small typed loader for settings read from the environment.

Every setting the service reads from the environment goes through here, so a missing or
malformed value stops start-up with one clear message instead of failing later.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Mapping


class ImproperlyConfiguredError(Exception):
    """Raised when an environment variable is missing or cannot be parsed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class Env:
    def __init__(self, environ: Mapping[builtins.str, builtins.str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ

    def str(self, name: builtins.str, default: builtins.str | None = None) -> builtins.str:
        value = self._environ.get(name)
        if value is None:
            if default is None:
                raise ImproperlyConfiguredError(
                    f"The environment variable {name} is required but not set."
                )
            return default
        return value

    def bool(self, name: builtins.str, default: builtins.bool) -> builtins.bool:
        value = self._environ.get(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise ImproperlyConfiguredError(
            f"The environment variable {name} must be true or false, not {value!r}."
        )

    def int(self, name: builtins.str, default: builtins.int) -> builtins.int:
        value = self._environ.get(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise ImproperlyConfiguredError(
                f"The environment variable {name} must be a whole number, not {value!r}."
            ) from None

    def list(
        self, name: builtins.str, default: builtins.list[builtins.str]
    ) -> builtins.list[builtins.str]:
        value = self._environ.get(name)
        if value is None:
            return default
        return [item.strip() for item in value.split(",") if item.strip()]

    def choice(
        self, name: builtins.str, choices: tuple[builtins.str, ...], default: builtins.str
    ) -> builtins.str:
        value = self._environ.get(name, default)
        if value not in choices:
            raise ImproperlyConfiguredError(
                f"The environment variable {name} must be one of {', '.join(choices)}, "
                f"not {value!r}."
            )
        return value


def fernet_key_problem(key: builtins.str) -> builtins.str:
    """What is wrong with a field encryption key (32 bytes in URL-safe base64, the format of
    a Fernet key), in words; "" when it is a good one."""
    import base64
    import binascii

    try:
        raw = base64.urlsafe_b64decode(key.encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return "is not URL-safe base64"
    if len(raw) != 32:
        return f"decodes to {len(raw)} bytes, not 32"
    return ""
