"""Command-line tools: the only layer, with the app's pages, that reads arguments and prints.

Each is run as a module from the repository root, with the settings of the environment
(``PRECISION_STORE``, ``PRECISION_USERS`` and ``PRECISION_MODE``)::

    python -m cli.ingest PATH... [--store DIR]                           incidents into the store
    python -m cli.ocg REGISTER.csv ACTIVITY.csv [--synthetic] [--store DIR]   OCG files
    python -m cli.national PATH [--store DIR] [--check]                  the Home Office table
    python -m cli.outcomes crimestoppers|survey FILE [--store DIR]       an outcome file
    python -m cli.users add|remove|list ...                              the users file
    python -m cli.audit verify | export [--since DATE] [--kind KIND]     the audit log's chain, its CSV
    python -m cli.backup DEST [--store DIR]                              a checked backup (.zip)
    python -m cli.restore SRC --store DIR [--users FILE]                 put a backup back, atomically
    python -m cli.retention [--apply] [--incident-months N] ...          delete what is due
    python -m cli.backtest --train YYYY-MM --test YYYY-MM ...            hotspot rankings
    python -m cli.ocg_synthetic [--seed 2017] [--out data/ocg_demo]      the synthetic demo files
    python -m cli.outcomes_synthetic [--seed 2017] [--out data/outcomes_demo]  synthetic outcome files

They call :mod:`geo` and :mod:`models` and never :mod:`ui` or Streamlit; nothing imports
them (``.importlinter``). ``ingest``, ``ocg``, ``users`` and ``backtest`` exit 2 with a
message on stderr when their input cannot be used, 0 when done. Every tool that changes the
store audits the change through :func:`security.audit.record_cli` (the operating-system
user, marked as a command-line change).
"""
