"""Accessible SVG charts drawn on the server: no JavaScript and no CSS framework, so the same
code serves web pages (inline SVG) and PDF reports.

Only SVG presentation attributes are used (no ``style``), which the Content Security Policy
allows. Every chart has a title and a description; pages pair it with a data table.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

PALETTE = ["#0b6e4f", "#1d5fa8", "#8a3200", "#6b4a9e", "#0f7c8c", "#8a1f1f", "#4f5b56"]


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str  # what is printed next to the bar, e.g. "42 (35%)"
    colour: str = ""  # a colour that means something (a status); else the palette's next


def _attr(value) -> str:
    return quoteattr(str(value))


def bar_chart(
    bars: list[Bar],
    *,
    title: str,
    description: str = "",
    chart_id: str = "chart",
    width: int = 640,
    bar_height: int = 26,
    gap: int = 10,
    label_width: int = 220,
    font_family: str = "DejaVu Sans, Segoe UI, sans-serif",
) -> str:
    """A horizontal bar chart as an SVG string (values scaled to the largest)."""
    top = 8
    value_width = 110
    plot_width = max(width - label_width - value_width - 16, 40)
    height = top + len(bars) * (bar_height + gap) + 4
    largest = max((bar.value for bar in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" '
        f"aria-labelledby={_attr(chart_id + '-title')} "
        f"aria-describedby={_attr(chart_id + '-desc')} font-family={_attr(font_family)} "
        f'font-size="13">',
        f"<title id={_attr(chart_id + '-title')}>{escape(title)}</title>",
        f"<desc id={_attr(chart_id + '-desc')}>{escape(description or title)}</desc>",
    ]
    for index, bar in enumerate(bars):
        y = top + index * (bar_height + gap)
        length = 0 if bar.value <= 0 else max(2.0, plot_width * bar.value / largest)
        label = bar.label if len(bar.label) <= 34 else bar.label[:33] + "…"
        colour = bar.colour or PALETTE[index % len(PALETTE)]
        parts.append(
            f'<text x="{label_width - 8}" y="{y + bar_height * 0.68:.1f}" text-anchor="end" '
            f'fill="#1c2421">{escape(label)}</text>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{plot_width}" height="{bar_height}" '
            f'fill="#eef2f0" rx="3"/>'
        )
        parts.append(
            f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{colour}" rx="3"/>'
        )
        parts.append(
            f'<text x="{label_width + plot_width + 8}" y="{y + bar_height * 0.68:.1f}" '
            f'fill="#1c2421">{escape(bar.display)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(
    points: list[tuple[str, float]],
    *,
    title: str,
    description: str = "",
    chart_id: str = "timeline",
    width: int = 640,
    height: int = 180,
    font_family: str = "DejaVu Sans, Segoe UI, sans-serif",
) -> str:
    """Vertical columns, e.g. responses per day; the first and last labels are written out."""
    left, bottom, top = 36, 24, 10
    plot_width = width - left - 8
    plot_height = height - bottom - top
    largest = max((value for _, value in points), default=0) or 1
    step = plot_width / max(len(points), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" '
        f'viewBox="0 0 {width} {height}" aria-labelledby={_attr(chart_id + "-title")} '
        f"aria-describedby={_attr(chart_id + '-desc')} font-family={_attr(font_family)} "
        f'font-size="12">',
        f"<title id={_attr(chart_id + '-title')}>{escape(title)}</title>",
        f"<desc id={_attr(chart_id + '-desc')}>{escape(description or title)}</desc>",
        f'<line x1="{left}" y1="{top + plot_height}" x2="{width - 8}" y2="{top + plot_height}" '
        f'stroke="#8a9792"/>',
        f'<text x="{left - 6}" y="{top + 10}" text-anchor="end" fill="#4f5b56">'
        f"{int(largest)}</text>",
    ]
    for index, (_, value) in enumerate(points):
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
    parts.append("</svg>")
    return "".join(parts)
