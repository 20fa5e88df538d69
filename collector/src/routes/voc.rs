//! `GET /v1/voc?survey=…&<filter>`: the VOC tally ([`crate::voc`]) of the rows the one
//! query module's filter selects ([`crate::query`], `Shape::Filter`; verified responses
//! only unless `verified=` says otherwise), per local month of its range (`from=`/`to=`
//! or a period, in the dealer's zone as every report), counted by the database; with
//! the last month's newest comments behind each row. `survey=` is required: a reason
//! of one questionnaire is not another's.

use crate::app::Shared;
use crate::auth::rule::Resource;
use crate::auth::Principal;
use crate::error::ApiError;
use crate::query::Shape;
use axum::extract::{Extension, State};
use axum::http::{header, Uri};
use axum::response::IntoResponse;

pub async fn get(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    uri: Uri,
) -> Result<impl IntoResponse, ApiError> {
    let (q, _, zones) =
        super::read_query(&app, &uri, Shape::Filter, &principal, Resource::Responses).await?;
    if q.filter.survey.is_none() {
        return Err(ApiError::bad_request(
            "name the survey (survey=post-service or survey=post-call): the reasons of \
             different questionnaires are not pooled",
        ));
    }
    let starts = crate::query::month_starts(&q, &zones, crate::clock::now())
        .map_err(ApiError::bad_request)?;
    let tally = app
        .db("read the VOC tally", app.store.voc(&q.filter, &starts))
        .await?;
    let months: Vec<String> = starts.iter().map(|(m, _)| m.clone()).collect();
    let mut reply = crate::voc::reply(&months, &tally);
    reply["filter"] = q.echo;
    Ok(([(header::CACHE_CONTROL, "no-store")], axum::Json(reply)))
}
