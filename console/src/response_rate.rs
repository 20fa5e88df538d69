//! The overview's response rate: of the service visits picked up in the period (known
//! from signed links and imported repair orders), how many answered. The collector
//! counts it (`GET /v1/coverage`, the coverage page's figures summed over the dealers
//! shown); a low rate is how a dealer's CSI is read from the few who chose to answer.

use crate::api::{self, Failure};
use crate::figures;
use crate::i18n::{t, Lang, T};
use serde_json::Value;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ResponseRateProps {
    pub lang: Lang,
    /// Empty: every dealer the account may read.
    pub dealer: String,
    /// The period's first and last local day (`None` while the period is invalid).
    pub range: Option<(String, String)>,
}

/// Visits and answered visits summed over the reply's dealers.
fn totals(v: &Value) -> (i64, i64) {
    let rows = v["dealers"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    rows.iter().fold((0, 0), |(visits, responded), r| {
        (
            visits + r["visits"].as_i64().unwrap_or(0),
            responded + r["responded"].as_i64().unwrap_or(0),
        )
    })
}

#[component]
pub fn ResponseRate(props: &ResponseRateProps) -> Html {
    let l = props.lang;
    let counts = use_state(|| None::<(i64, i64)>);
    {
        let counts = counts.clone();
        use_effect_with(
            (props.dealer.clone(), props.range.clone()),
            move |(dealer, range)| {
                let mut stop: Option<Box<dyn FnOnce()>> = None;
                counts.set(None);
                if let Some((from, to)) = range.clone() {
                    let mut pairs = vec![("from", from), ("to", to)];
                    if !dealer.is_empty() {
                        pairs.push(("dealer", dealer.clone()));
                    }
                    let url = format!("/v1/coverage?{}", api::query(&pairs));
                    let shown = counts.clone();
                    stop = Some(Box::new(api::spawn_current(
                        async move { api::get::<Value>(&url).await },
                        move |r| match r {
                            Ok(v) => shown.set(Some(totals(&v))),
                            Err(Failure::SignedOut) => api::sign_in(),
                            // A role the collector does not show coverage to: no card.
                            Err(_) => {}
                        },
                    )));
                }
                move || {
                    if let Some(stop) = stop {
                        stop();
                    }
                }
            },
        );
    }
    let Some((visits, responded)) = *counts else {
        return html! {};
    };
    html! {
        <div class="c-card" data-figure="response-rate" data-visits={visits.to_string()} data-responded={responded.to_string()}>
            <dt>{ t(l, T::ResponseRate) }</dt>
            if visits > 0 {
                <dd class="c-figure">{ figures::percent(responded as f64 / visits as f64) }</dd>
                <dd class="c-sub">{ format!("{}{responded}\u{a0}/\u{a0}{visits}", t(l, T::OfVisits)) }</dd>
            } else {
                <dd class="c-figure">{ "–" }</dd>
                <dd class="c-sub">{ t(l, T::NoVisitsKnown) }</dd>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_is_summed_over_the_dealers_shown() {
        let v = serde_json::json!({ "dealers": [
            { "dealer": "D001", "visits": 40, "responded": 10 },
            { "dealer": "D002", "visits": 60, "responded": 35 },
        ] });
        assert_eq!(totals(&v), (100, 45));
        assert_eq!(totals(&serde_json::json!({ "dealers": [] })), (0, 0));
        assert_eq!(totals(&serde_json::json!({})), (0, 0));
    }
}
