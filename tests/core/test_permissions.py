"""Who a user is to the portal: the system actor, the one staff test, scopes that fail closed."""

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from accounts.models import User
from core.permissions import acts_for_all, is_signed_in, may_use_admin, system_actor
from tests.accounts.factories import UserFactory

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_the_system_actor_is_one_inactive_account_that_cannot_sign_in():
    actor = system_actor()
    assert system_actor() == actor
    assert User.objects.filter(is_system_actor=True).count() == 1
    assert not actor.is_active and not actor.has_usable_password()
    assert acts_for_all(actor) and not is_signed_in(actor) and not may_use_admin(actor)
    assert str(actor) == "System"
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="second-system", is_system_actor=True, is_active=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=actor.pk).update(is_active=True)


def test_a_person_named_system_actor_is_not_the_system_actor():
    person = UserFactory(username="system-actor")
    actor = system_actor()
    assert actor != person and actor.username == "system-actor-2"
    assert not acts_for_all(person)
    assert authenticate(username="system-actor-2", password="") is None


@pytest.mark.parametrize(
    "make,admin,everything",
    [
        (lambda: None, False, False),
        (AnonymousUser, False, False),
        (UserFactory, False, False),
        (lambda: UserFactory(is_staff=True), True, False),
        (lambda: UserFactory(is_staff=True, is_active=False), False, False),
        (lambda: UserFactory(is_staff=True, is_superuser=True), True, True),
        (lambda: UserFactory(is_superuser=True, is_active=False), False, False),
    ],
)
def test_the_one_staff_test(make, admin, everything):
    user = make()
    assert may_use_admin(user) is admin
    assert acts_for_all(user) is everything
