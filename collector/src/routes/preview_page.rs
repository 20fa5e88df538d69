//! `GET /console/preview?survey=<id>&version=<n>`: a dealer's questionnaire, draft or
//! published, in the real widget, for the console to show in a phone-sized frame
//! before it is published (issue 15).
//!
//! - without a session → `303` to `/login?next=…`; an API token → 403; a version of a
//!   dealer the caller may not read → 404, as in the API.
//! - the widget fetches the JSON from `/v1/definitions/{id}/{n}` (the session's cookie
//!   goes with a same-origin fetch) and posts to `…/preview`, which scores the answers
//!   and stores nothing ([`super::definitions::preview`]), with the session's CSRF token
//!   as `X-CSRF-Token`. So what the manager sees is what a customer will, texts, skip
//!   logic, theme and the server's score card, and no test response reaches a report.

use super::console_page::{escape, page, sign_in_first};
use crate::app::Shared;
use crate::auth::principal::{Principal, Who};
use axum::extract::FromRequestParts;
use axum::http::{Request, StatusCode};
use axum::response::Response;
use survey_core::context::check_context_value;

/// The page's address.
pub const PATH: &str = "/console/preview";

fn refusal(status: StatusCode, zh: &str, en: &str) -> Response {
    super::console_page::refusal(
        status,
        ("问卷预览", "Questionnaire preview"),
        zh,
        en,
        (
            "/console#questionnaires",
            "返回问卷",
            "Back to the questionnaires",
        ),
    )
}

/// `survey` and `version`, each once, nothing else.
fn params(query: &str) -> Result<(String, u32), String> {
    let (mut survey, mut version) = (None, None);
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match k.as_ref() {
            "survey" => &mut survey,
            "version" => &mut version,
            other => {
                return Err(format!(
                    "unknown parameter {other:?}; expected survey and version"
                ))
            }
        };
        if slot.is_some() {
            return Err(format!("{k} is given twice"));
        }
        *slot = Some(v.into_owned());
    }
    let (Some(survey), Some(version)) = (survey, version) else {
        return Err("open the preview from the questionnaires page (?survey=…&version=…)".into());
    };
    check_context_value(&survey).map_err(|e| format!("survey: {e}"))?;
    let version = version
        .parse()
        .map_err(|_| format!("version: {version:?} is not a number"))?;
    Ok((survey, version))
}

/// `GET /console/preview`.
pub async fn serve<B>(app: &Shared, request: Request<B>) -> Response {
    let query = request.uri().query().unwrap_or("").to_string();
    let (mut parts, _) = request.into_parts();
    let Ok(principal) = Principal::from_request_parts(&mut parts, app).await else {
        return sign_in_first(PATH, &query);
    };
    let Who::User { csrf, .. } = &principal.who else {
        return refusal(
            StatusCode::FORBIDDEN,
            "API 令牌不能预览问卷。",
            "An API token cannot preview a questionnaire.",
        );
    };
    let (survey, version) = match params(&query) {
        Ok(p) => p,
        Err(e) => return refusal(StatusCode::BAD_REQUEST, "链接不完整。", &e),
    };
    let row = match app.store.definition(&survey, Some(version), false).await {
        Ok(Some(row)) if principal.scope().allows(&row.dealer) => row,
        Ok(_) => {
            return refusal(
                StatusCode::NOT_FOUND,
                "没有这个问卷，或您无权查看。",
                "No such questionnaire, or not one you may see.",
            )
        }
        Err(e) => {
            tracing::error!("preview: read the questionnaire: {e}");
            return refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                "暂时无法读取问卷，请稍后再试。",
                "The questionnaire could not be read; try again shortly.",
            );
        }
    };
    let base = format!("/v1/definitions/{}/{}", row.survey, row.version);
    let (status_zh, status_en) = if row.status == "published" {
        ("已发布", "published")
    } else {
        ("草稿", "draft")
    };
    let headers = serde_json::json!({ "X-CSRF-Token": csrf }).to_string();
    let body = format!(
        "<p role=\"note\">预览：{survey} 第 {version} 版（{status_zh}）。\
         答案会计分，但不保存。 <span lang=\"en\">Preview of {survey} version {version} \
         ({status_en}): answers are scored, never stored.</span></p>\n\
         <div data-survey-widget data-definition=\"{base}\" data-endpoint=\"{base}/preview\" \
         data-endpoint-headers=\"{headers}\" data-dealer=\"{dealer}\">\n<noscript>请启用 \
         JavaScript。 <span lang=\"en\">Please enable JavaScript.</span></noscript>\n</div>",
        survey = escape(&row.survey),
        version = row.version,
        base = escape(&base),
        headers = escape(&headers),
        dealer = escape(&row.dealer),
    );
    page(StatusCode::OK, "问卷预览 · Questionnaire preview", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_takes_a_survey_and_its_version() {
        assert_eq!(params("survey=mine&version=3"), Ok(("mine".into(), 3)));
        for bad in [
            "",
            "survey=mine",
            "survey=mine&version=x",
            "survey=mine&version=1&version=2",
            "survey=%3Cscript%3E&version=1",
            "survey=mine&version=1&x=1",
        ] {
            assert!(params(bad).is_err(), "{bad:?}");
        }
    }
}
