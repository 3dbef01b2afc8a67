"""District profile: one printable serious and organised crime profile per district, and
the Silver meeting pack."""

from __future__ import annotations

import streamlit as st

from core.settings import get_settings
from models.pipeline import HotspotParams
from models.trends import latest_months
from ui import cache, charts, context, download, filters, pack, panels, tables

settings = get_settings()
token = st.session_state["store_token"]
st.title("District profile")
context.freshness_line(token)
c = st.columns([2, 2, 3])
district = c[0].selectbox("District", sorted(settings.districts.values()), key="profile_district")
period = c[1].selectbox("Period", list(filters.PERIODS)[:-1], key="profile_period")
months = tuple(latest_months(cache.store().months(), filters.PERIODS[period], ()))
c[2].caption(f"Period: {filters.months_in_words(months)}. Hot spots are found against the whole county.")
st.caption(context.areas_note(token, list(months), residents=True, nearest=True))
profile = cache.district_profile(token, district, months)

m = st.columns(4)
m[0].metric("Incidents", f"{profile.incidents:,}", help=", ".join(profile.months))
m[1].metric("Per 1,000 residents a month", f"{profile.rate_per_1000:.1f}")
m[2].metric(f"Residents (census {profile.census_year})", f"{profile.residents:,}")
m[3].metric("Households", f"{profile.households:,}")
st.markdown(profile.change_text)

st.subheader("Crime mix against the West Yorkshire average")
charts.show(charts.crime_mix(profile.mix, district), charts.shares_summary(profile.mix, district))
with st.expander("The chart's figures as a table"):
    tables.show(
        profile.mix.assign(
            district_share=(100 * profile.mix["district_share"]).round(1),
            west_yorkshire_share=(100 * profile.mix["west_yorkshire_share"]).round(1),
        ),
        labels={"district_share": f"{district} (%)", "west_yorkshire_share": "West Yorkshire (%)"},
    )

st.subheader("Top hotspot communities")
if note := context.communities_note(token, months):
    st.caption(note)
if profile.communities.empty:
    st.info("No significant hotspot community in this district for the period.")
else:
    tables.show(profile.communities)

st.subheader("Organised crime groups")
ocg_counts, ocg_note = panels.profile_ocg(district)
st.caption(ocg_note)
if ocg_counts is not None:
    tables.show(ocg_counts)

st.subheader("Downloads")
d = st.columns(2)
about = {"district": district, "months": list(months), "ocg_counts": ocg_counts is not None}
pdf = cache.profile_pdf(token, district, months, ocg_counts, ocg_note)
download.download(
    download.ExportFile(
        "Profile (PDF)", pdf, f"precision_profile_{district.lower()}.pdf", f"District profile: {district}"
    ),
    about,
    where=d[0],
)
the_pack = pack.pack_for(cache.meeting_pack(token, district, months), HotspotParams().resolution)
pack_file = download.ExportFile(
    "Silver meeting pack (PDF)",
    pack.pack_pdf_bytes(the_pack, cache.districts(), token),
    f"precision_meeting_pack_{district.lower()}_{months[-1] if months else 'none'}.pdf",
    f"Silver meeting pack: {district}" + (" (with OCG data)" if the_pack.has_ocg else ""),
)
download.download(pack_file, {**about, "ocg": the_pack.has_ocg}, where=d[1])
