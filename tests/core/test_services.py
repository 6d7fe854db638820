"""Write helpers shared by the apps' services, and the registry that sends generic writes (the
admin's) to each model's services."""

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.permissions import system_actor
from core.services import model_save, model_update, unique_slug, writer_for
from missions.models import Milestone, Municipality
from tests.missions.factories import MilestoneFactory, MunicipalityFactory

# The data, import and page tests run on SQLite too (make test), so the two agree.
pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

WRITTEN_BY_SERVICES = ["missions", "consultations", "reports", "pages"]


@pytest.mark.parametrize(
    "model",
    [
        model
        for app in WRITTEN_BY_SERVICES
        for model in apps.get_app_config(app).get_models()
        if not model._meta.label.split(".")[1].startswith("Historical")
        and model.__name__ not in ("Response", "Answer")  # written by response_submit only
    ],
)
def test_every_model_has_its_services(model):
    writer = writer_for(model)
    assert callable(writer.check) and callable(writer.save) and callable(writer.delete)


def test_a_model_without_services_cannot_be_written_generically():
    from django.contrib.sites.models import Site

    with pytest.raises(ImproperlyConfigured):
        writer_for(Site)


def test_model_save_writes_only_what_changed_and_records_the_author():
    milestone = MilestoneFactory(title_en="Office")
    milestone = Milestone.objects.get(pk=milestone.pk)
    milestone.status = "completed"
    with CaptureQueriesContext(connection) as queries:
        changed = model_save(instance=milestone, acting_user=system_actor())
    assert changed == ["status"]
    update = next(q["sql"] for q in queries if q["sql"].startswith("UPDATE"))
    assert '"status"' in update and '"title_en"' not in update
    assert milestone.history.first().history_user == system_actor()
    assert model_save(instance=milestone, acting_user=system_actor()) == []


def test_model_update_reports_whether_anything_changed():
    city = MunicipalityFactory(region="Attica")
    assert model_update(instance=city, data={"region": "Attica"}, acting_user=None)[1] is False
    assert model_update(instance=city, data={"region": "Attiki"}, acting_user=None)[1] is True
    assert Municipality.objects.get(pk=city.pk).region == "Attiki"


def test_unique_slugs_transliterate_and_tell_namesakes_apart():
    assert unique_slug(Municipality, "Łódź") == "lodz"
    assert unique_slug(Municipality, "Θεσσαλονίκη") == "thessaloniki"
    MunicipalityFactory(slug="veria")
    assert unique_slug(Municipality, "Veria", suffix="CY") == "veria-cy"
    assert unique_slug(Municipality, "Veria") == "veria-2"


def test_a_write_waits_for_the_commit_only_for_those_who_listen(
    django_capture_on_commit_callbacks,
):
    """Finding (second release): every write left a commit hook holding its instance and its
    changes for ``core.events.committed``, which nothing listened to: a 100,000-row import kept
    every row in memory until it committed."""
    from core import events

    actor = system_actor()
    MunicipalityFactory()  # the transaction's own hooks (the pages' cache) are in place
    with django_capture_on_commit_callbacks() as unheard:
        for n in range(3):
            model_save(instance=MunicipalityFactory.build(name_en=f"Town {n}"), acting_user=actor)
    assert unheard == []
    heard = []

    def receiver(sender, instance, action, **kwargs):
        heard.append((instance.name_en, action))

    events.committed.connect(receiver, sender=Municipality)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            model_save(instance=MunicipalityFactory.build(name_en="Heard"), acting_user=actor)
            assert heard == []  # not before the commit
    finally:
        events.committed.disconnect(receiver, sender=Municipality)
    assert heard == [("Heard", "create")]
