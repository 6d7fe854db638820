"""Everything a progress report shows, gathered in a fixed number of queries."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from consultations.models import Consultation, Option, Question
from consultations.selectors import consultation_results, results_visible
from core.charts import Bar, bar_chart
from missions import selectors as mission_selectors
from missions.models import Milestone, Municipality

# The same colours as the status badges of the web pages.
STATUS_COLOURS = {
    Milestone.Status.UPCOMING: "#6b7570",
    Milestone.Status.IN_PROGRESS: "#1d5fa8",
    Milestone.Status.COMPLETED: "#0b6e4f",
    Milestone.Status.DELAYED: "#a33a00",
    Milestone.Status.CANCELLED: "#8a1f1f",
}


def report_data(*, municipality: Municipality, moment) -> dict:
    city = mission_selectors.municipality_for_page(
        user=None, slug=municipality.slug, include_unpublished=True
    )
    milestones = list(city.milestones.all())
    progress = mission_selectors.progress_summary(milestones)
    status_chart = bar_chart(
        [
            Bar(
                label,
                progress.by_status[value],
                str(progress.by_status[value]),
                colour=STATUS_COLOURS[value],
            )
            for value, label in Milestone.Status.choices
        ],
        title=_("Milestones by status"),
        description=_("%(completed)s of %(total)s milestones completed.")
        % {"completed": progress.completed, "total": progress.total},
        chart_id="status-chart",
    )
    consultations = []
    options = Option.objects.order_by("order")
    questions = Question.objects.order_by("order").prefetch_related(
        Prefetch("options", queryset=options)
    )
    for consultation in (
        Consultation.objects.filter(municipality=city, is_published=True)
        .prefetch_related(Prefetch("questions", queryset=questions))
        .order_by("opens_at")
    ):
        if not results_visible(consultation=consultation, user=None):
            # The report shows what the public may see: no interim or staff-only results.
            consultations.append({"consultation": consultation, "hidden": True})
            continue
        results = consultation_results(consultation=consultation)
        for result in results.questions:
            if result.options:
                result.chart = bar_chart(
                    [Bar(o.label, o.count, f"{o.count} ({o.percent:g}%)") for o in result.options],
                    title=result.question.text,
                    chart_id=f"q{result.question.pk}",
                )
        consultations.append(results)
    return {
        "city": city,
        "moment": moment,
        "milestones": milestones,
        "progress": progress,
        "contract": city.contract,
        "status_chart": status_chart,
        "status_rows": [
            (label, progress.by_status[value]) for value, label in Milestone.Status.choices
        ],
        "attention": [
            (_("Overdue"), [m for m in milestones if m.is_overdue]),
            (
                Milestone.Status.UPCOMING.label,
                [m for m in milestones if m.status == Milestone.Status.UPCOMING],
            ),
            (
                Milestone.Status.DELAYED.label,
                [m for m in milestones if m.status == Milestone.Status.DELAYED],
            ),
        ],
        "twinnings": [p.twinning for p in city.twinning_participations.all()],
        "memberships": city.network_memberships,
        "consultations": consultations,
    }
