"""Statistics and plans over incident frames. No I/O, no plotting, no Streamlit."""
