"""Signing up and resetting a password (django-allauth)."""

import pytest
from django.core import mail

from accounts.models import User

pytestmark = pytest.mark.django_db


def test_signup_requires_email_verification(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "eleni@example.org",
            "password1": "Kl1matiko-Oudetero",
            "password2": "Kl1matiko-Oudetero",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="eleni@example.org")
    assert not user.emailaddress_set.get().verified
    assert len(mail.outbox) == 1
    # Not signed in until the address is confirmed.
    response = client.post(
        "/accounts/login/", {"login": "eleni@example.org", "password": "Kl1matiko-Oudetero"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    link = next(
        line for line in mail.outbox[-1].body.splitlines() if "/accounts/confirm-email/" in line
    )
    path = link[link.index("/accounts/confirm-email/") :].strip()
    client.post(path)
    assert user.emailaddress_set.get().verified
    response = client.post(
        "/accounts/login/", {"login": "eleni@example.org", "password": "Kl1matiko-Oudetero"}
    )
    assert response.status_code == 302 and response["Location"] == "/en/"


def test_password_reset_sends_mail(client):
    from tests.accounts.factories import UserFactory

    user = UserFactory()
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and user.email in mail.outbox[0].to
