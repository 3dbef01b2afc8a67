"""Impact: what changed after each delivered campaign, against matched comparison areas;
displacement to the surrounding ring; Crimestoppers reports and survey confidence. OPCC and
silver users see it all; comms users see its public sentences."""

from __future__ import annotations

import streamlit as st

from models import impact, outcomes
from models.delivery import SYNTHETIC_CAMPAIGNS, SYNTHETIC_CAMPAIGNS_AND_CRIME, campaigns
from models.public_summary import SYNTHETIC_LABEL
from records import delivery_log
from security import policy
from ui import cache, charts, context, download, exports, session, synthetic
from ui import outcomes as outcome_ui

st.title("Impact")
user = session.current_user()
full = policy.impact_in_full(user.role if user else None, session.is_demo())
token = st.session_state["store_token"]
context.freshness_line(token)
st.caption(context.areas_note(token, cache.store().months()))  # comparison communities: every stored month
delivery_token = delivery_log.token()
params = impact.ImpactParams()
st.caption(
    f"Each campaign is compared with up to {params.n_matched} hot-spot communities that were not targeted and do not "
    f"touch a targeted one, matched on their level and trend before it. Estimates need at least "
    f"{params.min_before} months before the campaign and {params.min_after} after it. The estimate is a "
    "difference-in-differences on the log scale of monthly means; its 95 % interval and p-value come from placebo "
    "campaigns in the matched areas (each in turn treated as if targeted)."
)
deliveries = cache.deliveries(delivery_token)
found = campaigns(deliveries)
results = cache.campaign_impacts(token, delivery_token, params)
synthetic_campaigns = delivery_log.synthetic(deliveries)  # read from the records, never assumed
if synthetic_campaigns and results:
    # the crime figures' label is read from the incidents' own marks (ui.synthetic)
    words = SYNTHETIC_CAMPAIGNS_AND_CRIME if synthetic.label() else SYNTHETIC_CAMPAIGNS
    st.warning(f"{SYNTHETIC_LABEL}: {words}", icon=":material/science:")

st.subheader("Incidents after each campaign")
if not results:
    st.info("No campaign delivered yet: comms and silver users record deliveries on the Delivery log page.")
for r in results:
    st.markdown(f"**{r.community_name}** ({r.district}): {r.what} from {r.start_month}")
    st.write(r.sentence)
    if full and r.months:
        st.altair_chart(
            charts.campaign_chart(
                charts.campaign_series(r.months, r.targeted, r.matched),
                r.start_month,
                synthetic.title("Incidents a month"),
            ),
            width="stretch",
        )
if results and full:
    table = impact.impact_table(results)
    st.dataframe(table, hide_index=True, width="stretch")
    for r in results:
        if r.comparison:
            with st.expander(f"Matched comparison areas for {r.community_name}"):
                st.write(", ".join(r.comparison))
                if r.wdq is not None:
                    st.write(
                        f"Displacement on the ring of {params.buffer_rings} cells around it (Weighted Displacement "
                        f"Quotient, Bowers and Johnson 2003): {r.wdq.reading}"
                        + ("" if r.wdq.wdq != r.wdq.wdq else f" (WDQ {r.wdq.wdq:.2f}).")
                    )
    download.download(
        download.ExportFile(
            "Campaign evaluation (CSV)",
            exports.table_csv(table, synthetic=synthetic_campaigns),
            "precision_campaign_impact.csv",
            "Campaign impact evaluation",
            len(table),
        ),
        {"campaigns": len(table)},
    )

st.subheader("Crimestoppers reports and survey confidence")
data = outcome_ui.current()
if found.empty:
    st.caption("Compared once a campaign is delivered.")
else:
    districts = sorted(set(found["district"]))
    start = str(found["start_month"].min())
    for kind, compare in (
        ("crimestoppers", outcomes.crimestoppers_comparison),
        ("survey", outcomes.survey_comparison),
    ):
        if not data.loaded(kind):
            st.caption(f"No {kind} data is loaded.")
            continue
        if label := outcome_ui.synthetic_label(data, kind):
            st.error(label, icon=":material/science:")
        result = compare(getattr(data, kind), districts, start)
        st.write(result.sentence)
if user is not None and user.role == "opcc" and not session.is_demo():
    st.divider()
    outcome_ui.upload_section("impact_outcomes")
