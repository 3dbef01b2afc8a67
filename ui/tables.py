"""Tables as non-analysts read them: human column names, formatted numbers, sensible widths.

One mapping of column names (:data:`LABELS`) serves every table and its CSV, so a page and
its export use the same words. :func:`show` draws a frame with those names and formats
(numbers keep their type, so columns still sort as numbers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

#: Stored or computed column name -> the name a reader sees.
LABELS: dict[str, str] = {
    "rank": "Rank in West Yorkshire",
    "community_id": "Community id",
    "community": "Community",
    "name": "Community",
    "districts": "Districts",
    "district": "District",
    "n_cells": "Hexagons",
    "area_km2": "Area (km²)",
    "incidents": "Incidents",
    "harm": "Harm score",
    "residents": "Residents",
    "households": "Households",
    "top_crime_types": "Main crime types",
    "crime_type": "Crime type",
    "lsoa_code": "LSOA code",
    "lsoa_name": "LSOA",
    "month": "Month",
    "count": "Incidents",
    "rate": "Per 1,000 residents",
    "before": "Earlier period",
    "after": "Later period",
    "percent": "Change (%)",
    "p_value": "Chance of a change this size (p)",
    "significant": "Unlikely to be chance",
    "flyers": "Flyers",
    "theme": "Theme",
    "spot": "Where",
    "category": "Emerging category",
    "ocg_id": "OCG",
    "principal_criminality": "Principal criminality",
    "threat_tier": "Threat tier",
    "records": "Activity records",
    "streets": "Streets",
    "label": "No.",
}

#: Column name -> Streamlit number format (printf style or a preset).
FORMATS: dict[str, str] = {
    "percent": "%+.1f%%",
    "p_value": "%.3f",
    "rate": "%.2f",
    "area_km2": "%.2f",
    "harm": "localized",
}


def label(column: str) -> str:
    """The reader's name of a column (its own name, capitalised, when none is set; a name
    already written for readers, with capitals, is kept as it is)."""
    if column in LABELS:
        return LABELS[column]
    if any(ch.isupper() for ch in column):
        return column
    return column.replace("_", " ").capitalize()


def for_export(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with the reader's column names (for CSV files)."""
    return frame.rename(columns={c: label(str(c)) for c in frame.columns})


def column_config(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
    helps: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """Streamlit column settings for a frame: names, number formats, widths.

    ``formats`` (column name -> Streamlit number format) overrides :data:`FORMATS` for this
    table; whole numbers are otherwise shown with thousands separators ("localized").
    ``helps`` (column name -> text) is shown when the reader hovers over a column's name, so
    a short name can keep its full meaning.
    """
    labels = dict(labels or {})
    helps = dict(helps or {})
    formats = {**FORMATS, **(formats or {})}
    config: dict[str, Any] = {}
    for column in frame.columns:
        name = str(column)
        text = labels.get(name, label(name))
        dtype = frame[column].dtype
        if name in formats and (pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)):
            config[name] = st.column_config.NumberColumn(text, format=formats[name])  # type: ignore[arg-type]
        elif pd.api.types.is_bool_dtype(dtype):
            config[name] = st.column_config.CheckboxColumn(text, width="small")
        elif pd.api.types.is_integer_dtype(dtype):
            config[name] = st.column_config.NumberColumn(text, format="localized")
        elif pd.api.types.is_float_dtype(dtype):
            config[name] = st.column_config.NumberColumn(text, format="%.1f")
        else:
            # names get room; other text is sized to its content, so the figures stay in view
            width = "medium" if name in {"name", "community", "community_name"} else None
            config[name] = st.column_config.TextColumn(text, width=width)
        if name in helps:
            config[name]["help"] = helps[name]
    return config


def decimals(frame: pd.DataFrame, fmt: str = "%.3f") -> dict[str, str]:
    """``fmt`` for every decimal column of ``frame`` (a ``formats`` argument of :func:`show`),
    e.g. rates that keep the three decimals their CSV holds."""
    return dict.fromkeys((str(c) for c in frame.select_dtypes("float").columns), fmt)


def show(
    frame: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
    helps: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> None:
    """Draw a table with the reader's names and formats (no index).

    ``formats`` overrides :data:`FORMATS` for this table and ``helps`` gives columns a
    hover text (see :func:`column_config`).
    ``kwargs`` go to ``st.dataframe`` (``key`` is accepted and ignored: tables here are not
    selectable).
    """
    kwargs.pop("key", None)
    st.dataframe(
        frame, hide_index=True, width="stretch", column_config=column_config(frame, labels, formats, helps), **kwargs
    )


def trend_table(series: pd.DataFrame) -> pd.DataFrame:
    """The Trends chart's figures: month, district, incidents (whole numbers; a month not
    loaded stays empty), rate per 1,000 residents."""
    out = series[["month", "district", "count", "rate"]].sort_values(["month", "district"]).reset_index(drop=True)
    return out.assign(count=out["count"].round().astype("Int64"))


def change_table(table: pd.DataFrame) -> pd.DataFrame:
    """A period comparison (:func:`models.trends.compare_groups`) as shown: percentages to one
    decimal place, p-values to three."""
    out = table.copy()
    if "percent" in out:
        out["percent"] = out["percent"].astype(float).round(1)
    if "p_value" in out:
        out["p_value"] = out["p_value"].astype(float).round(3)
    return out
