//! 催报: the office or a reviewer reminds the units that have not reported (from 完成情况) or
//! that lag (from 预警); the 催报记录 page lists every sending with its deliveries; the office
//! sets a scheduled reminder before deadlines; each user keeps the e-mail address reminders
//! go to.
//!
//! Which units may be reminded is computed here from the sender's reach, never taken from the
//! form: a forged form can only narrow the list. Sending stores the reminders and returns;
//! e-mail and webhook posts go out in the background (`jixiao_app::reminders::Worker`).

use askama::Template;
use axum::Router;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use jixiao_store::ReminderKind;
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::Locale;
use crate::pages::{PageResult, Pager, id, render};
use crate::views::{self, Frame};
use crate::{AppState, WebError};

/// The routes of this feature.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/schemes/{id}/reminders", get(page).post(send))
        .route("/schemes/{id}/reminders/schedule", post(set_schedule))
        .route("/account/email", post(set_email))
}

/// Sendings a page lists.
const PER_PAGE: usize = 50;
/// The longest 附言.
const MAX_NOTE_CHARS: usize = 500;
/// The longest lead time of a scheduled reminder, in days.
const MAX_DAYS_BEFORE: i64 = 60;

/// The units a sender may remind of a period, for a kind: those in reach that have not
/// submitted every task (未报送), or that have a task lagging under the official figures.
pub(crate) async fn remindable(
    s: &AppState,
    session: &Session,
    scheme_id: i64,
    period_id: i64,
    kind: ReminderKind,
) -> Result<Vec<(i64, String)>, WebError> {
    let reach = session.reach_list();
    let mut units: Vec<(i64, String)> = match kind {
        ReminderKind::Lagging => {
            // A province's lagging tasks fit in one window; the units are what matters.
            let (rows, _) = s
                .store
                .lagging(
                    scheme_id,
                    period_id,
                    reach,
                    (200_000, 0),
                    jixiao_domain::Basis::Official,
                    &jixiao_store::LagFilter::default(),
                )
                .await?;
            rows.into_iter().map(|l| (l.unit_id, l.unit)).collect()
        }
        _ => s
            .store
            .completeness(scheme_id, period_id, reach)
            .await?
            .into_iter()
            .filter(|c| c.tasks > c.reported)
            .map(|c| (c.unit_id, c.unit))
            .collect(),
    };
    units.sort();
    units.dedup_by_key(|(id, _)| *id);
    Ok(units)
}

/// `POST /schemes/{id}/reminders` (office and reviewers): `period`, `kind` (missing /
/// lagging), `all=1` or the `unit` ids ticked, and a 附言 `note`.
async fn send(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    body: String,
) -> Result<Redirect, LocalizedError> {
    let t = locale.catalog();
    let sent = async {
        let (mut csrf, mut period, mut kind, mut all, mut note) = (
            String::new(),
            String::new(),
            String::new(),
            false,
            String::new(),
        );
        let mut picked: Vec<i64> = Vec::new();
        for (k, v) in form_urlencoded::parse(body.as_bytes()) {
            match k.as_ref() {
                "csrf" => csrf = v.into_owned(),
                "period" => period = v.into_owned(),
                "kind" => kind = v.into_owned(),
                "all" => all = v == "1",
                "note" => note = v.into_owned(),
                "unit" => picked.extend(v.parse::<i64>().ok()),
                _ => {}
            }
        }
        session.check_csrf(&csrf)?;
        if !session.user.role().may_review() {
            return Err(WebError::Forbidden);
        }
        let scheme_id = id(&raw)?;
        let (scheme, period, _) =
            crate::pages::scheme_period(&s, &session, scheme_id, Some(&period)).await?;
        let kind = match kind.as_str() {
            "missing" => ReminderKind::Missing,
            "lagging" => ReminderKind::Lagging,
            _ => return Err(WebError::BadRequest(t.get("reminders.error.kind").into())),
        };
        if note.chars().count() > MAX_NOTE_CHARS {
            return Err(WebError::BadRequest(t.fill(
                "reminders.error.note",
                &[("max", &MAX_NOTE_CHARS.to_string())],
            )));
        }
        let mut units = remindable(&s, &session, scheme.id, period.id, kind).await?;
        if !all {
            units.retain(|(id, _)| picked.contains(id));
        }
        if units.is_empty() {
            return Err(WebError::BadRequest(t.get("reminders.error.none").into()));
        }
        jixiao_app::reminders::remind(
            &s.store,
            &session.user.actor(),
            &scheme,
            &period,
            kind,
            &note,
            &units,
            &s.config.reminders,
        )
        .await?;
        Ok(Redirect::to(&format!(
            "/schemes/{}/reminders?sent={}",
            scheme.id,
            units.len()
        )))
    };
    sent.await.map_err(|e| LocalizedError(locale, e))
}

struct BatchView {
    sent_at: String,
    period: String,
    kind: String,
    by: String,
    message: String,
    units: i64,
    sent: i64,
    pending: i64,
    failed: i64,
    last_error: String,
}

#[derive(Template)]
#[template(path = "reminders.html")]
struct RemindersPage {
    f: Frame,
    scheme_id: i64,
    title: String,
    notice: Option<String>,
    email: bool,
    webhook: bool,
    may_schedule: bool,
    days_before: String,
    batches: Vec<BatchView>,
    pager: Pager,
    pager_label: String,
}

#[derive(Deserialize)]
struct PageQuery {
    sent: Option<usize>,
    scheduled: Option<String>,
    page: Option<String>,
}

/// `GET /schemes/{id}/reminders` (office and reviewers): every sending, newest first, with
/// how its deliveries went.
async fn page(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path(raw): Path<String>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    let scheme_id = id(&raw).map_err(err)?;
    if !session.user.role().may_review() {
        return Err(err(WebError::NotFound));
    }
    let scheme = crate::pages::scheme_in_reach(&s, &session, scheme_id)
        .await
        .map_err(err)?;
    let t = locale.catalog();
    let asked = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let offset = i64::try_from(asked.saturating_sub(1).saturating_mul(PER_PAGE)).unwrap_or(0);
    let (rows, total) = s
        .store
        .reminder_batches(scheme_id, (PER_PAGE as i64, offset))
        .await
        .map_err(|e| err(e.into()))?;
    let pager = Pager::new(
        Some(&asked.to_string()),
        usize::try_from(total).unwrap_or(0),
        PER_PAGE,
        String::new(),
    );
    let days = s
        .store
        .reminder_schedule(scheme_id)
        .await
        .map_err(|e| err(e.into()))?;
    let notice = match (q.sent, q.scheduled.as_deref()) {
        (Some(n), _) => Some(t.fill("reminders.sent", &[("n", &n.to_string())])),
        (None, Some("off")) => Some(t.get("reminders.schedule.off").to_string()),
        (None, Some(_)) => {
            days.map(|d| t.fill("reminders.schedule.on", &[("days", &d.to_string())]))
        }
        _ => None,
    };
    render(
        locale,
        &RemindersPage {
            f: Frame::new(locale, &uri, Some(&session)),
            scheme_id,
            title: scheme.title,
            notice,
            email: s.config.reminders.email,
            webhook: s.config.reminders.webhook.is_some(),
            may_schedule: session.user.role().may_administer(),
            days_before: days.map(|d| d.to_string()).unwrap_or_default(),
            batches: rows
                .into_iter()
                .map(|b| BatchView {
                    sent_at: views::beijing_minute(Some(&b.sent_at)),
                    period: views::period_label(&b.period, t),
                    kind: t.get(&format!("reminders.kind.{}", b.kind)).to_string(),
                    by: b.sent_by_name,
                    message: b.message,
                    units: b.units,
                    sent: b.sent,
                    pending: b.pending,
                    failed: b.failed,
                    last_error: b.last_error.unwrap_or_default(),
                })
                .collect(),
            pager_label: pager.label(t),
            pager,
        },
    )
}

#[derive(Deserialize)]
struct ScheduleForm {
    csrf: String,
    /// Days before the deadline; empty: no scheduled reminder.
    #[serde(default)]
    days: String,
}

/// `POST /schemes/{id}/reminders/schedule` (office).
async fn set_schedule(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    axum::Form(form): axum::Form<ScheduleForm>,
) -> Result<Redirect, LocalizedError> {
    let t = locale.catalog();
    let save = async {
        session.check_csrf(&form.csrf)?;
        let scheme = crate::pages::scheme_for_admin(&s, &session, &raw).await?;
        let days = match form.days.trim() {
            "" => None,
            typed => Some(
                typed
                    .parse::<i64>()
                    .ok()
                    .filter(|d| (1..=MAX_DAYS_BEFORE).contains(d))
                    .ok_or_else(|| {
                        WebError::BadRequest(t.fill(
                            "reminders.error.days",
                            &[("typed", typed), ("max", &MAX_DAYS_BEFORE.to_string())],
                        ))
                    })?,
            ),
        };
        s.store
            .set_reminder_schedule(&session.user.actor(), scheme.id, days)
            .await?;
        let said = if days.is_some() { "on" } else { "off" };
        Ok(Redirect::to(&format!(
            "/schemes/{}/reminders?scheduled={said}",
            scheme.id
        )))
    };
    save.await.map_err(|e| LocalizedError(locale, e))
}

#[derive(Deserialize)]
struct EmailForm {
    csrf: String,
    #[serde(default)]
    email: String,
}

/// Whether `typed` looks like an e-mail address a relay would take: one `@`, a dot in the
/// domain, no spaces or control characters, at most 254 characters.
fn plausible_email(typed: &str) -> bool {
    let Some((local, domain)) = typed.split_once('@') else {
        return false;
    };
    typed.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !typed
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c))
}

/// `POST /account/email`: the address this user's reminders go to; empty clears it.
async fn set_email(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    axum::Form(form): axum::Form<EmailForm>,
) -> Result<Redirect, LocalizedError> {
    let t = locale.catalog();
    let save = async {
        session.check_csrf(&form.csrf)?;
        let typed = form.email.trim();
        if !typed.is_empty() && !plausible_email(typed) {
            return Err(WebError::BadRequest(
                t.fill("account.email.invalid", &[("typed", typed)]),
            ));
        }
        let email = (!typed.is_empty()).then_some(typed);
        s.store
            .set_user_email(&session.user.actor(), session.user.id, email)
            .await?;
        Ok(Redirect::to("/account?done=email"))
    };
    save.await.map_err(|e| LocalizedError(locale, e))
}

#[cfg(test)]
mod tests {
    use super::plausible_email;

    #[test]
    fn an_email_address_needs_one_at_a_dotted_domain_and_nothing_a_header_could_split() {
        for ok in ["kaohe@example.gov.cn", "wang.li@zz.gov.cn"] {
            assert!(plausible_email(ok), "{ok}");
        }
        for bad in [
            "kaohe",
            "@example.cn",
            "a@localhost",
            "a@b.cn\r\nBcc: x@y.cn",
            "a b@c.cn",
            "a@b@c.cn",
            "a@.cn",
            "王 <a@b.cn>",
        ] {
            assert!(!plausible_email(bad), "{bad:?}");
        }
    }
}
