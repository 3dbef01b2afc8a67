"""Geography and the incident store of Precision Hotspots.

Coordinate systems, H3 hexagons, LSOA and district boundaries, reading data.police.uk street
files, ingesting them into the Parquet store, and DuckDB reads over that store. Nothing in
this package imports Streamlit: every function here can be called from a test or a command.
"""
