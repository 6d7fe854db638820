"""The pages in the admin: administrators edit them in every language; editors of a city never
see them; nobody deletes them."""

import pytest

from pages.models import Page
from tests.missions.factories import EditorFactory, MunicipalityFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


def form_data(page: Page, **changes) -> dict:
    data = {
        f"{field}_{language}": getattr(page, f"{field}_{language}") or ""
        for field in ("title", "content")
        for language in ("en", "el", "pl")
    }
    return {**data, **changes}


def change_url(page: Page) -> str:
    return f"/admin/pages/page/{page.pk}/change/"


def test_a_superuser_edits_a_page_in_every_language(client, superuser):
    page = Page.objects.get(key="contact")
    client.force_login(superuser)
    form = client.get(change_url(page)).content.decode()
    for field in ("title_en", "title_el", "title_pl", "content_en", "content_el", "content_pl"):
        assert f'name="{field}"' in form
    response = client.post(
        change_url(page),
        form_data(page, content_el="<p>Γράψτε μας στο [[contact-email]].</p>"),
    )
    assert response.status_code == 302
    page.refresh_from_db()
    assert page.content_el == "<p>Γράψτε μας στο [[contact-email]].</p>"
    assert page.history.first().history_user == superuser
    assert "Γράψτε μας στο" in client.get("/el/about/contact/").content.decode()


def test_disallowed_markup_is_refused_with_a_message_and_nothing_changes(client, superuser):
    page = Page.objects.get(key="contact")
    before = page.content_en
    client.force_login(superuser)
    response = client.post(
        change_url(page),
        form_data(page, content_en='<p style="color:red">Hi</p><script>alert(1)</script>'),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Remove the tags these pages do not allow: &lt;script&gt;" in html
    assert "Remove the attributes these pages do not allow: style" in html
    page.refresh_from_db()
    assert page.content_en == before


def test_english_is_required(client, superuser):
    page = Page.objects.get(key="privacy")
    client.force_login(superuser)
    response = client.post(change_url(page), form_data(page, content_en=""))
    assert response.status_code == 200
    page.refresh_from_db()
    assert page.content_en


def test_the_key_cannot_be_changed(client, superuser):
    page = Page.objects.get(key="contact")
    client.force_login(superuser)
    client.post(change_url(page), form_data(page, key="mission"))
    page.refresh_from_db()
    assert page.key == "contact"


def test_pages_can_be_neither_added_nor_deleted_while_all_four_exist(client, superuser):
    page = Page.objects.get(key="contact")
    client.force_login(superuser)
    assert client.get("/admin/pages/page/add/").status_code == 403
    assert client.get(f"/admin/pages/page/{page.pk}/delete/").status_code == 403
    assert client.post(f"/admin/pages/page/{page.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Page.objects.count() == 4


def test_a_missing_page_can_be_added_again(client, superuser):
    Page.objects.filter(key="contact").delete()
    client.force_login(superuser)
    response = client.post(
        "/admin/pages/page/add/",
        {
            "key": "contact",
            "title_en": "Contact",
            "title_el": "",
            "title_pl": "",
            "content_en": "<p>Write to [[contact-email]].</p>",
            "content_el": "",
            "content_pl": "",
        },
    )
    assert response.status_code == 302
    assert Page.objects.get(key="contact").title_en == "Contact"


def test_an_editor_never_sees_the_pages(client):
    editor = EditorFactory(municipality=MunicipalityFactory())
    page = Page.objects.get(key="contact")
    client.force_login(editor)
    index = client.get("/admin/")
    assert index.status_code == 200
    assert "/admin/pages/" not in index.content.decode()
    assert client.get("/admin/pages/page/").status_code == 403
    assert client.get(change_url(page)).status_code == 403
    assert client.get(f"/admin/pages/page/{page.pk}/history/").status_code == 403
    response = client.post(change_url(page), form_data(page, content_en="<p>Hijacked</p>"))
    assert response.status_code == 403
    page.refresh_from_db()
    assert "Hijacked" not in page.content_en
