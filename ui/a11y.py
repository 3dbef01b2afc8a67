"""Accessibility fixes applied to every page (WCAG 2.2 AA), injected once per run from ``app.py``.

What axe-core found in Streamlit's own markup, and what is done here instead of in page
scripts:

- **Contrast (1.4.3).** Streamlit draws captions (``st.caption``: filter summaries, sources,
  notes) in the text colour at 60 % opacity, ``#828180`` on white: 3.9:1. :data:`CSS` draws
  them opaque in :data:`CAPTION_COLOUR`, 7.2:1 on white and 6.4:1 on the sidebar's grey.
- **Target size (2.5.8).** The segments of a date field (day, month, year) are 18 by 20 px
  with 22 px between centres: they get 24 px of height and 21 px of width, enough spacing
  for the exception; multiselect chips and their close crosses get at least 24 px.
- **Focus visible (2.4.7, 2.4.11).** A 2 px outline in the text colour on whatever has keyboard
  focus, links and download buttons included.
- **Frame titles (4.1.2).** streamlit-folium's iframe is titled ``streamlit_folium.st_folium``
  by Streamlit, and ``st_folium`` has no argument to change it. :data:`FRAME_LABEL_JS` gives
  each map iframe an ``aria-label`` (which screen readers announce in place of the title)
  saying what it is; the ``title`` is left as it is, since tests find the map by it.
"""

from __future__ import annotations

import re

import streamlit as st

from core.settings import REPO_DIR

#: Caption and note colour: 7.2:1 on white (#ffffff), 6.4:1 on the sidebar (#f0f2f6).
CAPTION_COLOUR = "#55575f"

#: Minimum size of a pointer target, in CSS pixels (WCAG 2.5.8, level AA).
TARGET_PX = 24

#: Width of a date segment: with the separator between segments, a 24 px circle centred on
#: each reaches no neighbour (2.5.8's spacing exception), and a date range still fits a
#: quarter-width column (24 px segments cut the end date off).
SEGMENT_PX = 21

CSS = f"""<style>
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p,
[data-testid="stWidgetLabel"] [data-testid="stCaptionContainer"] {{ color: {CAPTION_COLOUR}; opacity: 1; }}
[role="spinbutton"][contenteditable="true"] {{
  display: inline-flex; align-items: center; justify-content: center;
  min-width: {SEGMENT_PX}px; min-height: {TARGET_PX}px;
}}
[data-baseweb="tag"] {{ min-height: {TARGET_PX}px; }}
[data-baseweb="tag"] [role="button"], [data-baseweb="tag"] span:last-child:has(svg) {{
  min-width: {TARGET_PX}px; min-height: {TARGET_PX}px;
  display: inline-flex; align-items: center; justify-content: center;
}}
a:focus-visible, button:focus-visible, [role="button"]:focus-visible, [tabindex]:focus-visible,
input:focus-visible, iframe:focus-visible {{ outline: 2px solid #1f2330; outline-offset: 2px; }}
</style>"""

#: Accessible name of each kind of component iframe, by the title Streamlit gives it.
FRAME_LABELS: dict[str, str] = {
    "streamlit_folium.st_folium": (
        "Interactive hotspot map: hexagons shaded by class, with district boundaries and a legend. "
        "Use the tab key to reach the map, arrow keys to pan, plus and minus to zoom."
    ),
}

#: Installs, once per browser tab, an observer that labels component iframes as they appear.
FRAME_LABEL_JS = """
export default function (component) {
  const labels = component.data || {};
  const apply = () => {
    for (const [title, label] of Object.entries(labels)) {
      document.querySelectorAll(`iframe[title="${title}"]:not([aria-label])`).forEach((frame) => {
        frame.setAttribute("aria-label", label);
      });
    }
  };
  apply();
  if (!window.__precisionFrameLabels) {
    window.__precisionFrameLabels = new MutationObserver(apply);
    window.__precisionFrameLabels.observe(document.body, {childList: true, subtree: true});
  }
}
"""

_frame_labeller = st.components.v2.component("precision_frame_labels", js=FRAME_LABEL_JS)


def apply() -> None:
    """Inject the page-wide CSS and the iframe labeller (call once per run, from ``app.py``)."""
    st.html(CSS)  # style only: Streamlit sends it to the event container, taking no space
    _frame_labeller(data=FRAME_LABELS, key="precision_frame_labels")


#: The statement's wording where no contact is set (:attr:`core.settings.Settings.accessibility_contact`).
SERVICE_DESK = "through your organisation's service desk"


def statement(contact: str | None = None) -> str:
    """The accessibility statement (``docs/accessibility.md``) as Markdown, for its page.

    Parameters
    ----------
    contact : str, optional
        Where to ask for other formats and report problems (an address, a phone number);
        it replaces "through your organisation's service desk", shown as literal text.
    """
    text = (REPO_DIR / "docs" / "accessibility.md").read_text(encoding="utf-8")
    if not contact:
        return text
    # every Markdown, LaTeX ($), shortcode (:) and entity (&) character escaped
    literal = re.sub(r"([\\`*_{}\[\]()#+!<>|~$:&-])", r"\\\1", " ".join(contact.split()))
    wording = r"\s+".join(re.escape(word) for word in SERVICE_DESK.split())  # it may wrap lines
    return re.sub(wording, lambda _: f"at {literal}", text)
