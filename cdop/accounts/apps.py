from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cdop.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from cdop.accounts.models import Membership, _bump_roles_version

        # A bulk or cascading delete skips Membership.delete(); roles must still go stale.
        def membership_deleted(sender: type[Membership], instance: Membership, **_: object) -> None:
            _bump_roles_version(instance.user_id)

        post_delete.connect(membership_deleted, sender=Membership, weak=False)
