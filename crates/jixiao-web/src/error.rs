//! The web layer's one error type. 4xx carry text safe to show; internals are logged and the
//! page says only that something failed.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use crate::i18n::Locale;

/// What a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No such page or record (or one the user may not see).
    #[error("not found")]
    NotFound,
    /// Logged in, but not allowed (or a forged form).
    #[error("forbidden")]
    Forbidden,
    /// The request is malformed; the text is shown.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Logged in and allowed to see, but this act is someone else's; the text says whose.
    #[error("refused: {0}")]
    Refused(String),
    /// Anything else; logged, never shown.
    #[error("internal: {0}")]
    Internal(String),
}

impl From<jixiao_store::StoreError> for WebError {
    fn from(e: jixiao_store::StoreError) -> Self {
        use jixiao_store::StoreError;
        match e {
            // Something the user asked for that cannot be done: said as the store says it.
            StoreError::Invalid(msg) => WebError::BadRequest(msg),
            e @ (StoreError::Duplicate(_) | StoreError::WrongState { .. }) => {
                WebError::BadRequest(e.to_string())
            }
            StoreError::NotFound(_) => WebError::NotFound,
            other => WebError::Internal(other.to_string()),
        }
    }
}

impl From<crate::scores::ScoreError> for WebError {
    fn from(e: crate::scores::ScoreError) -> Self {
        WebError::Internal(e.to_string())
    }
}

impl From<jixiao_app::secrets::SecretError> for WebError {
    fn from(e: jixiao_app::secrets::SecretError) -> Self {
        WebError::Internal(e.to_string())
    }
}

impl From<askama::Error> for WebError {
    fn from(e: askama::Error) -> Self {
        WebError::Internal(format!("template: {e}"))
    }
}

/// An error with the locale to show it in.
pub struct LocalizedError(pub Locale, pub WebError);

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    f: crate::views::Frame,
    message: &'a str,
    detail: &'a str,
}

impl IntoResponse for LocalizedError {
    fn into_response(self) -> Response {
        let LocalizedError(locale, err) = self;
        let t = locale.catalog();
        let (code, message, detail) = match &err {
            WebError::NotFound => (StatusCode::NOT_FOUND, t.get("error.not_found"), ""),
            WebError::Forbidden => (StatusCode::FORBIDDEN, t.get("error.forbidden"), ""),
            WebError::Refused(why) => (
                StatusCode::FORBIDDEN,
                t.get("error.forbidden"),
                why.as_str(),
            ),
            WebError::BadRequest(why) => (
                StatusCode::BAD_REQUEST,
                t.get("error.bad_request"),
                why.as_str(),
            ),
            WebError::Internal(internal) => {
                tracing::error!(error = %internal, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    t.get("error.internal"),
                    "",
                )
            }
        };
        let page = ErrorPage {
            f: crate::views::Frame::home(locale),
            message,
            detail,
        };
        match page.render() {
            Ok(html) => (code, Html(html)).into_response(),
            Err(_) => (code, message.to_string()).into_response(),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        LocalizedError(Locale::default(), self).into_response()
    }
}
