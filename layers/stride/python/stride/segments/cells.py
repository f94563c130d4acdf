"""H3 cells of the segment geo index (ADR 0007, docs/segments.md "Geometry and the geo index").

Two resolutions: a segment is indexed under the resolution-8 cell of its start (matching reads the cells within
60 m of the track's line) and under the resolution-6 cell of its start (explore reads
the cells covering the map's bounds). Only h3 here, no numpy: API functions import this module.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import h3  # type: ignore[import-untyped]  # h3 ships no type information

MATCH_RESOLUTION = 8  # edge about 460-530 m: a track passes one or two cells per kilometre
EXPLORE_RESOLUTION = 6  # edge about 3.7 km, area about 36 km2
MAX_EXPLORE_CELLS = 60  # about 2,000 km2 of map (a 45 km square): one Query per cell, run in parallel

_EXPLORE_CELL_AREA_KM2 = 36.13  # h3.average_hexagon_area(6, "km^2")
_EDGE_STEP_DEG = 0.005  # about 550 m of latitude: sampling the bounds' edges this finely finds every border cell
_EARTH_RADIUS_KM = 6371.0088
COVER_STEP = 20.0  # m between the samples of a track's line that its cells are taken from
COVER_RADIUS = 60.0  # m around each sample: the start tolerance (25 m) + half a step + margin for smoothing
_BEARINGS = tuple((math.cos(math.radians(a)), math.sin(math.radians(a))) for a in range(0, 360, 45))


def match_cell(lat: float, lng: float) -> str:
    """The resolution-8 cell of a point (a segment's start)."""
    return h3.latlng_to_cell(lat, lng, MATCH_RESOLUTION)


def explore_cell(lat: float, lng: float) -> str:
    """The resolution-6 cell of a point (a segment's start)."""
    return h3.latlng_to_cell(lat, lng, EXPLORE_RESOLUTION)


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Equirectangular distance: exact enough over the few hundred metres it is used for."""
    k = math.radians(1.0) * _EARTH_RADIUS_KM * 1000.0
    return k * math.hypot(b[0] - a[0], (b[1] - a[1]) * math.cos(math.radians((a[0] + b[0]) / 2)))


def _inradius(cell: str) -> tuple[tuple[float, float], float]:
    """A cell's centre and the radius of the disc around it that lies inside the cell (a hexagon's apothem,
    taken from its nearest vertex: H3 cells vary in size over the globe)."""
    centre = h3.cell_to_latlng(cell)
    nearest_vertex = min(_metres(centre, vertex) for vertex in h3.cell_to_boundary(cell))
    return centre, nearest_vertex * math.cos(math.radians(30.0))


def _cover_samples(lat: Sequence[float], lng: Sequence[float]) -> list[tuple[float, float]]:
    """Points along the track's line no more than ``COVER_STEP`` metres apart (gaps in the recording are
    filled by interpolation, dense stretches thinned)."""
    samples: list[tuple[float, float]] = []
    previous: tuple[float, float] | None = None
    for point in zip(lat, lng, strict=True):
        if previous is None:
            samples.append(point)
            previous = point
            continue
        gap = _metres(previous, point)
        if gap < COVER_STEP:
            continue
        pieces = math.ceil(gap / COVER_STEP)
        for piece in range(1, pieces + 1):
            f = piece / pieces
            samples.append((previous[0] + (point[0] - previous[0]) * f, previous[1] + (point[1] - previous[1]) * f))
        previous = point
    if previous is not None and samples[-1] != (lat[-1], lng[-1]):
        samples.append((lat[-1], lng[-1]))
    return samples


def track_cells(lat: Sequence[float], lng: Sequence[float]) -> set[str]:
    """The resolution-8 cells within ``COVER_RADIUS`` of a track's line: where a segment the track can match
    may start.

    The line is sampled every ``COVER_STEP`` metres; a sample whose ``COVER_RADIUS`` disc lies inside its own
    cell adds that cell only, one near a cell edge also adds the cells of 8 points around it at the radius.
    A start within the matcher's tolerance (25 m) of the line is at most 25 + COVER_STEP / 2 = 35 m from a
    sample; 8 points at 60 m cover a disc of about 55 m, and cells are convex and far larger, so its cell is
    found. This reads about half the cells the whole neighbour ring of every cell would (docs/segments.md).
    """
    if len(lat) != len(lng):
        raise ValueError("lat and lng differ in length")
    found: set[str] = set()
    discs: dict[str, tuple[tuple[float, float], float]] = {}
    for la, lo in _cover_samples(lat, lng):
        cell = h3.latlng_to_cell(la, lo, MATCH_RESOLUTION)
        found.add(cell)
        if cell not in discs:
            discs[cell] = _inradius(cell)
        centre, inner = discs[cell]
        if _metres(centre, (la, lo)) + COVER_RADIUS < inner:
            continue  # the whole disc around the sample is inside its cell
        dlat = math.degrees(COVER_RADIUS / (_EARTH_RADIUS_KM * 1000.0))
        dlng = dlat / max(math.cos(math.radians(la)), 1e-6)
        for bearing in _BEARINGS:
            found.add(h3.latlng_to_cell(la + dlat * bearing[0], lo + dlng * bearing[1], MATCH_RESOLUTION))
    return found


def _check_bounds(sw_lat: float, sw_lng: float, ne_lat: float, ne_lng: float) -> None:
    for value in (sw_lat, sw_lng, ne_lat, ne_lng):
        if not math.isfinite(value):
            raise ValueError("bounds must be finite numbers")
    if not (-90.0 <= sw_lat <= 90.0 and -90.0 <= ne_lat <= 90.0):
        raise ValueError("latitudes must be within -90..90")
    if not (-180.0 <= sw_lng <= 180.0 and -180.0 <= ne_lng <= 180.0):
        raise ValueError("longitudes must be within -180..180")
    if sw_lat > ne_lat:
        raise ValueError("the south-west latitude is north of the north-east latitude")
    if sw_lng > ne_lng:
        raise ValueError("the south-west longitude is east of the north-east longitude")


def _area_km2(sw_lat: float, sw_lng: float, ne_lat: float, ne_lng: float) -> float:
    """Area of a lat/lng rectangle on the sphere."""
    r = _EARTH_RADIUS_KM
    band = abs(math.sin(math.radians(ne_lat)) - math.sin(math.radians(sw_lat)))
    return r * r * math.radians(ne_lng - sw_lng) * band


def _edge_points(sw_lat: float, sw_lng: float, ne_lat: float, ne_lng: float) -> list[tuple[float, float]]:
    """Points along the rectangle's four edges (corners included), at most ``_EDGE_STEP_DEG`` apart."""
    n_lat = max(1, math.ceil((ne_lat - sw_lat) / _EDGE_STEP_DEG))
    n_lng = max(1, math.ceil((ne_lng - sw_lng) / _EDGE_STEP_DEG))
    lats = [sw_lat + (ne_lat - sw_lat) * i / n_lat for i in range(n_lat + 1)]
    lngs = [sw_lng + (ne_lng - sw_lng) * i / n_lng for i in range(n_lng + 1)]
    points = [(la, sw_lng) for la in lats] + [(la, ne_lng) for la in lats]
    points += [(sw_lat, lo) for lo in lngs] + [(ne_lat, lo) for lo in lngs]
    return points


def bounds_cells(sw_lat: float, sw_lng: float, ne_lat: float, ne_lng: float) -> set[str]:
    """The resolution-6 cells that cover the bounds rectangle.

    The polygon fill takes the cells whose centre lies inside; the cells of points along the four edges
    (every ~550 m, corners included) add the ones that only overlap the border. Raises ``ValueError`` for
    malformed bounds (not finite, out of range, south-west not south-west of north-east; bounds across the
    antimeridian are not supported) and when more than ``MAX_EXPLORE_CELLS`` cells would be needed.
    """
    _check_bounds(sw_lat, sw_lng, ne_lat, ne_lng)
    # refuse huge maps before filling them: the rectangle alone needs area / cell area cells
    if _area_km2(sw_lat, sw_lng, ne_lat, ne_lng) > MAX_EXPLORE_CELLS * _EXPLORE_CELL_AREA_KM2:
        raise ValueError(f"bounds too large: more than {MAX_EXPLORE_CELLS} cells")
    cells: set[str] = set()
    if sw_lat < ne_lat and sw_lng < ne_lng:
        outer = [(sw_lat, sw_lng), (sw_lat, ne_lng), (ne_lat, ne_lng), (ne_lat, sw_lng)]
        cells.update(h3.polygon_to_cells(h3.LatLngPoly(outer), EXPLORE_RESOLUTION))
    for la, lo in _edge_points(sw_lat, sw_lng, ne_lat, ne_lng):
        cells.add(h3.latlng_to_cell(la, lo, EXPLORE_RESOLUTION))
    if len(cells) > MAX_EXPLORE_CELLS:
        raise ValueError(f"bounds too large: more than {MAX_EXPLORE_CELLS} cells")
    return cells
