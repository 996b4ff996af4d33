//! The one error shape every route answers with: `{"error", "field", "allowed"}` and a status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// A refused request: the status, a sentence, and for a bad value the field at fault and what
/// it may be.
#[derive(Debug, Serialize)]
pub struct ApiError {
    #[serde(skip)]
    pub status: StatusCode,
    pub error: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<String>,
}

impl ApiError {
    /// 400: `field` holds `got`, which is not `allowed`.
    pub fn bad_value(field: &str, allowed: &str, got: &serde_json::Value) -> Self {
        let mut shown = got.to_string();
        if shown.len() > 40 {
            let cut = (0..=40)
                .rev()
                .find(|&i| shown.is_char_boundary(i))
                .unwrap_or(0);
            shown.truncate(cut);
            shown.push('…');
        }
        ApiError::invalid(
            field,
            allowed,
            format!("{field} must be {allowed}, got {shown}"),
        )
    }

    /// 400: `field` is at fault, as `error` says; it may be `allowed`.
    pub fn invalid(field: &str, allowed: &str, error: String) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            error,
            field: Some(field.to_string()),
            allowed: Some(allowed.to_string()),
        }
    }

    /// A refusal that names no single field.
    pub fn new(status: StatusCode, error: impl Into<String>) -> Self {
        ApiError {
            status,
            error: error.into(),
            field: None,
            allowed: None,
        }
    }

    /// 404 for a session id that is not (or no longer) there.
    pub fn no_session(id: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            format!(
                "no session `{id}`: it expired or never existed; create one with POST /api/sessions"
            ),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(&self)).into_response()
    }
}
