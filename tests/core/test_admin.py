"""The admin site: one staff test, "view on site" links only for objects the user may view,
and every admin write through the services."""

import pytest
from django.contrib.contenttypes.models import ContentType

from missions.models import Milestone, Municipality
from tests.accounts.factories import UserFactory
from tests.missions.factories import EditorFactory, MilestoneFactory, MunicipalityFactory

pytestmark = pytest.mark.django_db


def shortcut(obj) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


def test_view_on_site_only_for_objects_the_user_may_view(client):
    """Finding: /admin/r/<content type>/<id>/ gave any staff user the URL of any object."""
    ours = MunicipalityFactory(slug="kozani")
    hidden = MunicipalityFactory(slug="hidden-town", is_published=False)
    theirs = MilestoneFactory(municipality=MunicipalityFactory(slug="palaio-faliro"))
    mine = MilestoneFactory(municipality=ours)
    client.force_login(EditorFactory(municipality=ours))
    response = client.get(shortcut(mine))
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cities/kozani/#milestone-{mine.pk}")
    for obj in (hidden, theirs):
        assert client.get(shortcut(obj)).status_code == 404
    assert client.get("/admin/r/999999/1/").status_code == 404
    assert (
        client.get(f"/admin/r/{ContentType.objects.get_for_model(Milestone).pk}/x/").status_code
        == 404
    )


def test_a_superuser_follows_any_shortcut(client):
    hidden = MunicipalityFactory(slug="hidden-town", is_published=False)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    response = client.get(shortcut(hidden))
    assert response.status_code == 302 and response["Location"].endswith("/cities/hidden-town/")


@pytest.mark.parametrize("user", ["citizen", "inactive staff"])
def test_only_active_staff_open_the_admin(client, user):
    client.force_login(
        UserFactory() if user == "citizen" else UserFactory(is_staff=True, is_active=False)
    )
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_admin_signs_in_through_allauth(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_a_refused_delete_says_why_and_deletes_nothing(client):
    """A write the form could not check (here: a crafted bulk delete by an editor, who may not
    delete municipalities) is refused by the service with a message, not a server error."""
    city = MunicipalityFactory()
    client.force_login(EditorFactory(municipality=city))
    response = client.post(
        "/admin/missions/municipality/",
        {"action": "delete_selected", "_selected_action": [city.pk], "post": "yes"},
        follow=True,
    )
    assert response.status_code == 200
    assert Municipality.objects.filter(pk=city.pk).exists()
