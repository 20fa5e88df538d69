//! `/v1/kiosks`: kiosk device keys ([`crate::kiosks`]), issued, listed and revoked by a
//! group admin, a dealer's manager (session + `X-CSRF-Token`) or the dealer's system
//! with a `write` API token, for their own dealers. The key is shown once, in the
//! answer that issues it, and stored only as a hash.

use crate::app::Shared;
use crate::auth::principal::Principal;
use crate::auth::rule;
use crate::auth::secret;
use crate::error::ApiError;
use crate::kiosks;
use crate::store::kiosks::Which;
use crate::store::{Kiosk, NewKiosk};
use axum::extract::{Extension, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use survey_core::context::check_context_value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Create {
    dealer: String,
    station: String,
    #[serde(default)]
    label: String,
}

const EXPECTED: &str = r#"{"dealer", "station", "label"}"#;

fn forbidden(e: rule::Denied) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, e.0)
}

/// A kiosk as lists show it: never its key.
pub fn shown(k: &Kiosk) -> Value {
    json!({
        "id": k.id,
        "dealer": k.dealer,
        "station": k.station,
        "label": k.label,
        "created_by": k.created_by,
        "created_at": k.created_at,
        "revoked_at": k.revoked_at,
    })
}

/// Checks a new kiosk's fields and makes it, with its key (returned, shown once) and
/// the key's hash. Shared by the route and `collector kiosk add`.
pub fn prepare(
    dealer: &str,
    station: &str,
    label: &str,
    created_by: String,
) -> Result<(NewKiosk, String), String> {
    // Both go into each response's context, so they follow the context's one rule.
    check_context_value(dealer).map_err(|e| format!("dealer {dealer:?}: {e}"))?;
    check_context_value(station).map_err(|e| format!("station {station:?}: {e}"))?;
    let label = label.trim();
    if label.chars().count() > 100 || label.chars().any(char::is_control) {
        return Err("label: at most 100 characters on one line".into());
    }
    let key = kiosks::new_key();
    let kiosk = Kiosk {
        id: crate::ids::new_id(),
        dealer: dealer.to_string(),
        station: station.to_string(),
        label: label.to_string(),
        created_by,
        created_at: crate::clock::now_rfc3339(),
        revoked_at: None,
    };
    let key_hash = secret::digest(&key);
    Ok((NewKiosk { kiosk, key_hash }, key))
}

/// `POST /v1/kiosks` `{"dealer","station","label"}` → 201 with the key and the
/// address that pairs a tablet, neither of which is shown again.
pub async fn create(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    body: Result<Json<Create>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    principal.check_csrf(&headers)?;
    let req = super::json_body(body, EXPECTED)?;
    rule::kiosks(&principal.caller, Some(&req.dealer)).map_err(forbidden)?;
    let (new, key) = prepare(
        &req.dealer,
        &req.station,
        &req.label,
        crate::privacy::actor(&principal),
    )
    .map_err(ApiError::bad_request)?;
    app.db("issue the kiosk key", app.store.create_kiosk(new.clone()))
        .await?;
    let k = &new.kiosk;
    tracing::info!(kiosk = %k.id, "kiosk key issued");
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "id": k.id,
            "key": key,
            "dealer": k.dealer,
            "station": k.station,
            "label": k.label,
            "created_at": k.created_at,
            "pair_path": kiosks::pairing_path(&key, &k.station),
            "note": "open pair_path once on the tablet, or copy the key now: it is not shown again",
        })),
    )
        .into_response())
}

/// `GET /v1/kiosks`: the kiosks of the caller's dealers, revoked ones too (never a key).
pub async fn list(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
) -> Result<Response, ApiError> {
    let dealers = principal.scope().listed();
    let all = app
        .db(
            "list the kiosks",
            app.store.kiosks(Which::All, dealers.as_deref()),
        )
        .await?;
    Ok(Json(json!({ "items": all.iter().map(shown).collect::<Vec<_>>() })).into_response())
}

/// `DELETE /v1/kiosks/{id}`: revokes a kiosk's key at once; its next post is stored
/// unverified (never lost).
pub async fn revoke(
    State(app): State<Shared>,
    Extension(principal): Extension<Principal>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    principal.check_csrf(&headers)?;
    let found = app
        .db(
            "find the kiosk",
            app.store.kiosks(Which::Id(id.clone()), None),
        )
        .await?;
    let Some(kiosk) = found.into_iter().next() else {
        return Err(ApiError::not_found());
    };
    rule::kiosks(&principal.caller, Some(&kiosk.dealer)).map_err(forbidden)?;
    let now = crate::clock::now_rfc3339();
    if !app
        .db("revoke the kiosk key", app.store.revoke_kiosk(&id, &now))
        .await?
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "this kiosk's key was already revoked",
        ));
    }
    tracing::info!(kiosk = %id, "kiosk key revoked");
    Ok(StatusCode::NO_CONTENT)
}
