//! `GET /console/interview?case=<id>` (or `?followup=<id>&dealer=<d>`): the page an
//! agent records a phone interview on. Rendered here, not a static file, because it is
//! behind the console login and carries what only the server knows:
//!
//! - without a session → `303` to `/login?next=<this page>`; a role that works no cases
//!   (a service advisor, [`crate::auth::rule::cases`]) → 403; a case the caller may not
//!   read → 404, as in the API. Every refusal is a short page in both languages.
//! - the widget mounted with `data-mode="interview"`, the case's survey (a built-in one,
//!   else `post-service`), `data-endpoint="/v1/interviews"`, the session's CSRF token
//!   as `X-CSRF-Token` (same-origin page, `no-store`), and the case or follow-up id in
//!   `data-context` (checked by the context alphabet). The agent, channel and visit are
//!   the server's when the interview is posted ([`super::interviews`]), never the page's.

use crate::app::Shared;
use crate::auth::principal::{Principal, Who};
use crate::auth::rule;
use axum::extract::FromRequestParts;
use axum::http::{Request, StatusCode};
use axum::response::Response;
use survey_core::context::check_context_value;
use survey_core::interview::{CASE_KEY, FOLLOWUP_KEY};

/// The page's address.
pub const PATH: &str = "/console/interview";

use super::console_page::escape;

fn refusal(status: StatusCode, zh: &str, en: &str) -> Response {
    super::console_page::refusal(
        status,
        ("电话访问", "Phone interview"),
        zh,
        en,
        ("/console#cases", "返回案件列表", "Back to the cases"),
    )
}

/// The page's parameters: exactly one of `case` and `followup`, and `dealer` only with
/// `followup` (the call list's row names it).
struct Params {
    case: Option<String>,
    followup: Option<String>,
    dealer: Option<String>,
}

fn params(query: &str) -> Result<Params, String> {
    let mut p = Params {
        case: None,
        followup: None,
        dealer: None,
    };
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match k.as_ref() {
            "case" => &mut p.case,
            "followup" => &mut p.followup,
            "dealer" => &mut p.dealer,
            other => {
                return Err(format!(
                    "unknown parameter {other:?}; expected case, or followup and dealer"
                ))
            }
        };
        if slot.is_some() {
            return Err(format!("{k} is given twice"));
        }
        check_context_value(&v).map_err(|e| format!("{k}: {e}"))?;
        *slot = Some(v.into_owned());
    }
    match (&p.case, &p.followup, &p.dealer) {
        (Some(_), None, None) | (None, Some(_), Some(_)) => Ok(p),
        _ => Err(
            "open the interview from a case (?case=<id>) or a call-list row \
                  (?followup=<id>&dealer=<dealer>)"
                .into(),
        ),
    }
}

/// `GET /console/interview`.
pub async fn serve<B>(app: &Shared, request: Request<B>) -> Response {
    let query = request.uri().query().unwrap_or("").to_string();
    let (mut parts, _) = request.into_parts();
    let Ok(principal) = Principal::from_request_parts(&mut parts, app).await else {
        return super::console_page::sign_in_first(PATH, &query);
    };
    let Who::User { login, csrf, .. } = &principal.who else {
        return refusal(
            StatusCode::FORBIDDEN,
            "API 令牌不能进行电话访问。",
            "An API token cannot make a phone interview.",
        );
    };
    if let Err(denied) = rule::cases(&principal.caller, None) {
        return refusal(
            StatusCode::FORBIDDEN,
            "您的角色不能进行电话访问。",
            &denied.0,
        );
    }
    let p = match params(&query) {
        Ok(p) => p,
        Err(e) => return refusal(StatusCode::BAD_REQUEST, "链接不完整。", &e),
    };
    let mut context = serde_json::Map::new();
    let mut survey = "post-service".to_string();
    let mut dealer = p.dealer.clone();
    let mut back = "/console#calls".to_string();
    let mut visit = Vec::new();
    if let Some(case) = &p.case {
        let row = match super::cases::readable(app, &principal, case).await {
            Ok((row, _)) => row,
            Err(_) => {
                return refusal(
                    StatusCode::NOT_FOUND,
                    "没有这个案件，或您无权查看。",
                    "No such case, or not one you may see.",
                )
            }
        };
        if let Ok(Some(response)) = app.store.response(&row.response_id).await {
            if survey_core::templates::json(&response.survey_id).is_some() {
                survey = response.survey_id.clone();
            }
            let ctx: std::collections::BTreeMap<String, String> =
                serde_json::from_str(&response.context).unwrap_or_default();
            for (key, zh, en) in [
                ("repair_order", "维修单", "Repair order"),
                ("advisor", "服务顾问", "Advisor"),
                ("visit_date", "到店日期", "Visit"),
            ] {
                if let Some(v) = ctx.get(key) {
                    visit.push(format!(
                        "<span>{zh} · <span lang=\"en\">{en}</span>: <b>{}</b></span>",
                        escape(v)
                    ));
                }
            }
        }
        dealer = row.dealer.clone();
        back = format!("/console#cases/{case}");
        context.insert(CASE_KEY.into(), case.clone().into());
    } else if let (Some(f), Some(d)) = (&p.followup, &p.dealer) {
        if let Err(denied) = rule::cases(&principal.caller, Some(d)) {
            return refusal(StatusCode::FORBIDDEN, "您无权访问此经销商。", &denied.0);
        }
        context.insert(FOLLOWUP_KEY.into(), f.clone().into());
    }
    let headers = serde_json::json!({ "X-CSRF-Token": csrf }).to_string();
    let dealer_attr = dealer
        .map(|d| format!(" data-dealer=\"{}\"", escape(&d)))
        .unwrap_or_default();
    let body = format!(
        "<nav class=\"sw-interview-nav\"><a href=\"{back}\"><span>← 返回 · <span lang=\"en\">Back</span></span></a>\
         <span>访问员 · <span lang=\"en\">Agent</span>: <b>{agent}</b></span>{visit}</nav>\n\
         <div data-survey-widget data-mode=\"interview\" data-survey=\"{survey}\" \
         data-endpoint=\"/v1/interviews\" data-endpoint-headers=\"{headers}\" \
         data-context=\"{context}\"{dealer_attr}>\n<noscript>请启用 JavaScript。 \
         <span lang=\"en\">Please enable JavaScript.</span></noscript>\n</div>",
        back = escape(&back),
        agent = escape(login),
        visit = visit.join(""),
        survey = escape(&survey),
        headers = escape(&headers),
        context = escape(&serde_json::Value::Object(context).to_string()),
    );
    super::console_page::page(StatusCode::OK, "电话访问 · Phone interview", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_takes_a_case_or_a_followup_with_its_dealer() {
        assert!(params("case=abc").is_ok());
        assert!(params("followup=F-1&dealer=D001").is_ok());
        for bad in [
            "",
            "followup=F-1",
            "case=a&followup=b&dealer=D",
            "case=a&case=b",
            "case=%3Cscript%3E",
            "case=a&x=1",
        ] {
            assert!(params(bad).is_err(), "{bad:?}");
        }
    }
}
