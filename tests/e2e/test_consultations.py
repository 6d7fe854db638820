"""A citizen answers Palaio Faliro's consultation in Greek, in Chromium."""

import pytest
from playwright.sync_api import expect

from consultations.models import Response

from .test_accessibility import axe_violations, describe

pytestmark = pytest.mark.e2e

SLUG = "palaio-faliro-climate-neutrality"


def test_citizen_answers_in_greek_and_sees_results(site, page):
    before = Response.objects.count()
    page.goto(f"{site}/el/cities/palaio-faliro/")
    page.get_by_role("link", name="Διαβούλευση για την κλιματική ουδετερότητα").first.click()
    expect(page.locator("h1")).to_contain_text("Διαβούλευση για την κλιματική ουδετερότητα")

    page.get_by_label("Είμαι κάτοικος").check()
    page.get_by_label("4", exact=True).check()
    page.get_by_label("Ασφαλείς ποδηλατόδρομοι").check()
    page.get_by_label("Συχνότερα λεωφορεία").check()
    page.get_by_label("Ναι", exact=True).check()
    page.get_by_label("Καύσωνες").check()
    page.locator("textarea").fill("Περισσότερα δέντρα στην παραλία.")
    page.get_by_role("button", name="Αποστολή απαντήσεων").click()

    expect(page.locator("h1")).to_contain_text("ευχαριστούμε")
    assert Response.objects.count() == before + 1

    page.get_by_role("link", name="Δείτε τα αποτελέσματα").click()
    expect(page.locator("h1")).to_contain_text("Αποτελέσματα")
    expect(page.locator("svg").first).to_be_visible()
    expect(page.locator(".question-result table.data-table").first).to_be_visible()

    # A second visit says the participant has already answered and offers no form.
    page.goto(f"{site}/el/consultations/{SLUG}/")
    expect(page.locator(".notice")).to_contain_text("Έχετε ήδη απαντήσει")
    expect(page.locator("form.questionnaire")).to_have_count(0)


def test_validation_errors_are_linked_and_accessible(site, new_page, axe_path):
    page = new_page(bypass_csp=True, java_script_enabled=True)
    page.goto(f"{site}/en/consultations/{SLUG}/")
    page.get_by_role("button", name="Send my answers").click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.locator("a")).to_have_count(3)  # the three required questions
    summary.locator("a").first.click()
    assert page.url.endswith("_0")
    violations = axe_violations(page, axe_path)
    assert not violations, describe(page.url, violations)
    assert Response.objects.filter(consultation__slug=SLUG).count() == 200


def test_form_works_without_javascript(site, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(f"{site}/en/consultations/{SLUG}/")
    page.get_by_label("I am a visitor").check()
    page.get_by_label("2", exact=True).check()
    page.get_by_label("Maybe, I would like to know more").check()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("h1")).to_contain_text("Thank you")
