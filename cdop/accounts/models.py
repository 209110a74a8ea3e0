from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone


class Role(models.TextChoices):
    """The staff roles of domain.md §2. Notifiers and agency contributors have no account."""

    ADMINISTRATOR = "administrator", "Administrator"
    CDR_MANAGER = "cdr_manager", "Child Death Review Manager"
    DESIGNATED_DOCTOR = "designated_doctor", "Designated Doctor for Child Deaths"
    KEY_WORKER = "key_worker", "Review nurse / key worker"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    PANEL_MEMBER = "panel_member", "Panel member"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff. Signs in by email; what they may do comes from their memberships."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    is_active = models.BooleanField(default=True)
    # is_staff only opens Django's admin site, kept for the platform's technical support.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Bumped whenever the user's memberships change, so that roles cached in a session are
    # known to be stale on the very next request.
    roles_version = models.PositiveIntegerField(default=0, editable=False)

    # Set per request by cdop.accounts.permissions (not stored in this table).
    _roles_by_area: dict[int, frozenset[str]]
    _roles_from_db: bool

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email


class Membership(models.Model):
    """A user's role in one area. A person may hold several roles, in several areas."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    area = models.ForeignKey("areas.Area", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "area", "role"], name="membership_unique_role"),
        ]
        ordering = ["area__name", "role"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} in {self.area}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        _bump_roles_version(self.user_id)

    def get_additional_data(self) -> dict[str, Any]:
        return {"area_id": self.area_id}


def _bump_roles_version(user_id: int) -> None:
    User.objects.filter(pk=user_id).update(roles_version=models.F("roles_version") + 1)
