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
    heading: &'a str,
    message: &'a str,
    detail: &'a str,
    /// A same-site page to go back to (the form or list the user came from).
    back: Option<String>,
}

/// What an error response showed, kept on the response so that [`error_pages`] can show it
/// again in the request's frame (the logged-in header, the way back).
#[derive(Debug, Clone)]
pub(crate) struct Shown {
    code: StatusCode,
    kind: &'static str,
    detail: String,
}

impl WebError {
    /// The status, the catalogue's key of the kind of failure, and the text safe to show.
    fn shown(&self) -> Shown {
        let (code, kind, detail) = match self {
            WebError::NotFound => (StatusCode::NOT_FOUND, "not_found", String::new()),
            WebError::Forbidden => (StatusCode::FORBIDDEN, "forbidden", String::new()),
            WebError::Refused(why) => (StatusCode::FORBIDDEN, "refused", why.clone()),
            WebError::BadRequest(why) => (StatusCode::BAD_REQUEST, "bad_request", why.clone()),
            WebError::Internal(internal) => {
                tracing::error!(error = %internal, "request failed");
                (StatusCode::INTERNAL_SERVER_ERROR, "internal", String::new())
            }
        };
        Shown { code, kind, detail }
    }
}

/// The error page of `shown` in `f`, with `back` as the way back.
fn error_page(f: crate::views::Frame, shown: &Shown, back: Option<String>) -> Response {
    let t = f.t;
    let heading = t.get(match shown.kind {
        "not_found" => "error.heading.not_found",
        "forbidden" | "refused" => "error.heading.forbidden",
        "bad_request" => "error.heading.bad_request",
        _ => "error.title",
    });
    let message = t.get(match shown.kind {
        "not_found" => "error.not_found",
        "forbidden" => "error.forbidden",
        "refused" => "error.refused",
        "bad_request" => "error.bad_request",
        _ => "error.internal",
    });
    let page = ErrorPage {
        f,
        heading,
        message,
        detail: &shown.detail,
        back,
    };
    let mut resp = match page.render() {
        Ok(html) => (shown.code, Html(html)).into_response(),
        Err(_) => (shown.code, message.to_string()).into_response(),
    };
    resp.extensions_mut().insert(shown.clone());
    resp
}

impl IntoResponse for LocalizedError {
    fn into_response(self) -> Response {
        let LocalizedError(locale, err) = self;
        error_page(crate::views::Frame::home(locale), &err.shown(), None)
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        LocalizedError(Locale::default(), self).into_response()
    }
}

/// Shows every error page of the HTML app again in the request's own frame: in the request's
/// locale, with the logged-in header (name, 退出) when there is a session, and a link back to
/// the same-site page the user came from (`Referer`, checked by [`back_path`]). Handlers raise
/// errors without knowing the session; this layer is the one place that dresses them. The
/// JSON API answers problems and is left alone.
pub(crate) async fn error_pages(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::extract::FromRequestParts;
    if req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let Ok(locale) = Locale::from_request_parts(&mut parts, &()).await;
    let headers = parts.headers.clone();
    let uri = parts.uri.clone();
    let is_get = parts.method == axum::http::Method::GET;
    let resp = next
        .run(axum::extract::Request::from_parts(parts, body))
        .await;
    let Some(shown) = resp.extensions().get::<Shown>().cloned() else {
        return resp;
    };
    // A session that cannot be read (the database is down) shows the page without it.
    let session = crate::auth::session_of(&state, &headers)
        .await
        .ok()
        .flatten();
    let back = back_path(&headers, &uri);
    // The language switch comes back to this page when it can be asked again (a GET), else to
    // the page the user came from.
    let here = if is_get {
        uri.clone()
    } else {
        back.as_deref()
            .unwrap_or("/")
            .parse()
            .unwrap_or_else(|_| axum::http::Uri::from_static("/"))
    };
    let f = crate::views::Frame::new(locale, &axum::extract::OriginalUri(here), session.as_ref());
    let mut page = error_page(f, &shown, back);
    // What the middleware in front of the handler set (cookies, cache headers) stays.
    for (name, value) in resp.headers() {
        if name != axum::http::header::CONTENT_LENGTH && name != axum::http::header::CONTENT_TYPE {
            page.headers_mut().append(name.clone(), value.clone());
        }
    }
    page
}

/// The page the user came from, when the `Referer` names this site: its local path and query
/// (through [`crate::auth::local_path`]: no other host, no control character), and never the
/// failed URL itself or the start page (the page always links home).
pub(crate) fn back_path(headers: &axum::http::HeaderMap, uri: &axum::http::Uri) -> Option<String> {
    let referer = headers.get(axum::http::header::REFERER)?.to_str().ok()?;
    let host = headers.get(axum::http::header::HOST)?.to_str().ok()?;
    let rest = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, "/"),
    };
    if !authority.eq_ignore_ascii_case(host) {
        return None;
    }
    let path = path.split('#').next().unwrap_or("/");
    let local = crate::auth::local_path(Some(path));
    let failed = uri.path_and_query().map(|pq| pq.as_str()).unwrap_or("");
    (local != "/" && local != failed).then_some(local)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(referer: &str) -> axum::http::HeaderMap {
        let mut h = axum::http::HeaderMap::new();
        h.insert("host", "jx.example:8080".parse().unwrap());
        h.insert("referer", referer.parse().unwrap());
        h
    }

    #[test]
    fn the_way_back_is_a_path_of_this_site_only() {
        let here = axum::http::Uri::from_static("/reports/7/review");
        let back = |r: &str| back_path(&headers(r), &here);
        assert_eq!(
            back("http://jx.example:8080/tasks/7?period=2022Q3").as_deref(),
            Some("/tasks/7?period=2022Q3")
        );
        assert_eq!(
            back("https://jx.example:8080/admin#users").as_deref(),
            Some("/admin")
        );
        // Another site, a look-alike host, a scheme-relative or backslashed path: none.
        assert_eq!(back("http://evil.example/tasks/7"), None);
        assert_eq!(back("http://jx.example:8080.evil.example/tasks/7"), None);
        assert_eq!(back("http://jx.example:8080//evil.example/x"), None);
        assert_eq!(back("http://jx.example:8080/\\evil.example"), None);
        assert_eq!(back("javascript:alert(1)"), None);
        // The failed URL itself and the start page add nothing to 返回首页.
        assert_eq!(back("http://jx.example:8080/reports/7/review"), None);
        assert_eq!(back("http://jx.example:8080/"), None);
    }
}
