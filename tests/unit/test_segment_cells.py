"""H3 cells of the segment geo index: what matching and explore read must contain every segment they need."""

from __future__ import annotations

import math
import random

import h3  # type: ignore[import-untyped]
import pytest

from stride.segments import cells
from tests import segment_ground as ground


def _offset(lat: float, lng: float, north: float, east: float) -> tuple[float, float]:
    k = math.pi / 180.0 * 6_371_008.8
    return lat + north / k, lng + east / (k * math.cos(math.radians(lat)))


def test_match_and_explore_cells_have_their_resolutions() -> None:
    # Given a point
    lat, lng = ground.ORIGIN
    # When its cells are taken
    m, e = cells.match_cell(lat, lng), cells.explore_cell(lat, lng)
    # Then they are H3 cells of resolution 8 and 6, and the explore cell contains the match cell
    assert h3.get_resolution(m) == cells.MATCH_RESOLUTION == 8
    assert h3.get_resolution(e) == cells.EXPLORE_RESOLUTION == 6
    assert h3.cell_to_parent(m, 6) == e


def test_track_cells_find_a_start_within_tolerance_across_a_cell_edge() -> None:
    # Given a track that passes 25 m from a segment start sitting just across an H3 cell edge
    lat, lng = ground.ORIGIN
    home = cells.match_cell(lat, lng)
    boundary = h3.cell_to_boundary(home)
    edge_lat = (boundary[0][0] + boundary[1][0]) / 2
    edge_lng = (boundary[0][1] + boundary[1][1]) / 2
    centre = h3.cell_to_latlng(home)
    # the start: 1 m outside the home cell, beyond the middle of an edge
    out = (edge_lat + (edge_lat - centre[0]) * 0.002, edge_lng + (edge_lng - centre[1]) * 0.002)
    assert cells.match_cell(*out) != home
    # the track: inside the home cell, 25 m from the start, never entering the start's cell
    inner = (edge_lat - (edge_lat - centre[0]) * 0.06, edge_lng - (edge_lng - centre[1]) * 0.06)
    assert cells.match_cell(*inner) == home
    # When the track's cells are taken
    found = cells.track_cells([inner[0]], [inner[1]])
    # Then the start's cell is among them, and no cell far from the track
    assert cells.match_cell(*out) in found
    assert found <= set(h3.grid_disk(home, 1))


def test_track_cells_cover_every_start_the_matcher_could_accept() -> None:
    # Given sparse, winding tracks (a sample every 5 to 120 m) and points up to 35 m from their lines
    # (the start tolerance, 25 m, plus half a cover step), many of them near cell edges
    rng = random.Random(7)
    k = 111_195.0  # metres per degree of latitude
    for _ in range(40):
        lat, lng = [40.0 + rng.uniform(-0.05, 0.05)], [-105.27 + rng.uniform(-0.05, 0.05)]
        heading = rng.uniform(0, 2 * math.pi)
        for _ in range(60):
            heading += rng.uniform(-0.6, 0.6)
            step = rng.uniform(5, 120)
            lat.append(lat[-1] + step * math.cos(heading) / k)
            lng.append(lng[-1] + step * math.sin(heading) / (k * math.cos(math.radians(lat[-1]))))
        found = cells.track_cells(lat, lng)
        for _ in range(200):
            i = rng.randrange(len(lat) - 1)
            f = rng.random()
            on_line = (lat[i] + (lat[i + 1] - lat[i]) * f, lng[i] + (lng[i + 1] - lng[i]) * f)
            away, bearing = rng.uniform(0, 35), rng.uniform(0, 2 * math.pi)
            start = (
                on_line[0] + away * math.cos(bearing) / k,
                on_line[1] + away * math.sin(bearing) / (k * math.cos(math.radians(on_line[0]))),
            )
            # Then the cell of every such start is read
            assert cells.match_cell(*start) in found
        # And far fewer cells than every point's cell with its neighbour ring
        ring = set().union(*(h3.grid_disk(cells.match_cell(a, b), 1) for a, b in zip(lat, lng, strict=True)))
        assert len(found) < len(ring) * 0.6


def test_track_cells_of_a_ride_cover_every_point_and_stay_small() -> None:
    # Given a ride along the ground's road
    ride = ground.ride_once()
    # When its cells are taken
    found = cells.track_cells(ride.lat, ride.lng)
    # Then every point's own cell and every segment start on the road is covered, with no far cell
    assert all(cells.match_cell(a, b) in found for a, b in zip(ride.lat, ride.lng, strict=True))
    lat, lng, _ = ground.segment_points()
    assert cells.match_cell(lat[0], lng[0]) in found
    assert len(found) < 80


def test_a_long_track_reads_cells_in_proportion_to_its_length() -> None:
    # Given a 10,000-point track along a 70 km line
    lat = [40.0 + i * 5e-5 for i in range(10_000)]
    lng = [-105.27 + i * 5e-5 for i in range(10_000)]
    # When its cells are taken
    found = cells.track_cells(lat, lng)
    # Then they cover the whole line with about one resolution-8 cell per 700 m, not one per point (the time
    # this takes is measured by `make bench ARGS="--only segments"`, not here)
    assert len(found) < 150
    assert cells.match_cell(lat[-1], lng[-1]) in found


def test_track_cells_refuse_mismatched_columns() -> None:
    with pytest.raises(ValueError, match="length"):
        cells.track_cells([40.0, 40.1], [-105.0])


def test_bounds_cells_cover_every_point_of_the_rectangle_including_its_border() -> None:
    # Given a 20 x 15 km map view
    sw = ground.ORIGIN
    ne = _offset(*sw, north=15_000.0, east=20_000.0)
    # When the covering cells are taken
    found = cells.bounds_cells(sw[0], sw[1], ne[0], ne[1])
    # Then any point of the rectangle, border and corners included, lies in one of them
    for i in range(21):
        for j in range(21):
            lat = sw[0] + (ne[0] - sw[0]) * i / 20
            lng = sw[1] + (ne[1] - sw[1]) * j / 20
            assert cells.explore_cell(lat, lng) in found, (i, j)
    for lat, lng in ((sw[0], sw[1]), (ne[0], ne[1]), (sw[0], ne[1]), (ne[0], sw[1])):
        assert cells.explore_cell(lat, lng) in found
    assert all(h3.get_resolution(c) == 6 for c in found)
    assert len(found) <= cells.MAX_EXPLORE_CELLS


def test_bounds_cells_of_a_tiny_view_and_of_a_point_are_one_or_a_few_cells() -> None:
    # Given a 100 m view and a degenerate one (a point)
    sw = ground.ORIGIN
    ne = _offset(*sw, north=100.0, east=100.0)
    # When they are covered
    small = cells.bounds_cells(sw[0], sw[1], ne[0], ne[1])
    point = cells.bounds_cells(sw[0], sw[1], sw[0], sw[1])
    # Then the cells are those of the corners
    assert cells.explore_cell(*sw) in small and len(small) <= 4
    assert point == {cells.explore_cell(*sw)}


def test_bounds_cells_refuse_a_view_that_needs_too_many_cells() -> None:
    # Given a 2 x 2 degree view (about 40,000 km2)
    # When it is covered / Then it is refused before any fill
    with pytest.raises(ValueError, match="too large"):
        cells.bounds_cells(39.0, -106.0, 41.0, -104.0)


def test_bounds_cells_refuse_a_view_just_over_the_limit_by_count() -> None:
    # Given a long thin strip: small in area, but many cells along it
    sw = ground.ORIGIN
    ne = _offset(*sw, north=200.0, east=400_000.0)
    # Then it is refused
    with pytest.raises(ValueError, match="too large"):
        cells.bounds_cells(sw[0], sw[1], ne[0], ne[1])


@pytest.mark.parametrize(
    "bounds",
    [
        (40.1, -105.3, 40.0, -105.2),  # south-west north of north-east
        (40.0, -105.2, 40.1, -105.3),  # south-west east of north-east (or across the antimeridian)
        (91.0, -105.3, 92.0, -105.2),
        (40.0, -181.0, 40.1, -105.2),
        (float("nan"), -105.3, 40.1, -105.2),
        (40.0, -105.3, float("inf"), -105.2),
    ],
)
def test_bounds_cells_refuse_malformed_bounds(bounds: tuple[float, float, float, float]) -> None:
    with pytest.raises(ValueError):
        cells.bounds_cells(*bounds)
