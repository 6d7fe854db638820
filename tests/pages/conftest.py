import pytest

from core.caching import bump_content_version
from tests.accounts.factories import UserFactory


@pytest.fixture(autouse=True)
def _fresh_pages():
    # Pages are cached whole, also in this process's memory, under the content version; a test
    # that changes rows behind the services' back (``update()``) or the settings starts afresh.
    bump_content_version()


@pytest.fixture
def superuser(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)
