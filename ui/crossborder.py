"""The cross-border layer of the Hotspot map: neighbouring forces' hexagons near the county.

Self-contained (its own legend), so it does not depend on how :mod:`ui.maps` draws the home
force's hexagons: :func:`add_border_layer` takes any folium map and the counts of
:func:`models.crossborder.border_cells` and adds one feature group drawn in a neutral grey
(dashed outlines for hot cells), distinct from the home force's colour classes, and a
legend entry. Text from data (force names) is escaped.
"""

from __future__ import annotations

import html

import folium
import h3
import pandas as pd
import streamlit as st
from branca.element import Template
from folium.map import Layer

from core.settings import get_settings
from models.crossborder import ocgs_touching
from records.ocg_store import OcgData
from ui import tables
from ui.maps import VerbatimMacroElement, script_json

#: Neutral style of the neighbours' hexagons, and of their hot cells.
FILL = "#8c8c8c"
HOT_OUTLINE = "#333333"
LAYER_NAME = "Neighbouring forces"


class _BorderLegend(VerbatimMacroElement):
    """The layer's legend entry, top right (clear of the home force's legend at the bottom)."""

    _template = Template(
        """
        {% macro html(this, kwargs) %}
        <div class="ph-border-legend" style="position:absolute; top:10px; right:10px; z-index:1000;
             background:rgba(255,255,255,0.92); padding:6px 8px; border:1px solid #999;
             border-radius:4px; font:12px/1.35 sans-serif;">
          {{ this.body }}
        </div>
        {% endmacro %}
        """
    )

    def __init__(self, body: str) -> None:
        super().__init__()
        self._name = "BorderLegend"
        self.body = body


class _BorderCells(Layer, VerbatimMacroElement):
    """The neighbours' hexagons: grey, hot ones with a dashed dark outline, each with a
    tooltip naming its force and incidents (text escaped, never compiled as a template)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = L.geoJSON({{ this.data_json }}, {
          style: function (f) { return f.properties.hot ? {{ this.hot_json }} : {{ this.plain_json }}; },
          onEachFeature: function (f, layer) {
            layer.bindTooltip("Force: <b>" + f.properties.force + "</b><br>Incidents: " + f.properties.n.toLocaleString("en-GB"), {sticky: true});
          }
        });
        {% endmacro %}
        """
    )

    def __init__(self, data: dict) -> None:
        super().__init__(name=LAYER_NAME, overlay=True, control=False)
        self._name = "BorderCells"
        self.data_json = script_json(data)
        self.plain_json = script_json({"fillColor": FILL, "fillOpacity": 0.35, "color": FILL, "weight": 0.6})
        self.hot_json = script_json(
            {"fillColor": FILL, "fillOpacity": 0.35, "color": HOT_OUTLINE, "weight": 2, "dashArray": "4 3"}
        )


def border_features(cells: pd.DataFrame, decimals: int = 5) -> dict:
    """GeoJSON of the neighbours' cells: one polygon per force and cell, with ``force``,
    ``n`` (incidents) and ``hot`` (0/1) properties."""
    features = []
    for row in cells.itertuples(index=False):
        ring = [
            [round(lng, decimals), round(lat, decimals)]
            for lat, lng in h3.cell_to_boundary(h3.int_to_str(int(row.cell)))
        ]
        ring.append(ring[0])
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Polygon", "coordinates": [ring]},
                "properties": {
                    "force": html.escape(str(row.force)),
                    "n": int(row.incidents),
                    "hot": int(bool(row.hot)),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def legend_html(cells: pd.DataFrame) -> str:
    """The legend: what the grey hexagons are, and how many of each force are drawn."""
    forces = ", ".join(html.escape(str(f)) for f in sorted(cells["force"].unique())) or "none loaded"
    return (
        f"<b>{LAYER_NAME}</b><br>"
        f'<span style="display:inline-block;width:12px;height:12px;background:{FILL};opacity:0.6;'
        f'border:1px solid {FILL};"></span> incidents across the border<br>'
        f'<span style="display:inline-block;width:12px;height:12px;background:{FILL};opacity:0.6;'
        f'border:2px dashed {HOT_OUTLINE};"></span> their top 10 % (hot)<br>'
        f'<span style="font-size:11px">{forces}</span>'
    )


def add_border_layer(fmap: folium.Map, cells: pd.DataFrame, decimals: int = 5) -> folium.FeatureGroup:
    """Add the neighbours' hexagons and their legend to a map; return the feature group."""
    group = folium.FeatureGroup(name=LAYER_NAME, show=True)
    if len(cells):
        _BorderCells(border_features(cells, decimals)).add_to(group)
    group.add_to(fmap)
    fmap.add_child(_BorderLegend(legend_html(cells)))
    return group


def border_panel(cells: pd.DataFrame, resolution: int, ocg_data: OcgData | None) -> None:
    """Below the map: the neighbours' hexagons drawn, and the cross-border OCGs with the
    neighbouring hot spots they touch (``ocg_data`` only as :func:`ui.ocg_gate.visible_ocg`
    returned it at the "details" level; None shows no OCG data)."""
    st.subheader("Across the county border")
    if cells.empty:
        st.info(
            "No neighbouring force's street data near the county is loaded for these months and crime types. "
            "Load the street files of North Yorkshire, South Yorkshire, Greater Manchester, Lancashire or "
            "Derbyshire on the Data page."
        )
        return
    st.markdown(
        f"**{int(cells['incidents'].sum()):,}** incidents of neighbouring forces in **{len(cells):,}** hexagons "
        f"within {get_settings().border_buffer_m / 1000:g} km of the county; **{int(cells['hot'].sum()):,}** of "
        "them are their hot spots (top 10 %). West Yorkshire's own figures, hot spots and plans never include them."
    )
    tables.show(  # counts with thousands separators
        cells.groupby("force", as_index=False)
        .agg(hexagons=("cell", "size"), incidents=("incidents", "sum"), hot_spots=("hot", "sum"))
        .rename(columns={"force": "Force", "hexagons": "Hexagons", "incidents": "Incidents", "hot_spots": "Hot spots"})
    )
    if ocg_data is None:
        return
    touching = ocgs_touching(ocg_data.activity, ocg_data.register, cells, resolution)
    label = " (SYNTHETIC)" if ocg_data.synthetic else ""
    st.markdown(f"**Cross-border organised crime groups{label}** with activity in or next to a neighbouring hot spot:")
    if touching.empty:
        st.caption("None of the groups marked cross-border has activity next to these hot spots.")
    else:
        st.dataframe(touching, hide_index=True, width="stretch")
