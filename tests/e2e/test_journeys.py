"""What visitors and staff do, end to end, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from missions.models import Milestone, Municipality
from tests.missions.factories import EditorFactory, MilestoneFactory

pytestmark = pytest.mark.e2e

PASSWORD = "correct horse battery staple"
ACTION_PLAN = re.compile(r"^\s*Work starts on the Action Plan")


def heading(page, name):
    return page.get_by_role("heading", level=1, name=name, exact=True)


# --------------------------------------------------------------------------------------------
# Visitors
# --------------------------------------------------------------------------------------------


def test_visitor_follows_a_city_to_its_twin(site, page):
    page.goto(f"{site}/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.get_by_role("main").get_by_role("link", name="Browse the cities").click()
    expect(page).to_have_url(f"{site}/en/cities/")
    expect(heading(page, "Cities")).to_be_visible()
    expect(page.get_by_role("link", name="Nantes", exact=True)).to_be_visible()

    page.get_by_role("link", name="Palaio Faliro", exact=True).click()
    expect(page).to_have_url(f"{site}/en/cities/palaio-faliro/")
    expect(heading(page, "Palaio Faliro")).to_be_visible()
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(5)
    expect(timeline.first).to_contain_text("September 2023")
    expect(timeline.first).to_contain_text(
        "The municipality joins the EU Cities Mission's Twin Cities programme"
    )
    expect(timeline.last).to_contain_text("January 2025")
    expect(timeline.last).to_contain_text("Work starts on the Action Plan")
    expect(page.get_by_text(re.compile(r"^3 of 5 milestones completed\b"))).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "3")

    page.get_by_role("link", name="All twinnings").click()
    expect(page).to_have_url(f"{site}/en/twinning/")
    expect(heading(page, "Twinning")).to_be_visible()
    twinning = page.locator(".twinning-card", has_text="Together Towards Climate Neutrality")
    expect(twinning).to_contain_text("Palaio Faliro")

    twinning.get_by_role("link", name="Nantes", exact=True).click()
    expect(page).to_have_url(f"{site}/en/cities/nantes/")
    expect(heading(page, "Nantes")).to_be_visible()
    expect(page.get_by_role("complementary")).to_contain_text("Palaio Faliro")


def test_visitor_reaches_twinning_from_the_main_navigation(site, page):
    page.goto(f"{site}/en/cities/palaio-faliro/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Twinning").click()
    expect(page).to_have_url(f"{site}/en/twinning/")
    page.get_by_role("main").get_by_role("link", name="Nantes", exact=True).click()
    expect(heading(page, "Nantes")).to_be_visible()


def test_city_page_speaks_greek_and_polish(site, page):
    page.goto(f"{site}/el/cities/palaio-faliro/")
    expect(page.locator("html")).to_have_attribute("lang", "el")
    expect(heading(page, "Παλαιό Φάληρο")).to_be_visible()
    expect(page.locator("ol.timeline > li")).to_have_count(5)
    expect(page.locator('time[datetime="2023-10-01"]')).to_have_text("Οκτώβριος 2023")
    expect(page.get_by_text("Οκτώβριος 2023", exact=True)).to_be_visible()
    expect(page.locator('time[datetime="2023-09-01"]')).to_have_text("Σεπτέμβριος 2023")

    page.goto(f"{site}/pl/cities/palaio-faliro/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    expect(page.locator('time[datetime="2023-10-01"]')).to_have_text("październik 2023")


# --------------------------------------------------------------------------------------------
# Staff
# --------------------------------------------------------------------------------------------


def sign_in(page, site, email, password=PASSWORD):
    page.goto(f"{site}/en/accounts/login/")
    form = page.locator('form[action="/en/accounts/login/"]')
    form.locator('input[name="login"]').fill(email)
    form.locator('input[name="password"]').fill(password)
    form.locator('button[type="submit"]').click()
    expect(page).not_to_have_url(re.compile(r"/en/accounts/login/"))


def test_editor_completes_a_milestone_and_the_public_page_follows(site, page):
    palaio_faliro = Municipality.objects.get(slug="palaio-faliro")
    editor = EditorFactory(municipality=palaio_faliro)
    others = [
        MilestoneFactory(
            municipality=Municipality.objects.get(slug="kozani"),
            title_en="Kozani district heating moves to heat pumps",
        ),
        MilestoneFactory(
            municipality=Municipality.objects.get(slug="warsaw"),
            title_en="Warsaw adopts its climate adaptation plan",
        ),
    ]

    sign_in(page, site, editor.email)

    page.goto(f"{site}/admin/missions/milestone/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(5)
    content = page.locator("#content")
    expect(content).to_be_visible()
    for text in ("Kozani", "Warsaw", *(m.title_en for m in others)):
        expect(content).not_to_contain_text(text)
    expect(rows.filter(has_text="Palaio Faliro")).to_have_count(5)

    # Nor can the editor open another municipality's milestone by its address: to them it
    # does not exist.
    response = page.goto(f"{site}/admin/missions/milestone/{others[0].pk}/change/")
    assert response.status == 404
    expect(page.locator('select[name="status"]')).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(others[0].title_en)

    page.goto(f"{site}/admin/missions/milestone/")
    page.locator("#result_list").get_by_role("link", name=ACTION_PLAN).click()
    expect(page).to_have_url(re.compile(r"/admin/missions/milestone/\d+/change/"))
    status = page.locator('select[name="status"]')
    expect(status).to_have_value("upcoming")
    status.select_option(label="Completed")
    page.locator('input[name="_save"]').click()

    expect(page).to_have_url(re.compile(r"/admin/missions/milestone/(\?.*)?$"))
    expect(page.locator(".messagelist .success")).to_be_visible()
    milestone = Milestone.objects.get(
        municipality=palaio_faliro, title_en__startswith="Work starts on the Action Plan"
    )
    assert milestone.status == Milestone.Status.COMPLETED

    page.goto(f"{site}/en/cities/palaio-faliro/")
    expect(page.get_by_text(re.compile(r"^4 of 5 milestones completed\b"))).to_be_visible()
    item = page.locator(f"#milestone-{milestone.pk}")
    expect(item).to_have_class(re.compile(r"\bstatus-completed\b"))
    expect(item.locator(".badge")).to_have_text("Completed")


# --------------------------------------------------------------------------------------------
# Without JavaScript
# --------------------------------------------------------------------------------------------


def test_directory_search_works_without_javascript(site, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(f"{site}/en/cities/")
    cards = page.locator(".card-grid > li")
    expect(cards).to_have_count(5)

    search = page.get_by_role("search")
    search.locator('input[name="q"]').fill("Faliro")
    search.locator('button[type="submit"]').click()

    expect(page).to_have_url(re.compile(r"/en/cities/\?(.*&)?q=Faliro"))
    expect(cards).to_have_count(1)
    expect(cards.first.get_by_role("link")).to_have_text("Palaio Faliro")
    expect(page.locator('input[name="q"]')).to_have_value("Faliro")


def test_language_switcher_works_without_javascript(site, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(f"{site}/en/cities/palaio-faliro/")
    expect(page.locator('time[datetime="2023-10-01"]')).to_have_text("October 2023")

    page.locator('.language-switcher a[hreflang="el"]').click()

    expect(page).to_have_url(f"{site}/el/cities/palaio-faliro/")
    expect(page.locator("html")).to_have_attribute("lang", "el")
    expect(heading(page, "Παλαιό Φάληρο")).to_be_visible()
    expect(page.locator('time[datetime="2023-10-01"]')).to_have_text("Οκτώβριος 2023")
    expect(page.locator('.language-switcher a[hreflang="el"]')).to_have_attribute(
        "aria-current", "true"
    )
