//! A dealer's own questionnaires (issue 15): upload a definition and see it checked
//! with the exact path of the first field at fault, preview it in the real widget at
//! phone size, publish it as a version, and copy the address `data-definition` takes.
//! The collector does the work (collector/src/routes/definitions.rs, the same
//! survey-core checks the widget runs); the preview is its page `/console/preview`
//! in a frame, which scores answers and stores nothing.

use crate::api::{self, Failure};
use crate::figures::minute;
use crate::i18n::{t, Lang, T};
use crate::questionnaire_texts::{q, Q};
use serde::Deserialize;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// One version as `GET /v1/definitions` lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Version {
    survey: String,
    version: u32,
    dealer: String,
    status: String,
    created_by: String,
    created_at: String,
    published_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Versions {
    definitions: Vec<Version>,
}

#[derive(Properties, PartialEq)]
pub struct QuestionnairesProps {
    pub lang: Lang,
    pub csrf: String,
    /// The dealers this account may publish for.
    pub dealers: Vec<String>,
}

/// A refusal of the collector split into the field's path and the problem, when it
/// names one (`pages[1].questions[0].input.type: unknown type …`).
pub fn at_path(line: &str) -> Option<(&str, &str)> {
    let (path, problem) = line.split_once(": ")?;
    let is_path = !path.is_empty()
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-'));
    is_path.then_some((path, problem))
}

#[component]
pub fn Questionnaires(props: &QuestionnairesProps) -> Html {
    let l = props.lang;
    let list = use_state(|| None::<Result<Vec<Version>, String>>);
    let reload = use_state(|| 0u32);
    let saving = use_state(|| false);
    let outcome = use_state(|| None::<Result<String, String>>);
    let preview = use_state(|| None::<(String, u32)>);
    let confirm = use_state(|| None::<(String, u32)>);
    // The JSON lives in state, not only in the box: what was pasted stays through every
    // re-render, a refusal and a save, so a fix is one edit away.
    let json = use_state(String::new);
    let (dealer_ref, file_ref) = (use_node_ref(), use_node_ref());

    {
        let list = list.clone();
        use_effect_with(*reload, move |_| {
            let shown = list.clone();
            api::spawn_current(
                async move { api::get::<Versions>("/v1/definitions").await },
                move |r| match r {
                    Ok(v) => shown.set(Some(Ok(v.definitions))),
                    Err(f) => {
                        if let Some(e) = api::shown(f) {
                            shown.set(Some(Err(e)));
                        }
                    }
                },
            )
        });
    }

    // A chosen file fills the text box, where it can be read and corrected.
    let on_file = {
        let json = json.clone();
        Callback::from(move |e: Event| {
            let file = e
                .target_dyn_into::<HtmlInputElement>()
                .and_then(|i| i.files())
                .and_then(|f| f.get(0));
            let Some(file) = file else { return };
            let json = json.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(text) = JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|v| v.as_string())
                {
                    json.set(text);
                }
            });
        })
    };
    let on_input = {
        let json = json.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                json.set(area.value());
            }
        })
    };

    let on_save = {
        let (saving, outcome, reload, preview) = (
            saving.clone(),
            outcome.clone(),
            reload.clone(),
            preview.clone(),
        );
        let (dealer_ref, json) = (dealer_ref.clone(), json.clone());
        let csrf = props.csrf.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *saving {
                return;
            }
            let dealer = dealer_ref
                .cast::<HtmlSelectElement>()
                .map(|s| s.value())
                .unwrap_or_default();
            let text = (*json).clone();
            saving.set(true);
            outcome.set(None);
            let (saving, outcome, reload, preview, csrf) = (
                saving.clone(),
                outcome.clone(),
                reload.clone(),
                preview.clone(),
                csrf.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/v1/dealers/{}/definitions", api::path_segment(&dealer));
                let r = api::send("POST", &path, &csrf, Some(text))
                    .await
                    .and_then(|reply| {
                        serde_json::from_str::<Version>(&reply)
                            .map_err(|e| Failure::Refused(e.to_string()))
                    });
                saving.set(false);
                match r {
                    Ok(v) => {
                        outcome.set(Some(Ok(format!("{} v{}", v.survey, v.version))));
                        // The saved draft opens in the preview at once.
                        preview.set(Some((v.survey, v.version)));
                        reload.set(*reload + 1);
                    }
                    Err(f) => {
                        if let Some(e) = api::shown(f) {
                            outcome.set(Some(Err(e)));
                        }
                    }
                }
            });
        })
    };

    let result = match &*outcome {
        None => html! { <p id="q-result" role="status"></p> },
        Some(Ok(saved)) => html! {
            <p id="q-result" role="status" data-saved="">{ format!("{} {saved}", q(l, Q::Saved)) }</p>
        },
        Some(Err(e)) => match at_path(e) {
            Some((path, problem)) => html! {
                <p id="q-result" class="c-error" role="alert" data-definition-error={path.to_string()}>
                    { q(l, Q::ErrorAt) }{ " " }<code class="c-code">{ path.to_string() }</code>{ ": " }{ problem.to_string() }
                </p>
            },
            None => html! { <p id="q-result" class="c-error" role="alert">{ e.clone() }</p> },
        },
    };

    let rows = match &*list {
        None => html! { <p role="status">{ t(l, T::Loading) }</p> },
        Some(Err(e)) => {
            html! { <p class="c-error" role="alert">{ format!("{} {e}", t(l, T::LoadFailed)) }</p> }
        }
        Some(Ok(items)) if items.is_empty() => html! { <p>{ q(l, Q::None) }</p> },
        Some(Ok(items)) => html! {
            <table class="c-table" data-table="questionnaires">
                <caption class="c-h3">{ q(l, Q::Listed) }</caption>
                <thead><tr>
                    <th scope="col">{ q(l, Q::Survey) }</th>
                    <th scope="col">{ q(l, Q::Version) }</th>
                    <th scope="col">{ q(l, Q::Dealer) }</th>
                    <th scope="col">{ q(l, Q::Status) }</th>
                    <th scope="col">{ q(l, Q::Created) }</th>
                    <th scope="col">{ q(l, Q::Actions) }</th>
                </tr></thead>
                <tbody>
                    { for items.iter().map(|v| row(l, v, &preview, &confirm, &reload, &outcome, &props.csrf)) }
                </tbody>
            </table>
        },
    };

    let frame = preview.as_ref().map(|(survey, version)| {
        let src = format!(
            "/console/preview?survey={}&version={version}",
            api::path_segment(survey)
        );
        let close = {
            let preview = preview.clone();
            Callback::from(move |_: MouseEvent| preview.set(None))
        };
        html! {
            <figure class="c-preview" data-preview={format!("{survey}/{version}")}>
                <figcaption class="c-h3">{ format!("{} · {survey} v{version}", q(l, Q::PreviewTitle)) }</figcaption>
                <iframe class="c-preview-frame" src={src} width="375" height="720"
                    title={format!("{} {survey} v{version}", q(l, Q::Preview))}></iframe>
                <button type="button" class="c-btn" onclick={close}>{ q(l, Q::HidePreview) }</button>
            </figure>
        }
    });

    let address = match &*list {
        Some(Ok(items)) => {
            let mut published: Vec<&str> = items
                .iter()
                .filter(|v| v.status == "published")
                .map(|v| v.survey.as_str())
                .collect();
            published.dedup();
            published
        }
        _ => Vec::new(),
    };

    html! {
        <section class="c-questionnaires" aria-labelledby="q-h">
            <h2 id="q-h" class="c-h2">{ q(l, Q::Heading) }</h2>
            <p class="c-note">{ q(l, Q::Intro) }</p>
            <div class="c-q-work">
            <form class="c-form c-definition-form" aria-labelledby="q-up-h" onsubmit={on_save}>
                <h3 id="q-up-h" class="c-h3">{ q(l, Q::Upload) }</h3>
                <div class="c-field">
                    <label for="q-dealer">{ q(l, Q::Dealer) }</label>
                    <select id="q-dealer" ref={dealer_ref} required=true>
                        { for props.dealers.iter().map(|d| html! { <option value={d.clone()}>{ d.clone() }</option> }) }
                    </select>
                </div>
                <div class="c-field">
                    <label for="q-file">{ q(l, Q::File) }</label>
                    <input id="q-file" ref={file_ref} type="file" accept=".json,application/json" onchange={on_file} />
                </div>
                <div class="c-field">
                    <label for="q-json">{ q(l, Q::Json) }</label>
                    <textarea id="q-json" value={(*json).clone()} oninput={on_input} rows="12" required=true spellcheck="false"
                        autocomplete="off" class="c-json" aria-describedby="q-json-hint q-result" />
                    <span id="q-json-hint" class="c-hint">{ q(l, Q::JsonHint) }</span>
                </div>
                <div class="c-submit">
                    <button type="submit" class="c-btn c-btn-primary" disabled={*saving}>
                        { if *saving { q(l, Q::Saving) } else { q(l, Q::Save) } }
                    </button>
                    { result }
                </div>
            </form>
            { for frame }
            </div>
            { rows }
            if !address.is_empty() {
                <dl class="c-issued-list c-addresses">
                    { for address.iter().map(|survey| html! {
                        <>
                            <dt>{ format!("{} · {survey}", q(l, Q::Address)) }</dt>
                            <dd><code class="c-code" data-definition-url={survey.to_string()}>
                                { format!("{}/v1/surveys/{}", api::origin(), survey) }
                            </code></dd>
                        </>
                    }) }
                </dl>
                <p class="c-hint">{ q(l, Q::AddressHint) }</p>
            }
        </section>
    }
}

/// One version's row: preview for every version, publish (confirmed in place) for a
/// draft.
fn row(
    l: Lang,
    v: &Version,
    preview: &UseStateHandle<Option<(String, u32)>>,
    confirm: &UseStateHandle<Option<(String, u32)>>,
    reload: &UseStateHandle<u32>,
    outcome: &UseStateHandle<Option<Result<String, String>>>,
    csrf: &str,
) -> Html {
    let key = (v.survey.clone(), v.version);
    let name = format!("{} v{}", v.survey, v.version);
    let show = {
        let (preview, key) = (preview.clone(), key.clone());
        Callback::from(move |_: MouseEvent| preview.set(Some(key.clone())))
    };
    let publish = if v.status == "published" {
        html! {}
    } else if confirm.as_ref() == Some(&key) {
        let yes = {
            let (confirm, reload, outcome) = (confirm.clone(), reload.clone(), outcome.clone());
            let path = format!(
                "/v1/definitions/{}/{}/publish",
                api::path_segment(&v.survey),
                v.version
            );
            let csrf = csrf.to_string();
            Callback::from(move |_: MouseEvent| {
                let (confirm, reload, outcome) = (confirm.clone(), reload.clone(), outcome.clone());
                let (path, csrf) = (path.clone(), csrf.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match api::send("POST", &path, &csrf, None).await {
                        Ok(_) => {
                            confirm.set(None);
                            reload.set(*reload + 1);
                        }
                        Err(f) => {
                            confirm.set(None);
                            if let Some(e) = api::shown(f) {
                                outcome.set(Some(Err(e)));
                            }
                        }
                    }
                });
            })
        };
        let no = {
            let confirm = confirm.clone();
            Callback::from(move |_: MouseEvent| confirm.set(None))
        };
        html! {
            <div class="c-confirm" role="group" aria-label={format!("{} {name}", q(l, Q::Publish))}>
                <span>{ format!("{} {name}?", q(l, Q::PublishConfirm)) }</span>
                <button type="button" class="c-btn c-btn-primary" onclick={yes}>{ q(l, Q::PublishYes) }</button>
                <button type="button" class="c-btn" onclick={no}>{ q(l, Q::Cancel) }</button>
            </div>
        }
    } else {
        let ask = {
            let (confirm, key) = (confirm.clone(), key.clone());
            Callback::from(move |_: MouseEvent| confirm.set(Some(key.clone())))
        };
        html! {
            <button type="button" class="c-btn" onclick={ask}
                aria-label={format!("{} {name}", q(l, Q::Publish))}>{ q(l, Q::Publish) }</button>
        }
    };
    let status = match &v.published_at {
        Some(at) => format!("{} {}", q(l, Q::Published), minute(at)),
        None => q(l, Q::Draft).to_string(),
    };
    html! {
        <tr data-definition={name.clone()}>
            <th scope="row">{ v.survey.clone() }</th>
            <td>{ v.version }</td>
            <td>{ v.dealer.clone() }</td>
            <td>{ status }</td>
            <td>{ format!("{} · {}", minute(&v.created_at), v.created_by) }</td>
            <td class="c-actions">
                <button type="button" class="c-btn" onclick={show}
                    aria-label={format!("{} {name}", q(l, Q::Preview))}>{ q(l, Q::Preview) }</button>
                { publish }
            </td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::at_path;

    #[test]
    fn a_refusal_naming_a_field_is_split_at_its_path() {
        assert_eq!(
            at_path("pages[1].questions[0].input.type: unknown variant `slider`"),
            Some((
                "pages[1].questions[0].input.type",
                "unknown variant `slider`"
            ))
        );
        assert_eq!(
            at_path("id: \"post-service\" is a built-in survey"),
            Some(("id", "\"post-service\" is a built-in survey"))
        );
        assert_eq!(at_path("version 1 of x is not above: 2"), None);
        assert_eq!(at_path("no colon here"), None);
    }
}
