"""Foundations shared by every other package of Precision Hotspots.

Settings (typed, documented defaults), the one error tree, file helpers (atomic writes,
locked files, content digests) and the synthetic-data marker. Nothing here imports another
package of the project, nor Streamlit.
"""
