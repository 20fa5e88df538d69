//! The "did we solve it?" panel of a closed case (`collector/src/routes/solve_links.rs`):
//! a manager creates the case's one survey link (the URL to copy and its QR code;
//! sending it by SMS or WeChat is not the console's), and the customer's answer shows
//! here once given ("solved: yes, 5/5"). The collector decides who may create it and
//! when; a refusal is shown word for word. Texts from the server (the URL, the
//! customer's comment) are text nodes and attribute values: Yew escapes them.

use crate::api::{self, Failure};
use crate::i18n::{target_text as g, Lang, G};
use serde_json::{json, Value};
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// The customer's answer, as the case page says it: "solved: yes, 5/5".
pub fn answer_line(l: Lang, answer: &Value) -> Option<String> {
    let solved = answer["solved"].as_bool()?;
    let mut line = g(l, if solved { G::SolvedYes } else { G::SolvedNo }).to_string();
    if let Some(h) = answer["handling"].as_u64() {
        line.push_str(&format!(", {h}/5"));
    }
    Some(line)
}

#[derive(Properties, PartialEq)]
pub struct SolveProps {
    pub lang: Lang,
    pub case_id: String,
    pub status: String,
    pub csrf: String,
    /// Managers and admins create the link (the collector's rule).
    pub manager: bool,
    /// The case's `solve`: `{"link": …, "answer": …}`.
    pub solve: Value,
    pub on_done: Callback<()>,
}

#[component]
pub fn SolvePanel(p: &SolveProps) -> Html {
    let l = p.lang;
    let busy = use_state(|| false);
    let error = use_state(String::new);
    let link = &p.solve["link"];
    let answer = &p.solve["answer"];
    if p.status != "closed" && link.is_null() && answer.is_null() {
        return Html::default();
    }
    let create = {
        let (busy, error) = (busy.clone(), error.clone());
        let url = format!("/v1/cases/{}/solve-link", p.case_id);
        let csrf = p.csrf.clone();
        let done = p.on_done.clone();
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            let (busy, error, url, csrf, done) = (
                busy.clone(),
                error.clone(),
                url.clone(),
                csrf.clone(),
                done.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let r = api::post_json::<Value>(&url, &csrf, &json!({ "lang": l.tag() })).await;
                busy.set(false);
                match r {
                    Ok(_) => {
                        error.set(String::new());
                        done.emit(());
                    }
                    Err(Failure::SignedOut) => api::sign_in(),
                    Err(e) => error.set(e.line()),
                }
            });
        })
    };
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
            input.select();
        }
    });
    html! {
        <section class="c-panel c-solve" aria-labelledby="c-solve">
            <h3 class="c-h3" id="c-solve">{ g(l, G::SolveTitle) }</h3>
            if let Some(line) = answer_line(l, answer) {
                <p class="c-solved" data-fact="solved">{ line }</p>
                if let Some(comment) = answer["comment"].as_str().filter(|c| !c.trim().is_empty()) {
                    <p>{ format!("{}: {comment}", g(l, G::Comment)) }</p>
                }
            } else {
                <p class="c-note">{ g(l, G::SolveIntro) }</p>
            }
            if let Some(url) = link["url"].as_str() {
                <div class="c-field">
                    <label for="c-solve-url">{ g(l, G::LinkLabel) }</label>
                    <input id="c-solve-url" type="text" readonly=true value={url.to_string()} onfocus={select_all} />
                </div>
                <img class="c-qr" width="160" height="160" alt={g(l, G::QrAlt)}
                    src={format!("/v1/qr.svg?{}", api::query(&[("data", url.to_string())]))} />
                if answer.is_null() { <p>{ g(l, G::Waiting) }</p> }
                <p class="c-note">{ g(l, G::NoSms) }</p>
            } else if p.manager && p.status == "closed" {
                <p>
                    <button type="button" class="c-btn c-primary" data-action="solve-link" onclick={create}
                        disabled={*busy} aria-describedby="c-solve-error">
                        { g(l, if *busy { G::Creating } else { G::CreateLink }) }
                    </button>
                </p>
                <p class="c-note">{ g(l, G::NoSms) }</p>
            }
            <p class="c-error" id="c-solve-error" role="alert">{ (*error).clone() }</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_reads_as_solved_and_the_handling_score() {
        let a = json!({"solved": true, "handling": 5, "comment": "ok"});
        assert_eq!(
            answer_line(Lang::En, &a).as_deref(),
            Some("solved: yes, 5/5")
        );
        let b = json!({"solved": false, "handling": 2});
        assert_eq!(
            answer_line(Lang::ZhCn, &b).as_deref(),
            Some("已解决：否, 2/5")
        );
        assert_eq!(answer_line(Lang::En, &Value::Null), None);
    }
}
