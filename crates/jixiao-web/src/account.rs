//! Login, logout (here or everywhere) and the account page.

use askama::Template;
use axum::Form;
use axum::extract::{OriginalUri, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Duration, SecondsFormat, Utc};
use jixiao_store::LoginAttempt;
use serde::Deserialize;

use crate::auth::{self, LOGIN_CSRF_COOKIE, SESSION_COOKIE, Session};
use crate::error::LocalizedError;
use crate::i18n::{LANG_COOKIE, Locale};
use crate::views::Frame;
use crate::{AppState, WebError};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    f: Frame,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub(crate) struct NextQuery {
    next: Option<String>,
}

fn login_page(
    state: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    next: &str,
    username: &str,
    error: Option<String>,
) -> Response {
    let token = match auth::new_token() {
        Ok(t) => t,
        Err(e) => return LocalizedError(locale, e.into()).into_response(),
    };
    let page = LoginPage {
        f: Frame::new(locale, uri, None),
        csrf: token.clone(),
        next: auth::local_path(Some(next)),
        username: username.to_string(),
        error,
    };
    let html = match page.render() {
        Ok(h) => h,
        Err(e) => return LocalizedError(locale, e.into()).into_response(),
    };
    let cookie = auth::set_cookie(LOGIN_CSRF_COOKIE, &token, 3600, state.config.secure_cookies);
    let mut resp = axum::response::Html(html).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub(crate) async fn login_form(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    Query(q): Query<NextQuery>,
) -> Response {
    login_page(&s, locale, &uri, q.next.as_deref().unwrap_or("/"), "", None)
}

#[derive(Deserialize)]
pub(crate) struct LoginForm {
    csrf: String,
    next: Option<String>,
    username: String,
    password: String,
}

pub(crate) async fn login(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    headers: HeaderMap,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    Form(form): Form<LoginForm>,
) -> Response {
    let t = locale.catalog();
    let next = auth::local_path(form.next.as_deref());
    let fail = |msg: String| login_page(&s, locale, &uri, &next, &form.username, Some(msg));
    let ip = peer
        .map(|axum::Extension(c)| auth::client_ip(c.0.ip(), &headers, &s.config.trusted_proxies));
    // The attempt is counted against its address before anything is checked (a flood of
    // concurrent attempts cannot all pass first); a success takes it back.
    if let Some(ip) = ip
        && let Err(secs) = s.config.login_guard.reserve(ip)
    {
        tracing::warn!(?ip, "login refused: too many failures from this address");
        let minutes = secs.div_ceil(60).to_string();
        let mut page = fail(t.fill("login.address_wait", &[("minutes", &minutes)]));
        *page.status_mut() = axum::http::StatusCode::TOO_MANY_REQUESTS;
        return page;
    }

    // Every outcome is a security event in the audit log (等保: login success and failure,
    // with the source address); a failure to record it is logged, never shown.
    let source = ip.map(|ip| ip.to_string());
    let event = |user: Option<i64>, name: String, action: &'static str, outcome: &'static str| {
        let store = s.store.clone();
        let source = source.clone();
        async move {
            if let Err(e) = store
                .record_security_event(user, &name, action, source.as_deref(), outcome)
                .await
            {
                tracing::error!(error = %e, "security event not recorded");
            }
        }
    };
    let cookie_token = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if cookie_token.is_empty() || !auth::same_secret(cookie_token, &form.csrf) {
        return fail(t.get("login.expired").to_string());
    }
    let username = form.username.trim().to_ascii_lowercase();
    let found = match s.store.user_for_login(&username).await {
        Ok(f) => f,
        Err(e) => return LocalizedError(locale, e.into()).into_response(),
    };
    let Some((user, hash)) = found.filter(|(u, _)| u.active == 1) else {
        // Spend the same time as a real check, so timing does not tell which names exist.
        let _ = auth::verify_password(form.password.clone(), DUMMY_HASH.clone()).await;
        event(
            None,
            username.clone(),
            "login.failure",
            "unknown_or_inactive",
        )
        .await;
        return fail(t.get("login.failed").to_string());
    };
    let now = Utc::now();
    let stamp = |d: chrono::DateTime<Utc>| d.to_rfc3339_opts(SecondsFormat::Millis, true);
    // The attempt is reserved (and counted) in the database before the password is hashed:
    // three hundred concurrent guesses get five checks between them, on every instance.
    let lock_until = stamp(now + Duration::minutes(auth::LOCK_MINUTES));
    let attempt = match s
        .store
        .reserve_login_attempt(user.id, auth::LOCK_AFTER, &stamp(now), &lock_until)
        .await
    {
        Ok(a) => a,
        Err(e) => return LocalizedError(locale, e.into()).into_response(),
    };
    let attempt = match attempt {
        LoginAttempt::Reserved { attempt } => attempt,
        LoginAttempt::Locked { .. } => {
            event(
                Some(user.id),
                user.username.clone(),
                "login.failure",
                "locked",
            )
            .await;
            tracing::warn!(user = %user.username, "login refused: account locked");
            // One message for every failure: it does not tell a locked account from an
            // unknown name or a wrong password.
            return fail(t.get("login.failed").to_string());
        }
    };
    if !auth::verify_password(form.password.clone(), hash).await {
        tracing::warn!(user = %user.username, attempt, "failed login");
        event(
            Some(user.id),
            user.username.clone(),
            "login.failure",
            "wrong_password",
        )
        .await;
        return fail(t.get("login.failed").to_string());
    }
    let (token, csrf) = match (auth::new_token(), auth::new_token()) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => return LocalizedError(locale, e.into()).into_response(),
    };
    let expires = stamp(now + Duration::hours(auth::SESSION_HOURS));
    if let Err(e) = s
        .store
        .create_session(user.id, &auth::token_hash(&token), &csrf, &expires)
        .await
    {
        return LocalizedError(locale, e.into()).into_response();
    }
    if let Some(ip) = ip {
        s.config.login_guard.succeeded(ip);
    }
    tracing::info!(user = %user.username, "login");
    event(Some(user.id), user.username.clone(), "login.success", "ok").await;
    let secure = s.config.secure_cookies;
    let mut resp = Redirect::to(&next).into_response();
    let mut cookies = vec![
        auth::set_cookie(SESSION_COOKIE, &token, auth::SESSION_HOURS * 3600, secure),
        auth::set_cookie(LOGIN_CSRF_COOKIE, "", 0, secure),
    ];
    if let Some(l) = user.locale.as_deref().and_then(Locale::parse) {
        cookies.push(auth::set_cookie(LANG_COOKIE, l.tag(), 31_536_000, secure));
    }
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            resp.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    resp
}

/// A real argon2id hash, checked when the user does not exist.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| password_auth::generate_hash("no such user"));

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    csrf: String,
}

fn logged_out(secure: bool) -> Response {
    let mut resp = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(SESSION_COOKIE, "", 0, secure)) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    resp
}

pub(crate) async fn logout(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(e) = session.check_csrf(&form.csrf) {
        return LocalizedError(locale, e).into_response();
    }
    if let Err(e) = s.store.delete_session(&session.token_hash).await {
        return LocalizedError(locale, e.into()).into_response();
    }
    if let Err(e) = s
        .store
        .record_security_event(
            Some(session.user.id),
            &session.user.username,
            "logout",
            None,
            "ok",
        )
        .await
    {
        tracing::error!(error = %e, "security event not recorded");
    }
    logged_out(s.config.secure_cookies)
}

pub(crate) async fn logout_everywhere(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Form(form): Form<CsrfForm>,
) -> Response {
    if let Err(e) = session.check_csrf(&form.csrf) {
        return LocalizedError(locale, e).into_response();
    }
    if let Err(e) = s.store.delete_sessions_of(session.user.id).await {
        return LocalizedError(locale, e.into()).into_response();
    }
    logged_out(s.config.secure_cookies)
}

struct TokenRow {
    id: i64,
    name: String,
    scope: String,
    created: String,
    last_used: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    f: Frame,
    username: String,
    role: String,
    unit: String,
    tokens: Vec<TokenRow>,
    /// A token just created: shown this once.
    new_token: Option<String>,
    /// The office set the password: the user must choose one first.
    must_change: bool,
    /// The password passed its maximum age: the user must choose another first.
    expired: bool,
    /// What happened (saved), or what is wrong with the password typed.
    notice: Option<String>,
    error: Option<String>,
    /// Where this user's 催报 e-mails go.
    email: String,
}

async fn account_page(
    s: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    new_token: Option<String>,
) -> Result<axum::response::Html<String>, LocalizedError> {
    account_page_with(s, locale, uri, session, new_token, (None, None)).await
}

async fn account_page_with(
    s: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    new_token: Option<String>,
    (notice, error): (Option<String>, Option<String>),
) -> Result<axum::response::Html<String>, LocalizedError> {
    let err = |e: WebError| LocalizedError(locale, e);
    let unit = s
        .store
        .unit(session.user.unit_id)
        .await
        .map_err(|e| err(e.into()))?
        .map(|u| u.name)
        .unwrap_or_default();
    let t = locale.catalog();
    let day = |at: &str| at.get(..16).unwrap_or(at).replace('T', " ");
    let tokens = s
        .store
        .tokens_of(session.user.id)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .map(|k| TokenRow {
            id: k.id,
            scope: t.get(&format!("token.scope.{}", k.scope)).to_string(),
            created: day(&k.created_at),
            last_used: k.last_used_at.as_deref().map(day).unwrap_or_default(),
            revoked: k.revoked_at.is_some(),
            name: k.name,
        })
        .collect();
    let page = AccountPage {
        f: Frame::new(locale, uri, Some(session)),
        username: session.user.username.clone(),
        role: t
            .get(&format!("role.{}", session.user.role().code()))
            .to_string(),
        unit,
        tokens,
        new_token,
        must_change: session.user.must_change_password == 1,
        expired: auth::password_expired(&session.user, s),
        notice,
        error,
        email: s
            .store
            .user_email(session.user.id)
            .await
            .map_err(|e| LocalizedError(locale, e.into()))?
            .unwrap_or_default(),
    };
    page.render()
        .map(axum::response::Html)
        .map_err(|e| err(e.into()))
}

#[derive(Deserialize)]
pub(crate) struct AccountQuery {
    done: Option<String>,
}

pub(crate) async fn account(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Query(q): Query<AccountQuery>,
) -> Result<axum::response::Html<String>, LocalizedError> {
    let notice = match q.done.as_deref() {
        Some("password") => Some(locale.catalog().get("password.done").to_string()),
        Some("email") => Some(locale.catalog().get("account.email.done").to_string()),
        _ => None,
    };
    account_page_with(&s, locale, &uri, &session, None, (notice, None)).await
}

/// Whether `password` is one the user replaced lately (等保: no reuse of the last five).
async fn used_before(s: &AppState, user_id: i64, password: &str) -> Result<bool, WebError> {
    for hash in s.store.password_history(user_id).await? {
        if auth::verify_password(password.to_string(), hash).await {
            return Ok(true);
        }
    }
    Ok(false)
}

#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    csrf: String,
    current: String,
    new: String,
    repeat: String,
}

/// `POST /account/password`: the user chooses a new password, knowing the current one. The
/// policy is the domain's (`Password::for_user`); the user's other sessions end, this one stays.
pub(crate) async fn change_password(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Form(form): Form<PasswordForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        let refuse = |key: &str| Ok::<_, WebError>(Some(t.get(key).to_string()));
        let (_, hash) = s
            .store
            .user_for_login(&session.user.username)
            .await?
            .ok_or(WebError::NotFound)?;
        // A wrong current password counts like a failed login, and a locked account answers
        // nothing about it: a stolen session cannot guess its way to the password.
        let now = Utc::now();
        let stamp = |d: chrono::DateTime<Utc>| d.to_rfc3339_opts(SecondsFormat::Millis, true);
        let locked = matches!(
            s.store
                .reserve_login_attempt(
                    session.user.id,
                    auth::LOCK_AFTER,
                    &stamp(now),
                    &stamp(now + Duration::minutes(auth::LOCK_MINUTES)),
                )
                .await?,
            LoginAttempt::Locked { .. }
        );
        let knows_current = !locked && auth::verify_password(form.current.clone(), hash).await;
        if knows_current {
            s.store.clear_failed_logins(session.user.id).await?;
        }
        let problem = match () {
            () if locked => refuse("password.error.locked")?,
            () if !knows_current => refuse("password.error.current")?,
            () if form.new != form.repeat => refuse("password.error.repeat")?,
            () if form.new == form.current => refuse("password.error.same")?,
            () => match jixiao_domain::access::Password::for_user(
                form.new.clone(),
                &session.user.username,
            ) {
                Err(e) => Some(e.to_string()),
                Ok(p) if used_before(&s, session.user.id, p.expose()).await? => {
                    refuse("password.error.reused")?
                }
                Ok(p) => {
                    let hash = auth::hash_password(p.expose().to_string()).await?;
                    s.store
                        .set_password_hash(
                            &session.user.actor(),
                            session.user.id,
                            &hash,
                            &jixiao_store::PasswordChange::Own {
                                keep_session: session.token_hash.clone(),
                            },
                        )
                        .await?;
                    None
                }
            },
        };
        match problem {
            None => Ok(Redirect::to("/account?done=password").into_response()),
            Some(why) => {
                // Nothing typed is shown again: these are passwords.
                let page = account_page_with(&s, locale, &uri, &session, None, (None, Some(why)))
                    .await
                    .map_err(|LocalizedError(_, e)| e)?;
                Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
            }
        }
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct TokenForm {
    csrf: String,
    name: String,
    scope: String,
}

/// `POST /account/tokens`: a personal API token, shown once on the page that answers.
pub(crate) async fn create_token(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Form(form): Form<TokenForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        let name = form.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(WebError::BadRequest(t.get("token.error.name").to_string()));
        }
        let scope = crate::api::Scope::parse(&form.scope)
            .ok_or_else(|| WebError::BadRequest(form.scope.clone()))?;
        let token = format!("{}{}", crate::api::TOKEN_PREFIX, auth::new_token()?);
        s.store
            .create_token(
                &session.user.actor(),
                session.user.id,
                name,
                scope.code(),
                &auth::token_hash(&token),
            )
            .await?;
        Ok(token)
    }
    .await;
    match result {
        Ok(token) => match account_page(&s, locale, &uri, &session, Some(token)).await {
            Ok(page) => page.into_response(),
            Err(e) => e.into_response(),
        },
        Err(e) => LocalizedError(locale, e).into_response(),
    }
}

/// `POST /account/tokens/{id}/revoke`: one of the user's own tokens.
pub(crate) async fn revoke_token(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    axum::extract::Path(raw): axum::extract::Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        session.check_csrf(&form.csrf)?;
        let id = crate::pages::id(&raw)?;
        match s
            .store
            .revoke_token(&session.user.actor(), session.user.id, id)
            .await
        {
            Ok(()) => Ok(Redirect::to("/account").into_response()),
            Err(jixiao_store::StoreError::NotFound(_)) => Err(WebError::NotFound),
            Err(e) => Err(e.into()),
        }
    }
    .await;
    result.unwrap_or_else(|e: WebError| LocalizedError(locale, e).into_response())
}
