//! Posting a response to the configured endpoint.

use crate::services::http;
use std::fmt;
use survey_core::ResponsePayload;

/// Why a response did not reach the endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// No answer at all (offline, DNS, CORS refused, connection reset).
    Network(String),
    /// The endpoint answered with a status that is not success.
    Status { status: u16, reason: String },
    /// The payload could not be encoded (a bug, not a customer's fault).
    Encode(String),
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeliveryError::Network(e) => write!(f, "network error: {e}"),
            DeliveryError::Status { status, reason } => {
                write!(f, "endpoint answered {status}: {reason}")
            }
            DeliveryError::Encode(e) => write!(f, "could not encode the response: {e}"),
        }
    }
}

/// Posts one response. The response id doubles as the idempotency key, so sending
/// the same response twice is stored once.
pub async fn post(endpoint: &str, payload: &ResponsePayload) -> Result<(), DeliveryError> {
    let body = serde_json::to_string(payload).map_err(|e| DeliveryError::Encode(e.to_string()))?;
    let headers = [
        ("Idempotency-Key", payload.id.as_str()),
        ("Content-Type", "application/json"),
    ];
    let response = http::send("POST", endpoint, &headers, Some(&body))
        .await
        .map_err(DeliveryError::Network)?;
    if response.ok() {
        Ok(())
    } else {
        let reason = http::text(&response).await.unwrap_or_default();
        Err(DeliveryError::Status {
            status: response.status(),
            reason: reason.chars().take(300).collect(),
        })
    }
}
