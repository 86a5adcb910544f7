import math

import pytest

from memberhub.directory.geo import bounding_box, haversine_miles, is_valid_coordinate


def test_haversine_known_distance_los_angeles_to_san_francisco():
    # LA City Hall to SF City Hall is about 347 miles as the crow flies
    miles = haversine_miles(34.0537, -118.2428, 37.7793, -122.4193)
    assert miles == pytest.approx(347.4, abs=1.0)


def test_haversine_zero_and_symmetric():
    assert haversine_miles(36.7, -119.8, 36.7, -119.8) == 0
    assert haversine_miles(36.7, -119.8, 37.0, -120.0) == pytest.approx(
        haversine_miles(37.0, -120.0, 36.7, -119.8)
    )


@pytest.mark.parametrize("lat", [32.7, 34.05, 38.5, 41.9])
def test_bounding_box_contains_every_point_within_radius(lat):
    lon = -118.0
    box = bounding_box(lat, lon, 10)
    for bearing in range(0, 360, 15):
        # a point 9.99 miles away in each direction stays inside the box
        d = 9.99 / 3958.8
        b = math.radians(bearing)
        p1 = math.radians(lat)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(b))
        l2 = math.radians(lon) + math.atan2(
            math.sin(b) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2)
        )
        plat, plon = math.degrees(p2), math.degrees(l2)
        assert haversine_miles(lat, lon, plat, plon) <= 10
        assert box.contains(plat, plon)
    assert not box.contains(lat + 0.3, lon)


def test_bounding_box_rejects_negative_radius():
    with pytest.raises(ValueError, match="negative"):
        bounding_box(34, -118, -1)


def test_is_valid_coordinate():
    assert is_valid_coordinate(34.0, -118.0)
    assert not is_valid_coordinate(91.0, 0.0)
    assert not is_valid_coordinate(0.0, 181.0)
