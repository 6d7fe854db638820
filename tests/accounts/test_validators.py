"""The password rule against repetition (accounts/validators.py), beside Django's own rules."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.validators import RepeatedCharactersValidator


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "abababababab", "abcabcabcabc", "1212121212121212", "aaaabbbbcccc"]
)
def test_repetition_is_refused(password):
    with pytest.raises(ValidationError):
        RepeatedCharactersValidator().validate(password)


@pytest.mark.parametrize("password", ["Kl1matiko-Oudetero", "correct horse battery staple"])
def test_ordinary_passphrases_pass(password):
    RepeatedCharactersValidator().validate(password)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("aaaaaaaaaaaa", "password_repeated"),
        ("qwerty123456", "password_too_common"),
        ("Sh0rt-but-ok", None),
        ("Short1-pass", "password_too_short"),
        ("123456789012345", "password_entirely_numeric"),
    ],
)
def test_the_portals_password_rules(password, code):
    if code is None:
        validate_password(password)
        return
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert code in [e.code for e in error.value.error_list]


def test_the_help_text_says_the_rule():
    assert "at least 5 different characters" in RepeatedCharactersValidator().get_help_text()
