"""District profile: one printable serious and organised crime profile per district."""

from __future__ import annotations

import altair as alt
import streamlit as st

from geo.settings import get_settings
from ui import auth, cache, charts, panels

settings = get_settings()
token = st.session_state["store_token"]
st.title("District profile")
district = st.selectbox("District", sorted(settings.districts.values()), key="profile_district")
profile = cache.district_profile(token, district)

m = st.columns(4)
m[0].metric("Incidents", f"{profile.incidents:,}", help=", ".join(profile.months))
m[1].metric("Per 1,000 residents a month", f"{profile.rate_per_1000:.1f}")
m[2].metric("Residents (census 2011)", f"{profile.residents:,}")
m[3].metric("Households", f"{profile.households:,}")
st.markdown(profile.change_text)

st.subheader("Crime mix against the West Yorkshire average")
mix = profile.mix.melt(
    id_vars=["crime_type"], value_vars=["district_share", "west_yorkshire_share"], var_name="area", value_name="share"
)
mix["area"] = mix["area"].map({"district_share": district, "west_yorkshire_share": "West Yorkshire"})
charts.show(
    alt.Chart(mix)
    .mark_bar()
    .encode(
        y=alt.Y("crime_type:N", sort="-x", title=None, axis=alt.Axis(labelLimit=240)),
        x=alt.X("share:Q", axis=alt.Axis(format="%"), title="Share of incidents"),
        yOffset="area:N",
        color=alt.Color("area:N", scale=alt.Scale(range=charts.OKABE_ITO), title=None),
        tooltip=["crime_type", "area", alt.Tooltip("share:Q", format=".1%")],
    )
    .properties(height=420),
    charts.shares_summary(profile.mix, district),
)

st.subheader("Top hotspot communities")
if profile.communities.empty:
    st.info("No significant hotspot community in this district for the loaded months.")
else:
    st.dataframe(
        profile.communities.rename(
            columns={
                "community_id": "Id",
                "name": "Community",
                "incidents": "Incidents",
                "harm": "Harm score",
                "residents": "Residents",
            }
        ),
        hide_index=True,
        width="stretch",
    )

st.subheader("Organised crime groups")
ocg_counts, ocg_note = panels.profile_ocg(district)
st.caption(ocg_note)
if ocg_counts is not None:
    st.dataframe(ocg_counts, hide_index=True)

pdf_name = f"precision_profile_{district.lower()}.pdf"
st.download_button(
    "Profile (PDF)",
    cache.profile_pdf(token, district, ocg_counts, ocg_note),
    pdf_name,
    "application/pdf",
    on_click=auth.record_export,
    args=(pdf_name, {"district": district, "ocg_counts": ocg_counts is not None}),
)
