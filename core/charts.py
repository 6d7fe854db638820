"""Accessible SVG charts drawn on the server: no JavaScript and no CSS framework, so the same
code serves web pages (inline SVG) and PDF reports.

Only SVG presentation attributes are used (no ``style``), which the Content Security Policy
allows. Every chart has a title and a description; pages pair it with a data table. Labels wrap
onto as many lines as they need and are never cut ("Ίσως, θα ήθελα να μάθω περισσότερα" must
not lose its "Ίσως"). Pages get two drawings of each chart (``responsive``): a wide one, and a
narrow one whose text stays at least 12 px on a 320 px phone; the stylesheet shows one.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

PALETTE = ["#0b6e4f", "#1d5fa8", "#8a3200", "#6b4a9e", "#0f7c8c", "#8a1f1f", "#4f5b56"]
FONT = "DejaVu Sans, Segoe UI, sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str  # what is printed next to the bar, e.g. "42 (35,2%)"
    colour: str = ""  # a colour that means something (a status); else the palette's next


def _attr(value) -> str:
    return quoteattr(str(value))


def _lines(text: str, width: int) -> list[str]:
    """``text`` wrapped at ``width`` characters; a word longer than that is broken, never cut."""
    return textwrap.wrap(text, width=width, break_long_words=True) or [""]


def _text(x: float, y: float, lines: list[str], *, line_height: float, anchor: str = "start"):
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if n == 0 else line_height:.1f}">{escape(line)}</tspan>'
        for n, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="#1c2421">{spans}</text>'


def _svg(chart_id: str, width: int, height: float, font_size: int, title: str, desc: str, body):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {width} {height:.0f}" preserveAspectRatio="xMinYMin meet" '
        f"aria-labelledby={_attr(chart_id + '-title')} "
        f"aria-describedby={_attr(chart_id + '-desc')} "
        f'font-family={_attr(FONT)} font-size="{font_size}">'
        f"<title id={_attr(chart_id + '-title')}>{escape(title)}</title>"
        f"<desc id={_attr(chart_id + '-desc')}>{escape(desc or title)}</desc>"
        + "".join(body)
        + "</svg>"
    )


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    description: str = "",
    chart_id: str = "chart",
    narrow: bool = False,
) -> str:
    """Horizontal bars as an SVG string (values scaled to the largest). Wide: labels in a column
    left of the bars. Narrow (phones): each label above its bar, in larger type."""
    largest = max((bar.value for bar in bars), default=0) or 1
    parts, y = [], 8.0
    if narrow:
        width, font, line, bar_height, value_width = 320, 15, 18, 22, 96
        plot = width - value_width - 8
        for index, bar in enumerate(bars):
            lines = _lines(bar.label, 36)
            parts.append(_text(0, y + font, lines, line_height=line))
            y += len(lines) * line + 4
            parts.extend(_bar(bar, index, 0, y, plot, bar_height, largest))
            parts.append(_text(plot + 6, y + bar_height * 0.7, [bar.display], line_height=line))
            y += bar_height + 14
    else:
        width, font, line, bar_height, label_width, value_width = 640, 13, 16, 26, 230, 110
        plot = width - label_width - value_width - 16
        for index, bar in enumerate(bars):
            lines = _lines(bar.label, 32)
            row = max(bar_height, len(lines) * line + 8)
            top = y + (row - len(lines) * line) / 2 + font - 2
            parts.append(_text(label_width - 8, top, lines, line_height=line, anchor="end"))
            bar_y = y + (row - bar_height) / 2
            parts.extend(_bar(bar, index, label_width, bar_y, plot, bar_height, largest))
            parts.append(
                _text(
                    label_width + plot + 8,
                    bar_y + bar_height * 0.68,
                    [bar.display],
                    line_height=line,
                )
            )
            y += row + 10
    return _svg(chart_id, width, y + 4, font, title, description, parts)


def _bar(bar: Bar, index: int, x: float, y: float, plot: float, height: float, largest: float):
    length = 0 if bar.value <= 0 else max(2.0, plot * bar.value / largest)
    colour = bar.colour or PALETTE[index % len(PALETTE)]
    box = f'x="{x:.1f}" y="{y:.1f}" height="{height}" rx="3"'
    return [
        f'<rect {box} width="{plot:.1f}" fill="#eef2f0"/>',
        f'<rect {box} width="{length:.1f}" fill="{colour}"/>',
    ]


def column_chart(
    points: list[tuple[str, float]],
    *,
    title: str,
    description: str = "",
    chart_id: str = "timeline",
    narrow: bool = False,
) -> str:
    """Vertical columns, e.g. responses per day; the first and last labels are written out."""
    width, height, font = (320, 200, 14) if narrow else (640, 180, 12)
    left, bottom, top = (40, 26, 12) if narrow else (36, 24, 10)
    plot_width, plot_height = width - left - 8, height - bottom - top
    largest = max((value for _, value in points), default=0) or 1
    step = plot_width / max(len(points), 1)
    parts = [
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - 8}" y2="{top + plot_height}" '
        f'stroke="#8a9792"/>',
        f'<text x="{left - 6}" y="{top + font}" text-anchor="end" fill="#4f5b56">'
        f"{int(largest)}</text>",
    ]
    for index, (_label, value) in enumerate(points):
        column = plot_height * value / largest
        parts.append(
            f'<rect x="{left + index * step + step * 0.15:.1f}" '
            f'y="{top + plot_height - column:.1f}" width="{max(step * 0.7, 1):.1f}" '
            f'height="{column:.1f}" fill="{PALETTE[0]}"/>'
        )
    if points:
        parts.append(
            f'<text x="{left}" y="{height - 6}" fill="#4f5b56">{escape(points[0][0])}</text>'
        )
        parts.append(
            f'<text x="{width - 8}" y="{height - 6}" text-anchor="end" fill="#4f5b56">'
            f"{escape(points[-1][0])}</text>"
        )
    return _svg(chart_id, width, height, font, title, description, parts)


def responsive(draw, *args, chart_id: str, **kwargs) -> SafeString:
    """A chart drawn twice, wide and narrow (``draw`` is ``bar_chart`` or ``column_chart``);
    the stylesheet shows the one that fits (``.chart-wide`` / ``.chart-narrow``)."""
    wide = draw(*args, chart_id=f"{chart_id}-wide", **kwargs)
    narrow = draw(*args, chart_id=f"{chart_id}-narrow", narrow=True, **kwargs)
    return format_html(
        '<span class="chart-wide">{}</span><span class="chart-narrow">{}</span>',
        mark_safe(wide),  # noqa: S308 - built above from escaped text
        mark_safe(narrow),  # noqa: S308
    )
