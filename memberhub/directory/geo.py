"""Distance math for directory search: great-circle distance in miles and a bounding box around a point."""

import math
from dataclasses import dataclass

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = 69.0


@dataclass(frozen=True, slots=True)
class BoundingBox:
    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two WGS84 points, in statute miles (same formula the SQL uses)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = math.radians(lat2 - lat1)
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_miles: float) -> BoundingBox:
    """A box that contains every point within `radius_miles` of (lat, lon).

    Slightly generous (it uses the smallest cosine over the box's latitude span) so that an index
    range scan on it never misses a point that the exact haversine test would keep.
    """
    if radius_miles < 0:
        raise ValueError("radius must not be negative")
    d_lat = radius_miles / MILES_PER_DEGREE_LATITUDE * 1.01
    far_lat = min(89.9, abs(lat) + d_lat)
    d_lon = radius_miles / (MILES_PER_DEGREE_LATITUDE * math.cos(math.radians(far_lat))) * 1.01
    return BoundingBox(lat - d_lat, lat + d_lat, lon - d_lon, lon + d_lon)


def is_valid_coordinate(lat: float, lon: float) -> bool:
    return -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0
