"""Geospatial data layer of Precision Hotspots.

Reading, validating, storing and indexing incidents on the H3 grid. Nothing in this
package imports Streamlit: every function here can be called from a test or a command.
"""
