"""WGS-84 <-> GCJ-02 coordinates, a China-outline test and great-circle distance.

Fangkong stores WGS-84 (what GPS and browsers report). Chinese tile providers draw in
GCJ-02 ("Mars coordinates"), an obfuscated datum shifted by a few hundred metres, so maps
convert at display time. The forward formula is the one published in many open-source
converters (e.g. eviltransform, coordtransform); it has no closed-form inverse, so
``gcj02_to_wgs84`` iterates until the forward transform reproduces the input.

All functions take and return ``(lng, lat)`` in degrees, longitude first as in GeoJSON.
"""

from __future__ import annotations

import math

# Krasovsky 1940 ellipsoid, which the GCJ-02 formula is built on.
_A = 6378245.0
_EE = 0.00669342162296594323
EARTH_RADIUS_M = 6371008.8  # Mean radius (IUGG), for haversine distances.

# A coarse outline of China (mainland, Hainan, Taiwan, Hong Kong, Macau) as (lng, lat),
# drawn by hand from the national border and coastline at roughly 20-50 km accuracy and
# kept a little outside the coast so coastal sites and near-shore islands count as inside.
# It is good enough to reject coordinates that are plainly abroad or at sea, such as a
# swapped lng/lat pair; it is not a border. The South China Sea islands are not covered.
CHINA_OUTLINE: tuple[tuple[float, float], ...] = (
    # North-east: the Argun and Amur rivers, the Ussuri, the Tumen and the Yalu.
    (121.2, 53.4), (123.5, 53.6), (125.6, 53.2), (127.0, 51.7), (127.7, 50.3),
    (129.5, 49.5), (130.8, 48.9), (131.0, 47.7), (132.6, 47.8), (133.6, 48.3),
    (134.8, 48.5), (134.0, 47.2), (133.1, 45.1), (131.8, 45.3), (131.3, 44.9),
    (131.3, 43.4), (130.6, 42.3), (129.7, 42.4), (128.9, 41.9), (128.0, 41.5),
    (126.8, 41.7), (125.3, 40.6), (124.3, 39.8),
    # The Yellow Sea and East China Sea coasts, out to Zhoushan and around Taiwan.
    (122.9, 37.5), (122.6, 36.6), (120.9, 34.9), (121.5, 33.0), (122.2, 31.9),
    (123.0, 30.9), (122.9, 29.8), (122.2, 28.6), (121.3, 27.4), (121.4, 26.3),
    (122.3, 25.6), (122.1, 24.4), (121.6, 22.7), (120.9, 21.7), (120.5, 21.8),
    (119.9, 22.8), (119.2, 23.3), (117.5, 22.9), (116.0, 22.4), (114.3, 22.0),
    # The South China Sea coast, Hainan and the Gulf of Tonkin.
    (113.4, 21.9), (112.0, 21.3), (111.3, 20.8), (111.2, 19.6), (110.1, 18.2),
    (109.4, 17.9), (108.5, 18.4), (108.5, 19.4), (109.4, 20.3), (108.5, 21.3),
    (108.0, 21.5),
    # Vietnam, Laos and Myanmar.
    (107.3, 21.8), (106.7, 22.0), (106.6, 22.5), (105.9, 22.9), (105.1, 23.2),
    (103.9, 22.4), (102.9, 22.7), (102.1, 22.4), (101.7, 22.1), (101.8, 21.3),
    (101.2, 21.1), (100.4, 21.4), (99.9, 21.9), (99.2, 22.1), (99.4, 22.9),
    (98.7, 23.3), (97.6, 23.9), (97.7, 24.9), (98.6, 25.8), (98.6, 27.6),
    (97.5, 28.3),
    # The Himalaya: India, Bhutan, Nepal, then Ladakh and the Karakoram.
    (96.0, 27.9), (93.6, 26.9), (92.1, 26.9), (91.6, 27.9), (90.0, 28.2),
    (89.0, 27.3), (88.1, 27.9), (86.9, 27.9), (85.0, 28.3), (83.0, 29.2),
    (81.2, 30.0), (79.0, 31.0), (78.5, 32.4), (79.5, 33.0), (78.9, 34.1),
    (78.0, 35.4), (76.2, 35.8), (75.0, 36.6), (74.6, 37.2),
    # Central Asia: Tajikistan, Kyrgyzstan and Kazakhstan.
    (75.0, 37.9), (73.8, 38.5), (73.4, 39.5), (74.3, 40.2), (75.8, 40.5),
    (76.8, 41.0), (78.3, 41.4), (80.2, 42.2), (80.1, 43.0), (80.8, 43.2),
    (80.3, 44.9), (82.6, 45.2), (82.3, 45.6), (83.1, 47.3), (85.6, 47.1),
    (86.0, 48.4), (87.3, 49.2),
    # Mongolia, then Russia again to the Argun.
    (88.2, 48.5), (90.1, 47.8), (91.0, 46.6), (90.9, 45.3), (93.5, 44.9),
    (95.4, 44.3), (96.4, 42.7), (100.9, 42.6), (105.0, 41.6), (107.0, 42.4),
    (110.4, 42.8), (111.9, 43.7), (111.6, 44.4), (113.6, 45.0), (116.2, 46.0),
    (117.7, 46.6), (119.9, 46.7), (119.9, 47.7), (117.8, 47.9), (115.6, 47.9),
    (116.7, 49.9), (117.9, 49.6), (119.3, 50.3), (120.8, 52.6),
)  # fmt: skip


def in_china(lng: float, lat: float) -> bool:
    """Whether the point lies inside ``CHINA_OUTLINE`` (ray casting)."""
    inside = False
    previous = CHINA_OUTLINE[-1]
    for current in CHINA_OUTLINE:
        (x1, y1), (x2, y2) = previous, current
        if (y1 > lat) != (y2 > lat):
            crossing = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lng < crossing:
                inside = not inside
        previous = current
    return inside


def _delta(lng: float, lat: float) -> tuple[float, float]:
    """The GCJ-02 offset (dlng, dlat) in degrees at a WGS-84 point."""
    x, y = lng - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlng = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    common = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
    dlat += common + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2 / 3
    dlng += common + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    dlng += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    rad_lat = math.radians(lat)
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    dlat = dlat * 180.0 / ((_A * (1 - _EE)) / (magic * math.sqrt(magic)) * math.pi)
    dlng = dlng * 180.0 / (_A / math.sqrt(magic) * math.cos(rad_lat) * math.pi)
    return dlng, dlat


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """Shift a WGS-84 point to GCJ-02; points outside China are returned unchanged."""
    if not in_china(lng, lat):
        return lng, lat
    dlng, dlat = _delta(lng, lat)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng: float, lat: float, *, tolerance_deg: float = 1e-9) -> tuple[float, float]:
    """Invert ``wgs84_to_gcj02`` by fixed-point iteration (1e-9 degrees is about 0.1 mm).

    The offset changes slowly with position, so starting from the GCJ-02 point and
    correcting by the residual converges in a handful of steps. The iteration ignores the
    outline, because a point just inside the border can be shifted to just outside it;
    only the WGS-84 answer decides whether the shift applies.
    """
    wgs_lng, wgs_lat = lng, lat
    for _ in range(30):
        dlng, dlat = _delta(wgs_lng, wgs_lat)
        err_lng, err_lat = wgs_lng + dlng - lng, wgs_lat + dlat - lat
        wgs_lng, wgs_lat = wgs_lng - err_lng, wgs_lat - err_lat
        if abs(err_lng) < tolerance_deg and abs(err_lat) < tolerance_deg:
            break
    if not in_china(wgs_lng, wgs_lat):
        return lng, lat
    return wgs_lng, wgs_lat


def distance_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle (haversine) distance in metres on a spherical Earth."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lng2 - lng1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))
