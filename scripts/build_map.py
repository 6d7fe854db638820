"""Prepare the map of Europe the Mission overview draws: Natural Earth's country borders
(world-atlas, public domain) projected to the EU's equal-area projection ETRS89-LAEA
(EPSG:3035) with pyproj, cut to Europe, simplified, and written small (both committed):

- ``static/img/europe-map.svg``: the borders, served as a static file (cached by browsers);
- ``missions/data/europe_map.json``: the frame they were drawn in, which the portal needs to
  place its cities' points (projected with pyproj at run time) over them.

Run from the project's root after ``npm ci``:  .venv/bin/python scripts/build_map.py
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from pyproj import Transformer

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "missions" / "data" / "europe_map.json"
SVG = ROOT / "static" / "img" / "europe-map.svg"
# The frame, in EPSG:3035 metres: Iceland and Portugal to Cyprus and Israel, Crete to Lapland.
FRAME = (2_400_000.0, 600_000.0, 7_400_000.0, 5_500_000.0)  # min x, min y, max x, max y
UNIT = 1_000.0  # drawn in kilometres
TOLERANCE = 4.0  # km: detail below this is dropped (the map is drawn a few hundred px wide)

to_laea = Transformer.from_crs("EPSG:4326", "EPSG:3035", always_xy=True)


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker: the fewest points that stay within ``tolerance`` of the line."""
    if len(points) < 3:
        return points
    (x1, y1), (x2, y2) = points[0], points[-1]
    dx, dy = x2 - x1, y2 - y1
    length = (dx * dx + dy * dy) ** 0.5 or 1e-9
    index, distance = 0, 0.0
    for i, (x, y) in enumerate(points[1:-1], start=1):
        d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / length
        if d > distance:
            index, distance = i, d
    if distance <= tolerance:
        return [points[0], points[-1]]
    left = simplify(points[: index + 1], tolerance)
    return left[:-1] + simplify(points[index:], tolerance)


def simplify_ring(points: list[tuple[float, float]], tolerance: float):
    """A closed ring simplified as two chains, split at its point farthest from the first."""
    if len(points) < 4:
        return points
    x0, y0 = points[0]
    far = max(range(len(points)), key=lambda i: (points[i][0] - x0) ** 2 + (points[i][1] - y0) ** 2)
    return simplify(points[: far + 1], tolerance)[:-1] + simplify(points[far:], tolerance)


def ring_path(ring: list[list[float]]) -> str:
    lon, lat = zip(*ring, strict=True)
    xs, ys = to_laea.transform(lon, lat)
    min_x, min_y, max_x, max_y = FRAME
    points = [
        ((x - min_x) / UNIT, (max_y - y) / UNIT)  # SVG's y grows downwards
        for x, y in zip(xs, ys, strict=True)
        if x == x and y == y  # projected (no NaN)
    ]
    inside = [
        p
        for p in points
        if -200 <= p[0] <= (max_x - min_x) / UNIT + 200
        and -200 <= p[1] <= (max_y - min_y) / UNIT + 200
    ]
    if len(inside) < 3:
        return ""
    points = simplify_ring(points, TOLERANCE)
    if len(points) < 4:
        return ""
    return "M" + "L".join(f"{x:.0f} {y:.0f}" for x, y in points) + "Z"


def main() -> None:
    geojson = json.loads(
        subprocess.run(  # noqa: S603 - our own script, no user input
            ["node", str(ROOT / "scripts" / "countries_geojson.mjs")],  # noqa: S607 - npm's node
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    paths = []
    for country in geojson["features"]:
        geometry = country["geometry"]
        if geometry is None:
            continue
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        d = "".join(ring_path(polygon[0]) for polygon in polygons)
        if d:
            paths.append({"name": country["properties"].get("name", ""), "d": d})
    min_x, min_y, max_x, max_y = FRAME
    width, height = (max_x - min_x) / UNIT, (max_y - min_y) / UNIT
    data = {
        "source": "Natural Earth 1:50m country borders (public domain), via world-atlas 2.0.2",
        "projection": "EPSG:3035 (ETRS89-LAEA Europe), kilometres, y downwards",
        "frame": list(FRAME),
        "unit": UNIT,
        "width": width,
        "height": height,
        "countries": len(paths),
    }
    OUTPUT.write_text(json.dumps(data, indent=2) + "\n")
    shapes = "".join(f'<path d="{path["d"]}"/>' for path in sorted(paths, key=lambda p: p["name"]))
    SVG.write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.0f} {height:.0f}">'
        f"<!-- {data['source']}; {data['projection']} -->"
        f'<g fill="#e4ece7" stroke="#9aa8a2" stroke-width="1.5" stroke-linejoin="round">'
        f"{shapes}</g></svg>\n"
    )
    for path in (OUTPUT, SVG):
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
