"""Great-circle distances, vectorised over homes.

geopy's per-pair calls cost about 10 µs each, too slow for a one-child search over every home
in under 50 ms, so the haversine formula is applied to numpy arrays with geopy's own mean earth
radius; a unit test checks the result against geopy.distance.great_circle.
"""

from __future__ import annotations

import numpy as np
from geopy.distance import EARTH_RADIUS  # mean earth radius in km, as geopy uses it


def haversine_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Distance in km from one point (degrees) to each of many points (degrees)."""
    lat1, lon1 = np.radians(lat), np.radians(lon)
    lat2, lon2 = np.radians(lats), np.radians(lons)
    half_chord = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS * np.arcsin(np.sqrt(np.clip(half_chord, 0.0, 1.0)))
