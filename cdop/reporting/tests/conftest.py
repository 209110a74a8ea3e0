from cdop.core.tests.helpers import empty_cache, fast_password_hashing  # noqa: F401
