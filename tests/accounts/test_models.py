"""The portal's user model."""

import pytest

pytestmark = pytest.mark.django_db


def test_custom_user_model_is_in_the_first_migration():
    from importlib import import_module

    migration = import_module("accounts.migrations.0001_initial").Migration
    assert any(getattr(op, "name", "") == "User" for op in migration.operations)
