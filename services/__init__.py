"""Jobs that join reading, the statistics and writing: what the app, the command-line tools
and the benchmarks all run the same way.

A job reads the store and reference files (``geo``, ``records``), runs ``models`` on them,
and writes results back (``records``). Nothing here imports Streamlit; ``ui`` and ``cli``
call these jobs and only add progress display, arguments and exit codes.
"""
