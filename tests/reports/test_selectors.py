"""What a progress report shows: what the public may see of the city and its partners."""

import datetime

import pytest

from missions.models import Municipality
from reports.services import html_to_pdf, render_html
from tests.missions.factories import (
    ContractPartFactory,
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
