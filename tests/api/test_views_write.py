"""Writing milestones with a personal API token: the missions services, as the token's user,
with the admin's and the imports' rules and messages; never another city's milestones."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from core import audit, events
from missions.models import Milestone
from tests.api.conftest import bearer
from tests.missions.factories import EditorFactory, MilestoneFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

URL = "/api/v1/milestones/"
NEW = {"municipality": "kozani", "date": "2025-03", "title_en": "Bus lanes", "status": "upcoming"}


def post(client, key, data):
    return client.post(URL, data, content_type="application/json", **bearer(key))


def patch(client, key, milestone, data):
    return client.patch(
        f"{URL}{milestone.pk}/", data, content_type="application/json", **bearer(key)
    )


def test_a_token_adds_a_milestone_to_its_city(client, token_key):
    response = post(client, token_key, {**NEW, "title_el": "Λεωφορειολωρίδες", "kind": "general"})
    assert response.status_code == 201
    milestone = Milestone.objects.get()
    assert (milestone.title_el, milestone.date, milestone.date_precision) == (
        "Λεωφορειολωρίδες",
        datetime.date(2025, 3, 1),
        "month",
    )


def test_the_answer_is_the_milestone_and_where_it_lives(client, token_key, settings):
    settings.PORTAL_BASE_URL = "https://portal.example.org"
    response = post(client, token_key, NEW)
    milestone = Milestone.objects.get()
    assert response["Location"] == f"https://portal.example.org/api/v1/milestones/{milestone.pk}/"
    assert (response.json()["id"], response.json()["date"]) == (milestone.pk, "2025-03")


def test_the_history_names_the_tokens_holder(client, token_key, kozani_editor):
    post(client, token_key, NEW)
    assert Milestone.objects.get().history.get().history_user == kozani_editor


def test_the_write_is_recorded_as_coming_from_the_api(client, token_key):
    sources = []

    def receiver(sender, **kwargs):
        sources.append(kwargs["source"])

    events.written.connect(receiver, sender=Milestone)
    try:
        post(client, token_key, NEW)
    finally:
        events.written.disconnect(receiver, sender=Milestone)
    assert sources == [audit.API]


def test_a_token_changes_some_fields(client, token_key, world):
    response = patch(client, token_key, world["milestone"], {"status": "delayed"})
    world["milestone"].refresh_from_db()
    assert (response.status_code, world["milestone"].status) == (200, "delayed")


def test_put_replaces_the_whole_milestone(client, token_key, world):
    response = client.put(
        f"{URL}{world['milestone'].pk}/",
        {**NEW, "title_en": "Renamed"},
        content_type="application/json",
        **bearer(token_key),
    )
    world["milestone"].refresh_from_db()
    assert (response.status_code, world["milestone"].title_en) == (200, "Renamed")


def test_put_needs_every_required_field(client, token_key, world):
    response = client.put(
        f"{URL}{world['milestone'].pk}/",
        {"status": "delayed"},
        content_type="application/json",
        **bearer(token_key),
    )
    assert sorted(response.json()) == ["date", "municipality", "title_en"]


# --------------------------------------------------------------------------------------------
# Another city's milestones
# --------------------------------------------------------------------------------------------


def test_a_token_cannot_add_to_another_city(client, token_key, cities):
    response = post(client, token_key, {**NEW, "municipality": "palaio-faliro"})
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "You hold no editor role for “Palaio Faliro”."},
    )
    assert not Milestone.objects.exists()


def test_a_token_cannot_change_another_citys_milestone(client, token_key, cities):
    theirs = MilestoneFactory(municipality=cities[1], status="upcoming")
    response = patch(client, token_key, theirs, {"status": "cancelled"})
    theirs.refresh_from_db()
    assert (response.status_code, theirs.status) == (403, "upcoming")


def test_a_token_cannot_move_its_milestone_to_another_city(client, token_key, world):
    response = patch(client, token_key, world["milestone"], {"municipality": "palaio-faliro"})
    world["milestone"].refresh_from_db()
    assert (response.status_code, world["milestone"].municipality.slug) == (403, "kozani")


def test_another_citys_unpublished_milestone_is_unknown(client, token_key, world):
    response = patch(client, token_key, world["hidden_milestone"], {"status": "cancelled"})
    assert response.status_code == 404


def test_an_editor_writes_for_their_unpublished_city(client, world):
    from api.services import api_token_create

    editor = EditorFactory(municipality=world["hidden_milestone"].municipality)
    _token, key = api_token_create(acting_user=editor, name="Hidden City's website")
    response = patch(client, key, world["hidden_milestone"], {"status": "completed"})
    assert response.status_code == 200


def test_a_token_of_a_user_who_lost_their_role_writes_nothing(client, token_key, kozani_editor):
    kozani_editor.municipality_roles.all().delete()
    assert post(client, token_key, NEW).status_code == 403


def test_reads_need_no_token_but_writes_do(client, cities):
    response = client.post(URL, NEW, content_type="application/json")
    assert response.status_code == 401


# --------------------------------------------------------------------------------------------
# The same validation, with the same messages
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data,errors",
    [
        (
            {"date": "2025-13"},
            {"date": ["“2025-13” is not a date: use YYYY-MM-DD, YYYY-MM or YYYY."]},
        ),
        (
            {"status": "finished"},
            {
                "status": [
                    "Unknown value “finished”: use one of upcoming, in_progress, completed, "
                    "delayed, cancelled."
                ]
            },
        ),
        ({"municipality": "atlantis"}, {"municipality": ["No municipality “atlantis” is known."]}),
        (
            {"municipality": "hidden-city"},
            {"municipality": ["No municipality “hidden-city” is known."]},
        ),
    ],
)
def test_the_imports_messages(client, token_key, data, errors):
    response = post(client, token_key, {**NEW, **data})
    assert (response.status_code, response.json()) == (400, errors)


def test_a_status_may_be_given_by_its_label_as_in_imports(client, token_key):
    with translation.override("el"):
        label = str(Milestone.Status.IN_PROGRESS.label)
    post(client, token_key, {**NEW, "status": label})
    assert Milestone.objects.get().status == "in_progress"


def _model_errors(**fields) -> dict:
    try:
        Milestone(**fields).full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def test_the_admins_message_for_a_missing_title(client, token_key, cities):
    response = post(client, token_key, {**NEW, "title_en": ""})
    expected = _model_errors(
        municipality=cities[0], title_en="", date=datetime.date(2025, 3, 1), status="upcoming"
    )["title_en"]
    assert response.json() == {"title_en": expected}


def test_the_admins_message_for_a_repeated_title(client, token_key, world):
    response = post(client, token_key, {**NEW, "title_en": "CLIMATE office opens"})
    assert response.json() == {
        "non_field_errors": ["This municipality has a milestone of this title."]
    }


@pytest.mark.parametrize("text", ["A\x00B", "A\x0bB"])
def test_the_admins_message_for_control_characters(client, token_key, text):
    response = post(client, token_key, {**NEW, "description_en": text})
    assert response.json() == {
        "description_en": ["Remove the control characters (invisible characters such as NUL)."]
    }


def test_a_refused_write_changes_nothing(client, token_key, world):
    before = Milestone.objects.get(pk=world["milestone"].pk).title_en
    patch(client, token_key, world["milestone"], {"title_en": "x" * 400})
    assert Milestone.objects.get(pk=world["milestone"].pk).title_en == before


def test_the_data_must_be_json(client, token_key):
    response = client.post(URL, NEW, **bearer(token_key))  # a form, not JSON
    assert response.status_code == 415
