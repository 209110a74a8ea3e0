from cdop.core.tests.helpers import empty_cache, fast_password_hashing, fresh_audit_context  # noqa: F401
