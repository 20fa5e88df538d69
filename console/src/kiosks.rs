//! The lounge kiosks of the manager's dealers (issue 14): issue a device key for a
//! tablet, see it once with the address that pairs the tablet, list the kiosks, revoke
//! one. The collector does the work (`/v1/kiosks`, collector/src/routes/kiosks.rs): the
//! key is stored only as a hash and never listed, so this page is the one moment it can
//! be read, and it says so.

use crate::api::{self, Failure};
use crate::i18n::{kiosk_text, t, Lang, K, T};
use serde::{Deserialize, Serialize};
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

/// One kiosk as `GET /v1/kiosks` lists it (never its key).
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Kiosk {
    id: String,
    dealer: String,
    station: String,
    #[serde(default)]
    label: String,
    created_at: String,
    revoked_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct KioskList {
    items: Vec<Kiosk>,
}

/// `POST /v1/kiosks`' body.
#[derive(Serialize)]
struct NewKiosk {
    dealer: String,
    station: String,
    label: String,
}

/// `POST /v1/kiosks`' answer: the key and the pairing path, shown once.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Issued {
    station: String,
    key: String,
    pair_path: String,
}

#[derive(Properties, PartialEq)]
pub struct KiosksProps {
    pub lang: Lang,
    pub csrf: String,
    /// The dealers this account may issue keys for.
    pub dealers: Vec<String>,
}

use crate::figures::minute;

#[component]
pub fn Kiosks(props: &KiosksProps) -> Html {
    let l = props.lang;
    let k = |key| kiosk_text(l, key);
    let list = use_state(|| None::<Result<Vec<Kiosk>, String>>);
    let reload = use_state(|| 0u32);
    let issued = use_state(|| None::<Issued>);
    let issuing = use_state(|| false);
    let error = use_state(|| None::<String>);
    let confirm = use_state(|| None::<String>);
    let (dealer_ref, station_ref, label_ref, issued_ref) = (
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
        use_node_ref(),
    );

    {
        let list = list.clone();
        use_effect_with(*reload, move |_| {
            let shown = list.clone();
            api::spawn_current(
                async move { api::get::<KioskList>("/v1/kiosks").await },
                move |r| match r {
                    Ok(l) => shown.set(Some(Ok(l.items))),
                    Err(f) => {
                        if let Some(e) = api::shown(f) {
                            shown.set(Some(Err(e)));
                        }
                    }
                },
            )
        });
    }
    // The key box takes the focus when it appears, so a screen reader reads it first.
    {
        let issued_ref = issued_ref.clone();
        use_effect_with(issued.is_some(), move |shown| {
            if *shown {
                if let Some(el) = issued_ref.cast::<HtmlElement>() {
                    let _ = el.focus();
                }
            }
        });
    }

    let on_issue = {
        let (issued, issuing, error, reload) = (
            issued.clone(),
            issuing.clone(),
            error.clone(),
            reload.clone(),
        );
        let (dealer_ref, station_ref, label_ref) =
            (dealer_ref.clone(), station_ref.clone(), label_ref.clone());
        let csrf = props.csrf.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *issuing {
                return;
            }
            let dealer = dealer_ref
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            let station = station_ref.cast::<HtmlInputElement>();
            let label = label_ref.cast::<HtmlInputElement>();
            let body = serde_json::to_string(&NewKiosk {
                dealer,
                station: station
                    .as_ref()
                    .map(|i| i.value().trim().to_string())
                    .unwrap_or_default(),
                label: label.as_ref().map(|i| i.value()).unwrap_or_default(),
            })
            .ok();
            issuing.set(true);
            error.set(None);
            let (issued, issuing, error, reload, csrf) = (
                issued.clone(),
                issuing.clone(),
                error.clone(),
                reload.clone(),
                csrf.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let r = api::send("POST", "/v1/kiosks", &csrf, body)
                    .await
                    .and_then(|text| {
                        serde_json::from_str::<Issued>(&text)
                            .map_err(|e| Failure::Refused(e.to_string()))
                    });
                issuing.set(false);
                match r {
                    Ok(new) => {
                        // The form is emptied only once the key exists: a refusal keeps
                        // what was typed, next to the reason.
                        for field in [station, label].into_iter().flatten() {
                            field.set_value("");
                        }
                        issued.set(Some(new));
                        reload.set(*reload + 1);
                    }
                    Err(f) => error.set(api::shown(f)),
                }
            });
        })
    };

    let issued_box = issued.as_ref().map(|new| {
        let done = {
            let issued = issued.clone();
            Callback::from(move |_: MouseEvent| issued.set(None))
        };
        let address = format!("{}{}", api::origin(), new.pair_path);
        html! {
            <div class="c-issued" ref={issued_ref.clone()} tabindex="-1" role="status" aria-labelledby="k-issued-h">
                <h3 id="k-issued-h" class="c-h3">{ format!("{} · {}", new.station, k(K::KeyOnce)) }</h3>
                <dl class="c-issued-list">
                    <dt>{ k(K::PairAddress) }</dt>
                    <dd><code class="c-code" data-pair-address="">{ address }</code></dd>
                    <dt>{ k(K::Key) }</dt>
                    <dd><code class="c-code" data-device-key="">{ new.key.clone() }</code></dd>
                </dl>
                <p>{ k(K::PairHow) }</p>
                <button type="button" class="c-btn" onclick={done}>{ k(K::Done) }</button>
            </div>
        }
    });

    let rows = match &*list {
        None => html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => {
            html! { <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p> }
        }
        Some(Ok(items)) if items.is_empty() => html! { <p>{ k(K::None) }</p> },
        Some(Ok(items)) => html! {
            <table class="c-table" data-table="kiosks">
                <caption class="c-h3">{ k(K::Listed) }</caption>
                <thead><tr>
                    <th scope="col">{ k(K::Station) }</th>
                    <th scope="col">{ t(l, T::Dealer) }</th>
                    <th scope="col">{ k(K::Note) }</th>
                    <th scope="col">{ k(K::Created) }</th>
                    <th scope="col">{ k(K::State) }</th>
                    <th scope="col">{ k(K::Actions) }</th>
                </tr></thead>
                <tbody>
                    { for items.iter().map(|kiosk| row(l, kiosk, &confirm, &reload, &error, &props.csrf)) }
                </tbody>
            </table>
        },
    };

    html! {
        <section class="c-kiosks" aria-labelledby="k-h">
            <h2 id="k-h" class="c-h2">{ k(K::Heading) }</h2>
            <p class="c-note">{ k(K::Intro) }</p>
            { for issued_box }
            <form class="c-filters c-kiosk-form" aria-labelledby="k-add-h" onsubmit={on_issue}>
                <h3 id="k-add-h" class="c-h3 c-form-title">{ k(K::Add) }</h3>
                <div class="c-field">
                    <label for="k-dealer">{ t(l, T::Dealer) }</label>
                    <select id="k-dealer" ref={dealer_ref} required=true>
                        { for props.dealers.iter().map(|d| html! { <option value={d.clone()}>{ d.clone() }</option> }) }
                    </select>
                </div>
                <div class="c-field">
                    <label for="k-station">{ k(K::Station) }</label>
                    <input id="k-station" ref={station_ref} type="text" required=true maxlength="128"
                        autocomplete="off" spellcheck="false" aria-describedby="k-station-hint" />
                    <span id="k-station-hint" class="c-hint">{ k(K::StationHint) }</span>
                </div>
                <div class="c-field">
                    <label for="k-label">{ k(K::Label) }</label>
                    <input id="k-label" ref={label_ref} type="text" maxlength="100" autocomplete="off" />
                </div>
                <div class="c-field c-field-action">
                    <button type="submit" class="c-btn c-btn-primary" disabled={*issuing}>
                        { if *issuing { k(K::Issuing) } else { k(K::Issue) } }
                    </button>
                </div>
                <p class="c-error c-form-error" role="alert">{ (*error).clone().unwrap_or_default() }</p>
            </form>
            { rows }
        </section>
    }
}

/// One kiosk's row; a live one can be revoked after a confirmation in place.
fn row(
    l: Lang,
    kiosk: &Kiosk,
    confirm: &UseStateHandle<Option<String>>,
    reload: &UseStateHandle<u32>,
    error: &UseStateHandle<Option<String>>,
    csrf: &str,
) -> Html {
    let k = |key| kiosk_text(l, key);
    let state = match &kiosk.revoked_at {
        None => k(K::Live).to_string(),
        Some(at) => format!("{} {}", k(K::RevokedAt), minute(at)),
    };
    let action = if kiosk.revoked_at.is_some() {
        html! {}
    } else if confirm.as_deref() == Some(kiosk.id.as_str()) {
        let yes = {
            let (confirm, reload, error) = (confirm.clone(), reload.clone(), error.clone());
            let (id, csrf) = (kiosk.id.clone(), csrf.to_string());
            Callback::from(move |_: MouseEvent| {
                let (confirm, reload, error) = (confirm.clone(), reload.clone(), error.clone());
                let (path, csrf) = (format!("/v1/kiosks/{id}"), csrf.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match api::send("DELETE", &path, &csrf, None).await {
                        Ok(_) => {
                            confirm.set(None);
                            reload.set(*reload + 1);
                        }
                        Err(f) => error.set(api::shown(f)),
                    }
                });
            })
        };
        let no = {
            let confirm = confirm.clone();
            Callback::from(move |_: MouseEvent| confirm.set(None))
        };
        html! {
            <div class="c-confirm" role="group" aria-label={format!("{} {}", k(K::Revoke), kiosk.station)}>
                <span>{ format!("{} {}?", k(K::RevokeConfirm), kiosk.station) }</span>
                <button type="button" class="c-btn c-btn-danger" onclick={yes}>{ k(K::RevokeYes) }</button>
                <button type="button" class="c-btn" onclick={no}>{ k(K::Cancel) }</button>
            </div>
        }
    } else {
        let ask = {
            let (confirm, id) = (confirm.clone(), kiosk.id.clone());
            Callback::from(move |_: MouseEvent| confirm.set(Some(id.clone())))
        };
        html! {
            <button type="button" class="c-btn" onclick={ask}
                aria-label={format!("{} {}", k(K::Revoke), kiosk.station)}>{ k(K::Revoke) }</button>
        }
    };
    html! {
        <tr data-kiosk={kiosk.id.clone()}>
            <th scope="row">{ kiosk.station.clone() }</th>
            <td>{ kiosk.dealer.clone() }</td>
            <td>{ kiosk.label.clone() }</td>
            <td>{ minute(&kiosk.created_at) }</td>
            <td>{ state }</td>
            <td>{ action }</td>
        </tr>
    }
}
