"""Coordinate reference systems: stored degrees to projected metres.

Every stored coordinate is in :attr:`~core.settings.Settings.crs_geographic` (EPSG:4326,
WGS 84 longitude and latitude in degrees); distances and areas are taken in
:attr:`~core.settings.Settings.crs_projected` (EPSG:27700, British National Grid eastings
and northings in metres). pyproj's traps are dealt with here once: the transformer is built
with ``always_xy=True``, so coordinates go in as (longitude, latitude) and come out as
(easting, northing) whatever axis order the EPSG definitions give, and it is built once per
pair of CRSs (building one costs milliseconds, using it microseconds). pyproj transformers
are safe to share between threads (pyproj 3.1 and later).
"""

from __future__ import annotations

import functools

import numpy as np
from numpy.typing import ArrayLike
from pyproj import Transformer

from core.settings import Settings, get_settings


@functools.lru_cache(maxsize=8)
def transformer(source: str, target: str) -> Transformer:
    """Return the transformer from one CRS to another, built once per pair.

    Parameters
    ----------
    source, target : str
        CRSs as pyproj reads them, e.g. ``"EPSG:4326"`` and ``"EPSG:27700"``.

    Returns
    -------
    pyproj.Transformer
        With ``always_xy=True``: x (longitude or easting) first, y (latitude or northing)
        second.
    """
    return Transformer.from_crs(source, target, always_xy=True)


def lnglat_to_projected(
    lng: ArrayLike, lat: ArrayLike, settings: Settings | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the projected coordinates of points given in degrees.

    Parameters
    ----------
    lng, lat : array_like
        Longitude and latitude in degrees, in ``settings.crs_geographic`` (EPSG:4326), of
        the same shape. Mind the order: longitude first (h3 gives (lat, lng) pairs).
    settings : Settings, optional
        Default: :func:`core.settings.get_settings`.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        Easting ``x`` and northing ``y`` in metres, in ``settings.crs_projected``
        (EPSG:27700, British National Grid), float64, of the shape of the input. A point
        with a NaN coordinate gives ``inf``.
    """
    settings = settings or get_settings()
    x, y = transformer(settings.crs_geographic, settings.crs_projected).transform(lng, lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
