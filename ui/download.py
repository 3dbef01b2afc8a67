"""The one audited download button, and the file it offers.

Every file the app hands a user goes through :func:`download`: the button's ``on_click``
records the download in the audit log (:func:`ui.session.audit_event`) with the file's
name, kind and rows.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import PurePath

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from security import audit
from ui import session, synthetic

#: The media type of each file extension a download may have (see security.audit.DOWNLOAD_KINDS).
MIME_TYPES: dict[str, str] = {
    ".csv": "text/csv",
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".ics": "text/calendar",
    ".geojson": "application/geo+json",
    ".html": "text/html",
    ".zip": "application/zip",
}


@dataclasses.dataclass(frozen=True)
class ExportFile:
    """A file a user may download, and what the audit log says of it.

    Attributes
    ----------
    label : str
        The button's text.
    content : bytes or callable
        The file, or a function of no arguments that makes it when the button is clicked
        (Streamlit calls it on its own thread; for files that are slow to make and seldom
        taken, such as chart images, so no page view waits for them).
    file_name : str
        Its name; the extension gives the media type and the audit kind.
    what : str
        What the file is, in words, for the audit log (e.g. ``"District profile: Leeds"``).
    rows : int or None
        The number of records it holds (table rows, features, events, pages), if any.
    """

    label: str
    content: bytes | Callable[[], bytes]
    file_name: str
    what: str
    rows: int | None = None

    @property
    def kind(self) -> str:
        """The audit kind of downloading it (``download_csv``, ``download_pdf``, ...)."""
        return audit.download_kind(self.file_name)

    @property
    def mime(self) -> str:
        """Its media type, from the extension."""
        return MIME_TYPES[PurePath(self.file_name).suffix.lower()]


def download(
    file: ExportFile,
    context: Mapping[str, object] | None = None,
    *,
    where: DeltaGenerator | None = None,
    key: str | None = None,
) -> None:
    """Draw a download button whose every click is audited.

    The click records ``file.kind`` for the signed-in user and role, with ``file.what``, the
    file name, ``file.rows`` and ``context`` (the filters or choices behind the file). This
    is the app's only ``st.download_button``.

    Parameters
    ----------
    file : ExportFile
        The file and what it is.
    context : mapping or None
        Filters or settings the file was made with (JSON-able; others are written as text).
    where : DeltaGenerator or None
        A column or container to draw the button in (default: the page).
    key : str or None
        Widget key, when one page offers two buttons with the same label.
    """
    content = file.content
    if file.mime == "text/csv" and isinstance(content, bytes):  # the synthetic marker line, from the data
        content = synthetic.csv_bytes(content)
    (st if where is None else where).download_button(
        file.label,
        content,
        file.file_name,
        file.mime,
        key=key,
        on_click=session.audit_event,
        args=(file.kind, file.what, dict(context or {})),
        kwargs={"file_name": file.file_name, "rows": file.rows},
    )
