"""Test settings: real PostgreSQL and Redis (started by `make test` when stopped)."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/climateportal")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/14")

from .base import *  # noqa: E402,F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105 - used only by the test suite
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES["default"]["KEY_PREFIX"] = f"test-{os.getpid()}"  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Accounts (MFA) ---------------------------------------------------------------------------
# The suite's admin and reports tests sign staff in without an authenticator; the MFA tests
# (tests/accounts/, tests/e2e/test_security*.py) turn the requirement on where they test it.
PORTAL_MFA_REQUIRED = False
