"""What a progress report shows: what the public may see of the city and its partners."""

import datetime

import pytest

from missions.models import Municipality
from reports.services import html_to_pdf, render_html
from tests.missions.factories import (
    ContractPartFactory,
    MilestoneFactory,
    MissionLabelFactory,
    MunicipalityFactory,
    make_twinning,
)
from tests.reports.support import pdf_text

pytestmark = pytest.mark.django_db


def test_a_report_leaves_out_an_unpublished_partner(demo):
    """Finding: an unpublished city showed as a partner in another city's PDF."""
    kozani = Municipality.objects.get(slug="kozani")
    hidden = MunicipalityFactory(name_en="Hidden Town", is_published=False)
    make_twinning(twin=hidden, pilots=[kozani], cohort=2)
    text = pdf_text(html_to_pdf(render_html(municipality=kozani, language="en")))
    assert "Alba Iulia" in text  # the published partner
    assert "Hidden Town" not in text


def test_a_report_shows_the_climate_city_contract_and_label():
    city = MunicipalityFactory(name_en="Kozani")
    ContractPartFactory(
        municipality=city,
        part="action_plan",
        status="under_review",
        date=datetime.date(2024, 3, 1),
        date_precision="month",
        documents="https://kozani.example/action-plan.pdf",
    )
    MissionLabelFactory(municipality=city, awarded_on=datetime.date(2024, 3, 1), round=2)
    text = pdf_text(html_to_pdf(render_html(municipality=city, language="en")))
    for expected in (
        "Climate City Contract",
        "Action Plan",
        "Under review",
        "March 2024",
        "https://kozani.example/action-plan.pdf",
        "EU Mission Label: awarded in March 2024 (round 2)",
    ):
        assert expected in text


def test_a_report_marks_overdue_milestones_and_keeps_lists_as_on_the_web():
    """Findings 9.9: nothing said a milestone was overdue; numbered lists became <br> lines.
    The PDF renders descriptions with the same markup as the city page."""
    city = MunicipalityFactory(name_en="Kozani")
    MilestoneFactory(
        municipality=city,
        title_en="Audit the schools",
        date=datetime.date(2025, 1, 1),
        description_en="Steps:\n\n1. Measure\n2. Insulate",
    )
    html = render_html(municipality=city, language="en")
    assert "<ol>\n<li>Measure</li>\n<li>Insulate</li>\n</ol>" in html
    text = pdf_text(html_to_pdf(html))
    assert "Overdue" in text
    assert "1. Measure" in text and "2. Insulate" in text


def test_a_report_marks_text_shown_in_another_language():
    city = MunicipalityFactory(name_en="Kozani", region_en="Western Macedonia", region_el="")
    MilestoneFactory(municipality=city, title_en="Audit the schools", title_el="")
    html = render_html(municipality=city, language="el")
    assert '<h3 lang="en">Audit the schools</h3>' in html
    assert '<span lang="en">Western Macedonia</span>' in html


def test_no_page_of_a_report_is_left_nearly_empty(demo):
    """Finding 9.7: pages 3, 7 and 8 of Palaio Faliro's Greek report were almost empty (every
    chapter began a page); ";" between missions on the Greek cover read as a question mark."""
    import io

    from pypdf import PdfReader

    city = Municipality.objects.get(slug="palaio-faliro")
    html = render_html(municipality=city, language="el")
    cover = html.split('<nav class="toc')[0]
    assert '<ul class="cover-missions">' in cover and "; " not in cover.split("<body>")[1]
    reader = PdfReader(io.BytesIO(html_to_pdf(html)))
    lines = [
        len([line for line in (page.extract_text() or "").splitlines() if line.strip()])
        for page in reader.pages
    ]
    # The cover and the last page may be short; every other page is more than a few lines.
    assert all(count >= 8 for count in lines[1:-1]), lines
