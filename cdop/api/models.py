"""Personal access tokens: a member of staff's key to the read-only staff API.

A registered system's token (ApiClient, in cdop.notifications) sends notifications; a personal
token reads, as the person who made it, exactly what their pages show them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone


class PersonalAccessToken(models.Model):
    """One token of one person. Only the SHA-256 hash of the secret and its first characters
    are kept, so the token is shown once, when it is made. It expires, and can be revoked;
    it acts with its owner's roles as they are at each request, so a role removed or an
    account deactivated stops it at once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for.")
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=16, help_text="The token's first characters.")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="pat_user_created")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="pat_expires_after_made",
            ),
        ]

    def __str__(self) -> str:
        return f"Personal access token {self.token_prefix}… ({self.name})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired

    def get_additional_data(self) -> dict[str, Any]:
        # A person's token belongs to no area: every administrator's audit search shows it.
        return {"token_owner": self.user_id}
