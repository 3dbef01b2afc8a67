"""Text from the data reaches the map page as text: never evaluated as a jinja2 template.

branca compiles what each folium element renders as a template again; a street or force
name holding ``{{ ... }}`` or ``{% ... %}`` would then run on the server. The app's map
elements put their rendered text in the page verbatim (``ui.maps.VerbatimMacroElement``).
"""

from __future__ import annotations

import folium
import geopandas as gpd
import h3
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from shapely.geometry import box

from ui import crossborder, maps

HOSTILE = "Evil {{ 7*7 }} Street {% if true %}RAN{% endif %} {{ cycler.__init__ }}"


def _map(name: str) -> folium.Map:
    districts = gpd.GeoDataFrame({"district": ["Leeds"]}, geometry=[box(-1.6, 53.7, -1.4, 53.9)], crs="EPSG:4326")
    community = gpd.GeoDataFrame(
        {"community_id": ["HC-E01011111"], "name": [name]}, geometry=[box(-1.55, 53.75, -1.5, 53.8)], crs="EPSG:4326"
    )
    cells = np.array([h3.str_to_int(h3.latlng_to_cell(53.78, -1.52, 9))], dtype=np.int64)
    layer = maps.HexLayer(cells, np.array([3]), np.array([0]), ["#fd8d3c"], [name], name, name)
    fmap = maps.hex_map(
        layer,
        maps.district_outlines(districts),
        tuple(districts.total_bounds),
        tiles=None,
        title=name,
        communities=maps.community_features(community),
        overlay=layer,
    )
    border = pd.DataFrame(
        {"force": [name], "cell": [h3.str_to_int(h3.latlng_to_cell(53.55, -1.48, 9))], "incidents": [4], "hot": [True]}
    )
    crossborder.add_border_layer(fmap, border)
    return fmap


def test_names_with_template_syntax_reach_the_page_as_text():
    page = _map(HOSTILE).get_root().render()
    assert "Evil 49 Street" not in page and "Street RAN" not in page and "<function" not in page
    assert page.count("{{ 7*7 }}") >= 6  # legend, tooltip labels, community, overlay, border force, title
    assert "{% if true %}" in page


def _numbered_ids(monkeypatch) -> None:
    """Element ids 0, 1, 2 ... instead of random ones, so two builds of a map compare."""
    counter = iter(range(10**6))
    monkeypatch.setattr(Element, "_generate_id", classmethod(lambda cls: f"{next(counter):032x}"))


def test_the_page_is_what_branca_would_render_for_ordinary_text(monkeypatch):
    name = "Boar Lane & Queens' Court"
    _numbered_ids(monkeypatch)
    verbatim = _map(name).get_root().render()
    _numbered_ids(monkeypatch)
    monkeypatch.setattr(maps.VerbatimMacroElement, "render", MacroElement.render)  # branca's own
    assert _map(name).get_root().render() == verbatim


def test_streamlit_folium_gets_the_same_map_without_its_extra_render(monkeypatch):
    """``ui.panels.draw_map`` passes ``render=False``: streamlit-folium then skips a whole-page
    render before rendering the map itself; the script, header and HTML it sends are the same."""
    import streamlit_folium

    def sent(render_page_first: bool) -> tuple[str, str, str]:
        _numbered_ids(monkeypatch)
        fmap = _map("Boar Lane")
        if render_page_first:
            fmap.get_root().render()
        fmap.render()
        return (
            streamlit_folium._get_html(fmap),
            streamlit_folium._get_header(fmap),
            streamlit_folium._get_map_string(fmap),
        )

    assert sent(False) == sent(True)


def test_draw_map_asks_streamlit_folium_not_to_render_the_page_again(monkeypatch):
    from ui import panels

    calls = []
    monkeypatch.setattr(panels, "st_folium", lambda fmap, **kwargs: calls.append((fmap, kwargs)) or {"x": 1})
    fmap = folium.Map(tiles=None)
    assert panels.draw_map(fmap, "k", 300, ["last_object_clicked"]) == {"x": 1}
    ((drawn, kwargs),) = calls
    assert drawn is fmap and kwargs["render"] is False
    assert kwargs["key"] == "k" and kwargs["height"] == 300 and kwargs["returned_objects"] == ["last_object_clicked"]
