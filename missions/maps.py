"""The map of the Mission's cities: an SVG drawn on the server in the EU's equal-area projection
(ETRS89-LAEA, EPSG:3035), over Natural Earth's borders prepared at build time
(``scripts/build_map.py`` → ``static/img/europe-map.svg``, same origin: no tiles, no third-party
request). Each city is a link with an accessible name; stages differ by shape as well as colour,
and a legend says which is which. The table of cities beside it is the list alternative.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .models import MissionStage

FRAME_FILE = Path(__file__).resolve().parent / "data" / "europe_map.json"
SIZE = 34.0  # km: the symbols' half-width


@dataclass(frozen=True)
class Symbol:
    shape: str  # "square", "diamond", "triangle", "circle", "ring"
    fill: str
    label: str


def symbols() -> dict[str, Symbol]:
    """The symbol of each stage ("" = a published city outside the Mission)."""
    return {
        MissionStage.LABELLED: Symbol("square", "#0b6e4f", str(MissionStage.LABELLED.label)),
        MissionStage.SUBMITTED: Symbol("diamond", "#1d5fa8", str(MissionStage.SUBMITTED.label)),
        MissionStage.DRAFTING: Symbol("triangle", "#8a3200", str(MissionStage.DRAFTING.label)),
        MissionStage.SELECTED: Symbol("circle", "#6b4a9e", str(MissionStage.SELECTED.label)),
        "": Symbol("ring", "#ffffff", _("Other city on the portal")),
    }


@cache
def frame() -> dict:
    return json.loads(FRAME_FILE.read_text())


@cache
def _transformer():
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)


def project(latitude: float, longitude: float) -> tuple[float, float] | None:
    """A point's place on the map (km from the frame's top left), or None outside it."""
    x, y = _transformer().transform(float(longitude), float(latitude))
    min_x, min_y, max_x, max_y = frame()["frame"]
    unit = frame()["unit"]
    if not (min_x <= x <= max_x and min_y <= y <= max_y):
        return None
    return (x - min_x) / unit, (max_y - y) / unit


def shape(kind: str, x: float, y: float, size: float = SIZE) -> str:
    """An SVG element for a symbol centred on (x, y)."""

    def points(*corners) -> str:
        return " ".join(f"{x + dx * size:.0f},{y + dy * size:.0f}" for dx, dy in corners)

    if kind == "square":
        return f'<polygon points="{points((-1, -1), (1, -1), (1, 1), (-1, 1))}"/>'
    if kind == "diamond":
        return f'<polygon points="{points((0, -1.3), (1.3, 0), (0, 1.3), (-1.3, 0))}"/>'
    if kind == "triangle":
        return f'<polygon points="{points((0, -1.25), (1.25, 1), (-1.25, 1))}"/>'
    radius = size * (0.8 if kind == "ring" else 1)
    return f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{radius:.0f}"/>'


def legend_symbol(kind: str, fill: str) -> SafeString:
    """A symbol as a small image for the legend (decorative: its text says what it is)."""
    return mark_safe(  # noqa: S308 - built from constants
        '<svg class="legend-symbol" viewBox="-50 -50 100 100" width="18" height="18" '
        f'aria-hidden="true" focusable="false"><g fill="{fill}" stroke="#1c2421" '
        f'stroke-width="10">{shape(kind, 0, 0, 34)}</g></svg>'
    )


def mission_map(cities, *, title: str) -> SafeString:
    """The map of ``cities`` (``missions.overview.CityStage`` items, or municipalities
    annotated by ``with_stage()``): one link per city that has coordinates inside the frame,
    drawn over the borders."""
    width, height = frame()["width"], frame()["height"]
    kinds = symbols()
    points = []
    # Outside the Mission first, so that Mission cities are drawn over them.
    for item in sorted(cities, key=lambda item: item.stage != ""):
        city = getattr(item, "city", item)
        if city.latitude is None or city.longitude is None:
            continue
        place = project(city.latitude, city.longitude)
        if place is None:
            continue
        symbol = kinds[item.stage]
        name = f"{city.name} — {symbol.label}"
        points.append(
            f"<a href={quoteattr(city.get_absolute_url())} aria-label={quoteattr(name)}>"
            f"<title>{escape(name)}</title>"
            f'<g class="map-point" fill="{symbol.fill}">{shape(symbol.shape, *place)}</g></a>'
        )
    return mark_safe(  # noqa: S308 - every text escaped above
        f'<svg class="mission-map" viewBox="0 0 {width:.0f} {height:.0f}" role="group" '
        f'aria-labelledby="mission-map-title" preserveAspectRatio="xMidYMid meet">'
        f'<title id="mission-map-title">{escape(title)}</title>'
        f'<image href={quoteattr(static("img/europe-map.svg"))} x="0" y="0" '
        f'width="{width:.0f}" height="{height:.0f}" aria-hidden="true"/>'
        f'<g stroke="#1c2421" stroke-width="7">{"".join(points)}</g></svg>'
    )


def legend() -> list[tuple[SafeString, str]]:
    return [(legend_symbol(s.shape, s.fill), s.label) for s in symbols().values()]
