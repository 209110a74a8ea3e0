"""Which models the audit log follows. Every create, change and delete of these is recorded."""

from __future__ import annotations

from auditlog.registry import auditlog
from django.apps import apps

from cdop.core.fields import BlindIndexField, encrypted_fields


def register_models() -> None:
    # (app label, model, fields never copied into the log)
    followed: list[tuple[str, str, list[str]]] = [
        ("accounts", "User", ["password", "last_login"]),
        ("accounts", "Membership", []),
        ("areas", "Area", []),
        ("areas", "LocalAuthority", []),
        ("areas", "AreaPage", []),
        ("notifications", "Notification", ["submission_token"]),
        # The search keys and stage position are derived (like an index): not worth an entry.
        (
            "cases",
            "Case",
            [
                "search_first_name",
                "search_last_name",
                "search_first_sound",
                "search_last_sound",
                "search_first_prefix",
                "search_last_prefix",
                "stage_position",
            ],
        ),
        ("cases", "CaseTransition", []),
        ("cases", "Task", []),
        ("transfers", "CaseAddition", []),
        ("transfers", "TransferRecord", ["token_hash"]),
        ("transfers", "PackDownload", []),
        ("notifications", "ApiClient", ["token_hash"]),
        # Second factors: that one was added or removed, never its secret.
        ("mfa", "Authenticator", ["data"]),
    ]
    for app_label, model_name, exclude in followed:
        model = apps.get_model(app_label, model_name)
        if not auditlog.contains(model):
            # Encrypted fields: the log says that one changed, never its values (a copy
            # there would undo the encryption at rest); their blind indexes are derived.
            masked = [f.name for f in encrypted_fields(model)]
            indexes = [f.name for f in model._meta.fields if isinstance(f, BlindIndexField)]
            auditlog.register(
                model,
                exclude_fields=[*exclude, *indexes],
                mask_fields=masked,
                mask_callable="cdop.core.crypto.audit_mask" if masked else None,
            )
