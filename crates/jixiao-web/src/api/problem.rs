//! Errors of the API as `application/problem+json` (RFC 9457) with a stable `code`: scripts
//! branch on the code; people read the title (Chinese, or English when the request's
//! `Accept-Language` prefers it) and the detail. Internals are logged, never shown.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Locale;

/// An API error: an HTTP status, a stable code and an optional detail.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// The status.
    pub status: StatusCode,
    /// The stable code, e.g. `version_conflict`.
    pub code: &'static str,
    /// What exactly, for people (field names, limits).
    pub detail: Option<String>,
    /// On a conflict: the version stored now.
    pub current_version: Option<i64>,
    /// On a rate limit: seconds to wait.
    pub retry_after: Option<u64>,
}

/// The body of every API error (RFC 9457 problem details).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Problem)]
pub struct ProblemBody {
    /// `urn:jixiao:problem:CODE`.
    #[serde(rename = "type")]
    pub kind: String,
    /// 简短说明 / a short title.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// 稳定的错误代码 / the stable error code.
    pub code: String,
    /// 详情 / details.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// 冲突时当前版本 / on a conflict, the version stored now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

impl Problem {
    /// A problem without detail.
    pub fn new(status: StatusCode, code: &'static str) -> Problem {
        Problem {
            status,
            code,
            detail: None,
            current_version: None,
            retry_after: None,
        }
    }

    /// The same with a detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Problem {
        self.detail = Some(detail.into());
        self
    }

    /// 404: no such record, or one the caller may not see.
    pub fn not_found() -> Problem {
        Problem::new(StatusCode::NOT_FOUND, "not_found")
    }

    /// 403: the role may not do this.
    pub fn forbidden() -> Problem {
        Problem::new(StatusCode::FORBIDDEN, "forbidden")
    }

    /// 400: a malformed request (query, path, JSON).
    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, "invalid_request").detail(detail)
    }

    /// 422: well-formed but not acceptable (empty text, out of range …).
    pub fn invalid(detail: impl Into<String>) -> Problem {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").detail(detail)
    }

    /// 500: logged here; the caller learns only that it failed.
    pub fn internal(internal: impl std::fmt::Display) -> Problem {
        tracing::error!(error = %internal, "api request failed");
        Problem::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    }

    /// The body in a locale.
    pub fn body(&self, locale: Locale) -> ProblemBody {
        let key = format!("api.problem.{}", self.code);
        let t = locale.catalog();
        let title = t.get(&key);
        ProblemBody {
            kind: format!("urn:jixiao:problem:{}", self.code),
            title: if title == key {
                self.code.to_string()
            } else {
                title.to_string()
            },
            status: self.status.as_u16(),
            code: self.code.to_string(),
            detail: self.detail.clone(),
            current_version: self.current_version,
        }
    }

    /// The response in a locale.
    pub fn response(&self, locale: Locale) -> Response {
        let body = serde_json::to_vec(&self.body(locale)).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(secs) = self.retry_after
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            res.headers_mut().insert(header::RETRY_AFTER, v);
        }
        if self.status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"jixiao\""),
            );
        }
        res
    }
}

impl IntoResponse for Problem {
    /// Chinese by default; the API's middleware re-renders it in the request's language.
    fn into_response(self) -> Response {
        let mut res = self.response(Locale::Zh);
        res.extensions_mut().insert(self);
        res
    }
}

impl From<jixiao_store::StoreError> for Problem {
    fn from(e: jixiao_store::StoreError) -> Problem {
        use jixiao_store::StoreError;
        match e {
            StoreError::Conflict { current } => Problem {
                current_version: Some(current),
                ..Problem::new(StatusCode::CONFLICT, "version_conflict")
                    .detail(format!("当前版本为 {current}"))
            },
            StoreError::WrongState { state, action } => {
                Problem::new(StatusCode::CONFLICT, "wrong_state")
                    .detail(format!("当前状态「{state}」下不能{action}"))
            }
            StoreError::NotFound(_) => Problem::not_found(),
            StoreError::Duplicate(name) => {
                Problem::new(StatusCode::CONFLICT, "duplicate").detail(format!("「{name}」已存在"))
            }
            StoreError::Invalid(msg) => Problem::invalid(msg),
            e @ StoreError::WouldReplace { .. } => {
                Problem::new(StatusCode::CONFLICT, "would_replace")
                    .detail(format!("{e}；如要替换，请以 replace=true 确认"))
            }
            other => Problem::internal(other),
        }
    }
}

impl From<jixiao_app::reports::ReviewError> for Problem {
    fn from(e: jixiao_app::reports::ReviewError) -> Problem {
        use jixiao_app::reports::ReviewError;
        match e {
            ReviewError::NotWaiting => Problem::new(StatusCode::CONFLICT, "wrong_state").detail(
                "该报告不在等待此步审核，可能已被他人处理 / the report is not waiting for this \
                 step; someone may have decided it",
            ),
            e @ ReviewError::NotYours(_) => Problem::forbidden().detail(e.to_string()),
            ReviewError::Store(e) => e.into(),
        }
    }
}

impl From<jixiao_app::secrets::SecretError> for Problem {
    fn from(e: jixiao_app::secrets::SecretError) -> Problem {
        Problem::internal(e)
    }
}

impl From<crate::WebError> for Problem {
    fn from(e: crate::WebError) -> Problem {
        match e {
            crate::WebError::NotFound => Problem::not_found(),
            crate::WebError::Forbidden => Problem::forbidden(),
            crate::WebError::Refused(d) => Problem::forbidden().detail(d),
            crate::WebError::BadRequest(d) => Problem::invalid(d),
            crate::WebError::Internal(i) => Problem::internal(i),
        }
    }
}

/// Re-renders a problem in the language the request prefers (`Accept-Language`).
pub(crate) async fn localize(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let locale = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Locale::from_accept_language)
        .unwrap_or_default();
    let res = next.run(req).await;
    match (locale, res.extensions().get::<Problem>()) {
        (Locale::En, Some(p)) => p.response(locale),
        _ => res,
    }
}
