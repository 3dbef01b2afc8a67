"""Degrees to British National Grid metres, checked against the OS definition and geopandas."""

from __future__ import annotations

import dataclasses

import geopandas as gpd
import numpy as np
from shapely.geometry import Point

from core.settings import Settings, override_settings
from geo import crs


def test_the_os_worked_example_projects_to_its_published_grid_coordinates():
    # Ordnance Survey, "A guide to coordinate systems in Great Britain", annex C (the
    # National Grid's transverse Mercator): OSGB36 52°39'27.2531"N 1°43'4.5177"E is
    # E 651409.903 m, N 313177.270 m. OSGB36 in, so no datum shift is involved.
    lat = 52 + 39 / 60 + 27.2531 / 3600
    lng = 1 + 43 / 60 + 4.5177 / 3600
    osgb36 = dataclasses.replace(Settings(), crs_geographic="EPSG:4277")
    x, y = crs.lnglat_to_projected(np.array([lng]), np.array([lat]), osgb36)
    np.testing.assert_allclose(x, [651_409.903], atol=0.001)
    np.testing.assert_allclose(y, [313_177.270], atol=0.001)


def test_wgs84_points_match_geopandas_and_lie_where_leeds_is():
    # Leeds Town Hall, Leeds station, Bradford City Hall (degrees, WGS 84)
    lng = np.array([-1.5489, -1.5476, -1.7521])
    lat = np.array([53.8002, 53.7950, 53.7920])
    x, y = crs.lnglat_to_projected(lng, lat)
    expected = gpd.GeoSeries([Point(a, b) for a, b in zip(lng, lat)], crs="EPSG:4326").to_crs("EPSG:27700")
    np.testing.assert_allclose(x, expected.x.to_numpy(), atol=0.001)
    np.testing.assert_allclose(y, expected.y.to_numpy(), atol=0.001)
    # Leeds Town Hall is roughly E 429,900 N 433,800 (grid square SE 29 33)
    np.testing.assert_allclose([x[0], y[0]], [429_900, 433_800], atol=200)
    assert x.dtype == y.dtype == np.float64 and x.shape == (3,)


def test_metres_are_metres_along_a_meridian():
    # 0.01 degrees of latitude at 53.8°N is 1,113.0 m on the ellipsoid (meridian radius of
    # curvature 6,377 km); the National Grid's scale factor on its central meridian, 2°W,
    # is 0.9996, which takes 0.4 m off
    x, y = crs.lnglat_to_projected(np.array([-2.0, -2.0]), np.array([53.80, 53.81]))
    np.testing.assert_allclose(np.diff(y), [1_113.0], rtol=0.001)
    np.testing.assert_allclose(np.diff(x), [0.0], atol=1.0)


def test_the_transformer_is_built_once_per_pair_and_follows_the_settings():
    first = crs.transformer("EPSG:4326", "EPSG:27700")
    assert crs.transformer("EPSG:4326", "EPSG:27700") is first
    # Web Mercator instead of the National Grid: x is R * longitude in radians
    with override_settings(crs_projected="EPSG:3857"):
        x, _ = crs.lnglat_to_projected(np.array([-1.5]), np.array([53.8]))
    np.testing.assert_allclose(x, [6_378_137.0 * np.radians(-1.5)], rtol=1e-12)
    x, _ = crs.lnglat_to_projected(np.array([-1.5]), np.array([53.8]))
    assert 400_000 < x[0] < 500_000


def test_missing_coordinates_give_infinite_metres():
    x, y = crs.lnglat_to_projected(np.array([np.nan, -1.55]), np.array([53.8, 53.8]))
    assert np.isinf(x[0]) and np.isinf(y[0]) and np.isfinite(x[1])


def test_scalars_and_lists_give_what_arrays_give():
    x, y = crs.lnglat_to_projected(-1.5489, 53.8002)
    assert np.ndim(x) == np.ndim(y) == 0
    xs, ys = crs.lnglat_to_projected([-1.5489, -1.5476], [53.8002, 53.7950])
    xa, ya = crs.lnglat_to_projected(np.array([-1.5489, -1.5476]), np.array([53.8002, 53.7950]))
    np.testing.assert_allclose(xs, xa, rtol=0)
    np.testing.assert_allclose(ys, ya, rtol=0)
    np.testing.assert_allclose([x, y], [xa[0], ya[0]], rtol=0)
