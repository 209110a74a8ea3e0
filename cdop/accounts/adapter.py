from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Accounts are made by administrators; nobody can sign themselves up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
