"""Finding 8: a Redis outage must not take the site down.

With REDIS_URL set and Redis unreachable, the public pages, the consultation form, its
submissions and results, sign-in, admin saves and imports all keep working (the cache degrades
to this process's memory; rate limits count per process), and when Redis is back the pages are
cached in it again without a restart. The Redis stopped here is the test's own
(``redis_server``), never the machine's."""

from __future__ import annotations

import copy
import io

import pytest
import redis
from django.core.management import call_command
from django.test import Client, RequestFactory

from consultations.models import Response
from missions.models import Milestone, MunicipalityRole
from tests.accounts.factories import UserFactory
from tests.consultations.factories import ConsultationFactory, add_question
from tests.workers import wait_for

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.accounts.factories.UserFactory's


@pytest.fixture
def own_redis(redis_server, settings):
    """The configured cache backend, on the test's own Redis."""
    configured = copy.deepcopy(settings.CACHES)
    configured["default"]["LOCATION"] = redis_server.url
    settings.CACHES = configured
    return redis_server


def page_keys(server) -> list[bytes]:
    return redis.Redis.from_url(server.url).keys("*page:*")


def admin_form_data(client, url) -> dict:
    """The change form's current values, as the browser would post them back."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else value
    return data


def demo_city():
    from missions.models import Municipality

    return Municipality.objects.get(slug="palaio-faliro")


def test_the_site_keeps_working_while_redis_is_down(own_redis, demo, settings, tmp_path):
    settings.CONSULTATION_SUBMISSION_RATE = (2, 600)
    city = "/en/cities/palaio-faliro/"
    visitor = Client()
    assert "3 of 5 milestones completed" in visitor.get(city).content.decode()
    assert page_keys(own_redis), "pages are cached in Redis while it runs"

    consultation = ConsultationFactory(municipality=demo_city(), slug="outage-survey")
    question = add_question(consultation, 1, "single", options=["Yes", "No"], required=True)
    yes = question.options.get(text_en="Yes")

    own_redis.stop()

    # The public pages.
    for url in (
        "/en/",
        "/el/",
        city,
        "/en/cities/",
        "/en/twinning/",
        "/en/networks/",
        "/en/networks/ilektron/",
        "/en/consultations/",
        "/en/cities/palaio-faliro/feed/",
        "/healthz",
    ):
        assert visitor.get(url).status_code == 200, url

    # The consultation: the form, a submission (stored), the results.
    form_url = f"/en/consultations/{consultation.slug}/"
    assert visitor.get(form_url).status_code == 200
    response = visitor.post(form_url, {question.field_name: str(yes.pk)})
    assert response.status_code == 302
    assert Response.objects.filter(consultation=consultation).count() == 1
    assert visitor.get(response["Location"]).status_code == 200  # the thank-you page
    assert visitor.get(f"{form_url}results/").status_code == 200
    # The submission rate limit still holds, counted in this process: two per address.
    assert Client().post(form_url, {question.field_name: str(yes.pk)}).status_code == 302
    assert Client().post(form_url, {question.field_name: str(yes.pk)}).status_code == 429
    assert Response.objects.filter(consultation=consultation).count() == 2

    # Sign-in through allauth; its rate limits still hold, counted in this process.
    citizen = UserFactory()
    response = Client().post("/en/accounts/login/", {"login": citizen.email, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/en/"
    target = UserFactory()
    attacker = Client(REMOTE_ADDR="192.0.2.7")
    for _ in range(5):
        attacker.post("/en/accounts/login/", {"login": target.email, "password": "wrong"})
    refused = attacker.post("/en/accounts/login/", {"login": target.email, "password": PASSWORD})
    assert refused.status_code == 200
    assert "Too many failed login attempts" in refused.content.decode()

    # An admin save, as the city's editor; the public page shows it at once.
    editor = Client()
    editor.force_login(MunicipalityRole.objects.get(municipality__slug="palaio-faliro").user)
    milestone = Milestone.objects.get(title_en__startswith="Work starts on the Action Plan")
    change_url = f"/admin/missions/milestone/{milestone.pk}/change/"
    data = {**admin_form_data(editor, change_url), "status": "completed"}
    response = editor.post(change_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    milestone.refresh_from_db()
    assert milestone.status == "completed"
    assert "4 of 5 milestones completed" in visitor.get(city).content.decode()

    # An admin import: the preview, then the confirm step.
    upload = io.BytesIO(
        b"municipality,date,status,title_en\n"
        b"palaio-faliro,2026-03,upcoming,Cooling centres open for the summer\n"
    )
    upload.name = "milestones.csv"
    response = editor.post(
        "/admin/missions/milestone/import/", {"resource": 0, "format": 0, "import_file": upload}
    )
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    response = editor.post(
        "/admin/missions/milestone/process_import/", {**confirm.initial, "resource": 0}
    )
    assert response.status_code == 302
    assert Milestone.objects.filter(title_en="Cooling centres open for the summer").exists()

    # An import from the command line.
    source = tmp_path / "milestones.csv"
    source.write_text(
        "municipality,date,status,title_en\n"
        "palaio-faliro,2026-06,upcoming,Shade trees along the seafront\n",
        encoding="utf-8",
    )
    call_command("import_data", "milestones", str(source), stdout=io.StringIO())
    html = visitor.get(city).content.decode()
    assert "Shade trees along the seafront" in html
    assert "Cooling centres open for the summer" in html

    from core.cache import stats

    assert stats()["failures"] >= 1

    # Redis comes back: pages are cached in it again, without a restart, and are current.
    own_redis.start()

    def cached_again():
        visitor.get(city)
        return page_keys(own_redis)

    wait_for(cached_again, timeout=15, what="pages cached in Redis again")
    html = visitor.get(city).content.decode()
    assert "Shade trees along the seafront" in html and "4 of " in html


def test_submission_rate_limit_counts_per_process_when_the_cache_raises(redis_server, settings):
    """Whatever the cache backend, a failing cache limits submissions per process instead of
    answering 500 (here Django's own Redis backend, which raises, on a stopped Redis)."""
    from consultations.views import _rate_limited

    consultation = ConsultationFactory()
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
        }
    }
    settings.CONSULTATION_SUBMISSION_RATE = (2, 600)
    redis_server.stop()
    request = RequestFactory().post("/", REMOTE_ADDR="198.51.100.4")
    assert [_rate_limited(request, consultation) for _ in range(3)] == [False, False, True]
    other = RequestFactory().post("/", REMOTE_ADDR="198.51.100.5")
    assert _rate_limited(other, consultation) is False
