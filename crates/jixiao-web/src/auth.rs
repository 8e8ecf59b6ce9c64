//! Logging in and out, sessions, CSRF tokens, and what a logged-in user may reach.
//!
//! The session cookie carries a random 256-bit token; the database keeps only its SHA-256, with
//! the session's CSRF token. Every state-changing form carries that CSRF token and is refused
//! without it; the login form, which comes before any session, uses a double-submit cookie.
//! Passwords are argon2id hashes (password-auth), checked off the async threads.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use jixiao_store::UserRecord;

use crate::{AppState, WebError};

/// The session cookie.
pub const SESSION_COOKIE: &str = "jixiao_session";
/// The login form's double-submit cookie.
pub const LOGIN_CSRF_COOKIE: &str = "jixiao_login_csrf";
/// How long a session lasts (a working day).
pub const SESSION_HOURS: i64 = 10;
/// Failed logins in a row that lock an account.
pub const LOCK_AFTER: i64 = 5;
/// How long a lock lasts.
pub const LOCK_MINUTES: i64 = 15;

/// Failed logins from one address that are allowed in a window before that address must wait.
pub const ADDRESS_FAILURES: u32 = 50;
/// The window over which failures from one address count.
pub const ADDRESS_WINDOW: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// Failed logins per client address, in memory (so per instance). The per-account lock stops
/// guessing one password; this stops one address from spraying guesses across many accounts.
/// It counts failures only, and generously, because a whole government office may reach the
/// server from one NAT address. Behind a reverse proxy every client has the proxy's address:
/// throttle there (documented in the README).
#[derive(Debug)]
pub struct LoginGuard {
    limit: u32,
    failures:
        std::sync::Mutex<std::collections::HashMap<std::net::IpAddr, (std::time::Instant, u32)>>,
}

impl Default for LoginGuard {
    /// [`ADDRESS_FAILURES`] failures per address and window.
    fn default() -> LoginGuard {
        LoginGuard::with_limit(ADDRESS_FAILURES)
    }
}

impl LoginGuard {
    /// A guard allowing `limit` failures per address and window.
    pub fn with_limit(limit: u32) -> LoginGuard {
        LoginGuard {
            limit,
            failures: std::sync::Mutex::default(),
        }
    }

    /// Seconds the address must still wait, if it is over its budget.
    pub fn wait(&self, ip: std::net::IpAddr) -> Option<u64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let (start, n) = map.get(&ip)?;
        let left = ADDRESS_WINDOW.checked_sub(start.elapsed())?;
        (*n >= self.limit).then(|| left.as_secs().max(1))
    }

    /// Reserves one login attempt for the address before anything is checked, counted as a
    /// failure until it succeeds ([`LoginGuard::succeeded`]), so that a flood of concurrent
    /// attempts cannot all pass the check before any is counted. `Err` with the seconds to
    /// wait when the address is over its budget.
    pub fn reserve(&self, ip: std::net::IpAddr) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| start.elapsed() < ADDRESS_WINDOW);
        }
        let entry = map.entry(ip).or_insert((std::time::Instant::now(), 0));
        if entry.0.elapsed() >= ADDRESS_WINDOW {
            *entry = (std::time::Instant::now(), 0);
        }
        if entry.1 >= self.limit {
            let left = ADDRESS_WINDOW.saturating_sub(entry.0.elapsed());
            return Err(left.as_secs().max(1));
        }
        entry.1 += 1;
        Ok(())
    }

    /// A reserved attempt logged in: it was no failure.
    pub fn succeeded(&self, ip: std::net::IpAddr) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = map.get_mut(&ip) {
            entry.1 = entry.1.saturating_sub(1);
        }
    }

    /// Counts a failed login from the address.
    pub fn failed(&self, ip: std::net::IpAddr) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (start, _)| start.elapsed() < ADDRESS_WINDOW);
        }
        let entry = map.entry(ip).or_insert((std::time::Instant::now(), 0));
        if entry.0.elapsed() >= ADDRESS_WINDOW {
            *entry = (std::time::Instant::now(), 0);
        }
        entry.1 += 1;
    }
}

/// The client's address: the connection's, or — when the connection comes from one of the
/// `trusted` reverse proxies — the nearest address in `X-Forwarded-For` that is not one of
/// them (a client cannot forge its way past a proxy that appends the address it saw).
pub fn client_ip(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|h| h.trim().parse().ok())
        .collect();
    hops.into_iter()
        .rev()
        .find(|h| !trusted.contains(h))
        .unwrap_or(peer)
}

pub use jixiao_app::secrets::{
    hash_password, new_password, new_token, same_secret, token_hash, verify_password,
};

/// A cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|kv| {
            let (k, v) = kv.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

/// A `Set-Cookie` value with the attributes every cookie of ours carries.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}")
}

/// The logged-in user of a request, with the session's CSRF token and the units in reach.
#[derive(Debug, Clone)]
pub struct Session {
    /// The user.
    pub user: UserRecord,
    /// The token forms must carry.
    pub csrf: String,
    /// SHA-256 of the session cookie.
    pub token_hash: String,
    /// Units the user may see (own or subtree), sorted; empty when it sees everything.
    pub reach: Vec<i64>,
    /// The user sees every unit (the office): no list is loaded for each request, which at a
    /// province's 20,000 units would cost more than the page.
    pub everything: bool,
}

impl Session {
    /// Whether the user reaches `unit_id`.
    pub fn reaches(&self, unit_id: i64) -> bool {
        self.everything || self.reach.binary_search(&unit_id).is_ok()
    }

    /// The user as review sees it (which tasks, which steps).
    pub fn asker(&self) -> jixiao_app::reports::Asker<'_> {
        jixiao_app::reports::Asker {
            user_id: self.user.id,
            role: self.user.role(),
            everything: self.everything,
            reach: &self.reach,
        }
    }

    /// Whether the user sees a task of `unit_id` reviewed by `reviewing_unit` (its unit is in
    /// reach, or the user reviews for that 考核主体).
    pub fn sees_task(&self, unit_id: i64, reviewing_unit: Option<i64>) -> bool {
        self.asker().sees_task(unit_id, reviewing_unit)
    }

    /// The units in reach as a list; for the office, every unit's id, read now.
    pub async fn reach_ids(
        &self,
        store: &jixiao_store::Store,
    ) -> Result<std::borrow::Cow<'_, [i64]>, jixiao_store::StoreError> {
        if self.everything {
            Ok(std::borrow::Cow::Owned(
                store.units_in_reach(&self.user).await?,
            ))
        } else {
            Ok(std::borrow::Cow::Borrowed(&self.reach))
        }
    }

    /// The units in reach, or `None` for all of them.
    pub fn reach_list(&self) -> Option<&[i64]> {
        (!self.everything).then_some(self.reach.as_slice())
    }

    /// Refuses anyone but the office (admins).
    pub fn require_admin(&self) -> Result<(), WebError> {
        if self.user.role().may_administer() {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }

    /// Refuses anyone but the administrator who holds `duty` (三员分立: none holds another's).
    pub fn require_duty(&self, duty: jixiao_domain::Duty) -> Result<(), WebError> {
        if self.user.role().duty() == Some(duty) {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }

    /// Refuses a form whose token is not this session's.
    pub fn check_csrf(&self, token: &str) -> Result<(), WebError> {
        if same_secret(&self.csrf, token) {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }
}

/// Whether the user's password has passed the installation's maximum age (its age counted
/// from its last change, or from the first login that kept it).
pub fn password_expired(user: &UserRecord, state: &AppState) -> bool {
    let (Some(max), Some(at)) = (
        state.config.password_max_age,
        user.password_changed_at.as_deref(),
    ) else {
        return false;
    };
    let Ok(changed) = chrono::DateTime::parse_from_rfc3339(at) else {
        return false;
    };
    let age = chrono::Utc::now().signed_duration_since(changed.with_timezone(&chrono::Utc));
    age.to_std().is_ok_and(|age| age > max)
}

/// Whether the user must choose a new password before anything else: the office set it, or it
/// has expired.
pub fn password_due(user: &UserRecord, state: &AppState) -> bool {
    user.must_change_password == 1 || password_expired(user, state)
}

/// Sends an anonymous visitor to the login page, then back.
pub struct LoginRequired(String);

impl IntoResponse for LoginRequired {
    fn into_response(self) -> Response {
        Redirect::to(&format!(
            "/login?next={}",
            crate::views::query_escape(&self.0)
        ))
        .into_response()
    }
}

/// The session of a request, if it has a live one.
pub async fn session_of(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<Session>, WebError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = token_hash(token);
    let at = chrono::Utc::now();
    let stamp =
        |d: chrono::DateTime<chrono::Utc>| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let now = stamp(at);
    let idle = state.config.session_idle;
    // No idle timeout (zero): every seen_at is later than ''.
    let idle_since = (!idle.is_zero())
        .then(|| chrono::Duration::from_std(idle).ok())
        .flatten()
        .and_then(|d| at.checked_sub_signed(d))
        .map(stamp)
        .unwrap_or_default();
    let Some(live) = state.store.session(&hash, &now, &idle_since).await? else {
        return Ok(None);
    };
    // Seen now; written at most once a minute per session, so a busy page costs no write.
    if live.seen_at.is_empty() || live.seen_at < stamp(at - chrono::Duration::minutes(1)) {
        state.store.touch_session(&hash, &now).await?;
    }
    Ok(Some(
        Session::of(&state.store, live.user, live.csrf, hash).await?,
    ))
}

impl Session {
    /// The session of `user`: the office sees everything (no list is loaded), anyone else
    /// the sorted list of its units in reach.
    pub async fn of(
        store: &jixiao_store::Store,
        user: UserRecord,
        csrf: String,
        token_hash: String,
    ) -> Result<Session, jixiao_store::StoreError> {
        let everything = user.role().reach() == jixiao_domain::Reach::Everything;
        let mut reach = if everything {
            Vec::new()
        } else {
            store.units_in_reach(&user).await?
        };
        reach.sort_unstable();
        Ok(Session {
            user,
            csrf,
            token_hash,
            reach,
            everything,
        })
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        match session_of(state, &parts.headers).await {
            // A password the office set must be changed before anything else is done.
            Ok(Some(s)) if password_due(&s.user, state) && !may_pass_before_change(parts) => {
                Err(Redirect::to("/account").into_response())
            }
            Ok(Some(s)) => Ok(s),
            Ok(None) => {
                let here = parts
                    .extensions
                    .get::<OriginalUri>()
                    .and_then(|u| u.0.path_and_query().map(|pq| pq.as_str().to_string()))
                    .unwrap_or_else(|| "/".to_string());
                Err(LoginRequired(here).into_response())
            }
            Err(e) => Err(e.into_response()),
        }
    }
}

/// What a user whose password the office set may reach before changing it: the account page
/// (where it is changed), logging out, and the language switch.
fn may_pass_before_change(parts: &Parts) -> bool {
    let path = parts.uri.path();
    matches!(
        path,
        "/account" | "/account/password" | "/logout" | "/logout/everywhere"
    ) || path.starts_with("/lang/")
}

/// A local path to go back to after login or a language switch; anything else goes home (no
/// open redirect). Browsers drop tabs and line breaks from a URL and read `\\` as `/`, so
/// `/\t/host` would leave the site: only printable ASCII without spaces or backslashes passes,
/// starting with one `/`. (A line break would also make an invalid `Location` header.)
pub fn local_path(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            n.to_string()
        }
        _ => "/".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_compare_by_content_only() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
        assert!(!same_secret("", "a"));
    }

    #[test]
    fn the_client_address_comes_from_x_forwarded_for_only_through_a_trusted_proxy() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let mut h = axum::http::HeaderMap::new();
        h.insert("x-forwarded-for", "6.6.6.6, 10.0.0.7".parse().unwrap());
        let proxy = [ip("127.0.0.1")];
        // From the proxy: the address it saw (the last hop it appended), not what the client
        // wrote before it.
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &proxy), ip("10.0.0.7"));
        // From anyone else the header is the client's own claim: ignored.
        assert_eq!(client_ip(ip("10.9.9.9"), &h, &proxy), ip("10.9.9.9"));
        // Two proxies in a row: the first address that is not one of them.
        h.insert("x-forwarded-for", "10.0.0.7, 127.0.0.2".parse().unwrap());
        let two = [ip("127.0.0.1"), ip("127.0.0.2")];
        assert_eq!(client_ip(ip("127.0.0.1"), &h, &two), ip("10.0.0.7"));
        // No header: the proxy itself.
        assert_eq!(
            client_ip(ip("127.0.0.1"), &axum::http::HeaderMap::new(), &proxy),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(local_path(Some("/tasks/1")), "/tasks/1");
        for evil in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "evil",
            "/\t/evil.example/x",
            "/\n/evil.example",
            "/x\r\nSet-Cookie: a=b",
            "/ /evil.example",
        ] {
            assert_eq!(local_path(Some(evil)), "/", "{evil}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn an_address_waits_after_its_failures_and_others_do_not() {
        let guard = LoginGuard::default();
        let (a, b): (std::net::IpAddr, std::net::IpAddr) =
            ("10.0.0.1".parse().unwrap(), "10.0.0.2".parse().unwrap());
        for _ in 0..ADDRESS_FAILURES - 1 {
            guard.failed(a);
        }
        assert_eq!(guard.wait(a), None, "one failure short of the budget");
        guard.failed(a);
        assert!(guard.wait(a).is_some_and(|s| s <= ADDRESS_WINDOW.as_secs()));
        assert_eq!(guard.wait(b), None);
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
