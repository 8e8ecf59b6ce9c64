//! Who calls the API, and the request parts read as JSON, query and path with errors as
//! problems (never axum's plain-text rejections).
//!
//! A caller is a personal API token (`Authorization: Bearer jx_…`), bound at each request to
//! its user's role and units, or the browser session (cookie) — then a state-changing request
//! must carry the session's CSRF token in `X-CSRF-Token`. Tokens are rate-limited per token.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{Method, StatusCode, header};
use serde::de::DeserializeOwned;
use std::num::NonZeroU32;
use std::sync::Arc;

use super::problem::Problem;
use crate::AppState;
use crate::auth::{self, Session};

pub use jixiao_app::secrets::{Scope, TOKEN_PREFIX};

/// Per-token request budgets (in memory, so per instance).
#[derive(Clone)]
pub struct ApiLimiter {
    limiter: Arc<governor::DefaultKeyedRateLimiter<i64>>,
    per_minute: u32,
}

impl ApiLimiter {
    /// `n` requests a minute per token, in bursts of up to `n`.
    pub fn per_minute(n: u32) -> ApiLimiter {
        let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        ApiLimiter {
            limiter: Arc::new(governor::RateLimiter::keyed(governor::Quota::per_minute(n))),
            per_minute: n.get(),
        }
    }

    /// Takes one request from the token's budget; on refusal, the seconds to wait.
    fn check(&self, token_id: i64) -> Result<(), u64> {
        use governor::clock::{Clock, DefaultClock};
        self.limiter.check_key(&token_id).map_err(|not_until| {
            not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1)
        })
    }
}

impl Default for ApiLimiter {
    /// 600 requests a minute per token.
    fn default() -> ApiLimiter {
        ApiLimiter::per_minute(600)
    }
}

impl std::fmt::Debug for ApiLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiLimiter({}/min)", self.per_minute)
    }
}

/// The caller of an API request: a session (the user, units in reach) and what it may do.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user and the units in reach.
    pub session: Session,
    /// Read or write.
    pub scope: Scope,
    /// The token, when one was used.
    pub token_id: Option<i64>,
}

impl Caller {
    /// Refuses a read-only token.
    pub fn require_write(&self) -> Result<(), Problem> {
        match self.scope {
            Scope::Write => Ok(()),
            Scope::Read => Err(Problem::new(StatusCode::FORBIDDEN, "insufficient_scope")
                .detail("此令牌只读 / this token is read-only")),
        }
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Problem> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            });
        if let Some(token) = bearer {
            let token = token.trim();
            let invalid = || Problem::new(StatusCode::UNAUTHORIZED, "invalid_token");
            if !token.starts_with(TOKEN_PREFIX) {
                return Err(invalid());
            }
            let (record, user) = state
                .store
                .token_user(&auth::token_hash(token))
                .await?
                .ok_or_else(invalid)?;
            if let Err(secs) = state.config.api_limiter.check(record.id) {
                return Err(Problem {
                    retry_after: Some(secs),
                    ..Problem::new(StatusCode::TOO_MANY_REQUESTS, "rate_limited")
                        .detail(format!("{} 秒后再试 / retry in {secs} s", secs))
                });
            }
            let minute = chrono::Utc::now().format("%Y-%m-%dT%H:%M").to_string();
            if record.last_used_at.as_deref().and_then(|t| t.get(..16)) != Some(minute.as_str()) {
                let (store, id) = (state.store.clone(), record.id);
                tokio::spawn(async move {
                    if let Err(e) = store.touch_token(id).await {
                        tracing::debug!(error = %e, "token use not noted");
                    }
                });
            }
            // A token caller has no form to carry a CSRF token; no value matches this one.
            let csrf = auth::new_token().map_err(Problem::from)?;
            return Ok(Caller {
                session: Session::of(&state.store, user, csrf, auth::token_hash(token)).await?,
                scope: Scope::parse(&record.scope).unwrap_or(Scope::Read),
                token_id: Some(record.id),
            });
        }
        let session = auth::session_of(state, &parts.headers)
            .await?
            .ok_or_else(|| Problem::new(StatusCode::UNAUTHORIZED, "unauthenticated"))?;
        if auth::password_due(&session.user, state) {
            return Err(
                Problem::new(StatusCode::FORBIDDEN, "password_change_required")
                    .detail("请先在“我的账户”中修改密码 / change your password first"),
            );
        }
        let safe = matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if !safe {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            if session.check_csrf(sent).is_err() {
                return Err(Problem::new(StatusCode::FORBIDDEN, "csrf_required")
                    .detail("浏览器会话写入须带 X-CSRF-Token 请求头"));
            }
        }
        Ok(Caller {
            session,
            scope: Scope::Write,
            token_id: None,
        })
    }
}

/// A JSON body; a missing content type is 415, malformed JSON 400, wrong fields 422.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        use axum::extract::rejection::JsonRejection;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(JsonRejection::MissingJsonContentType(_)) => Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
            )
            .detail("Content-Type 须为 application/json")),
            Err(JsonRejection::JsonDataError(e)) => Err(Problem::invalid(e.body_text())),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Err(Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large")
                    .detail("请求体过大 / the body is too large"))
            }
            Err(e) => Err(Problem::bad_request(e.body_text())),
        }
    }
}

/// Query parameters; malformed ones are 400.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Query(v)| ApiQuery(v))
            .map_err(|e| Problem::bad_request(e.body_text()))
    }
}

/// Path parameters; malformed ones (an id that is no number) are 400.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| ApiPath(v))
            .map_err(|e| Problem::bad_request(e.body_text()))
    }
}
