"""Writes to the pages: administrators only, validated, recorded; never deleted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.permissions import system_actor
from pages import services
from pages.models import Page
from tests.missions.factories import EditorFactory, MunicipalityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def test_an_administrator_updates_a_page_with_history(superuser):
    page = Page.objects.get(key="mission")
    before = page.updated_at
    services.page_update(acting_user=superuser, page=page, data={"title_pl": "O Misji UE"})
    page.refresh_from_db()
    assert page.title_pl == "O Misji UE"
    assert page.updated_at > before
    assert page.history.first().history_user == superuser


def test_the_system_actor_may_update_a_page():
    page = Page.objects.get(key="mission")
    services.page_update(acting_user=system_actor(), page=page, data={"title_el": "Η Αποστολή"})
    page.refresh_from_db()
    assert page.title_el == "Η Αποστολή"


@pytest.mark.parametrize("who", ["editor", "nobody", "anonymous"])
def test_anyone_else_is_refused_and_nothing_changes(who):
    from django.contrib.auth.models import AnonymousUser

    acting_user = {
        "editor": lambda: EditorFactory(municipality=MunicipalityFactory()),
        "nobody": lambda: None,
        "anonymous": AnonymousUser,
    }[who]()
    page = Page.objects.get(key="mission")
    with pytest.raises(PermissionDenied):
        services.page_update(acting_user=acting_user, page=page, data={"title_en": "Hijacked"})
    assert Page.objects.get(key="mission").title_en == "About the Mission"


def test_pages_are_never_deleted(superuser):
    page = Page.objects.get(key="privacy")
    with pytest.raises(PermissionDenied):
        services.page_delete(acting_user=superuser, instance=page)
    assert Page.objects.filter(key="privacy").exists()


def test_markup_the_pages_would_drop_is_refused_by_name(superuser):
    page = Page.objects.get(key="contact")
    with pytest.raises(ValidationError) as error:
        services.page_update(
            acting_user=superuser,
            page=page,
            data={
                "content_pl": (
                    '<div><p onclick="x()" style="color:red">Tekst</p></div>'
                    '<a href="javascript:alert(1)">x</a>'
                )
            },
        )
    messages = error.value.message_dict["content_pl"]
    assert any("<div>" in message for message in messages)
    assert any("onclick, style" in message for message in messages)
    assert any("javascript:alert(1)" in message for message in messages)
    assert "Tekst" not in Page.objects.get(key="contact").content_pl


def test_the_allowed_markup_is_accepted(superuser):
    page = Page.objects.get(key="contact")
    text = (
        '<h2 lang="el">Επικοινωνία</h2><p><strong>Write</strong> to <em>us</em> at '
        '<a href="mailto:a@example.org">a@example.org</a> or <a href="/en/cities/">a city</a>.'
        "</p><ul><li>one</li></ul><ol><li>two</li></ol><h3>Terms</h3><dl><dt>a</dt><dd>b</dd>"
        '</dl><p><a href="https://netzerocities.eu/">NetZeroCities</a></p>'
    )
    services.page_update(acting_user=superuser, page=page, data={"content_en": text})
    assert Page.objects.get(key="contact").content_en == text


def test_control_characters_are_refused(superuser):
    page = Page.objects.get(key="contact")
    with pytest.raises(ValidationError):
        services.page_update(acting_user=superuser, page=page, data={"title_en": "Con\x00tact"})


def test_the_admin_and_other_generic_writers_reach_these_services():
    from core.services import writer_for

    writer = writer_for(Page)
    assert writer.save is services.page_save and writer.delete is services.page_delete


def test_the_database_refuses_a_page_it_does_not_know():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Page.objects.filter(key="contact").update(key="imprint")
