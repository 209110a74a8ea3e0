from __future__ import annotations


class DomainError(Exception):
    """A rule of the process stopped an action. The message is written for the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
