//! Deadlines and extensions on the web: the admin sets a period's deadline; after it a task is
//! locked for its reporter, who may ask for an extension; a reviewer approves or refuses it, or
//! unlocks the task directly until a date.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use jixiao_domain::Period;
use jixiao_domain::deadline::{end_of_day, is_locked};
use jixiao_store::PeriodRecord;
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::{Catalog, Locale};
use crate::pages::id;
use crate::{AppState, WebError, views};

fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|d| d.with_timezone(&Utc))
}

/// The deadline date as offices write it (CST), for display.
pub fn deadline_date(p: &PeriodRecord) -> Option<String> {
    p.deadline
        .as_deref()
        .and_then(parse_instant)
        .map(|d| jixiao_domain::deadline::date_of(d).to_string())
}

/// Whether a task's reporting for this period is closed now.
pub async fn task_locked(
    s: &AppState,
    task_id: i64,
    period: &PeriodRecord,
) -> Result<bool, WebError> {
    let deadline = period.deadline.as_deref().and_then(parse_instant);
    if deadline.is_none() {
        return Ok(false);
    }
    let until = s
        .store
        .extension_until(task_id, period.id)
        .await?
        .as_deref()
        .and_then(parse_instant);
    Ok(is_locked(deadline, until, Utc::now()))
}

fn date_to_instant(date: &str, t: &Catalog) -> Result<String, WebError> {
    let d = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d")
        .map_err(|_| WebError::BadRequest(t.get("deadline.error.date").to_string()))?;
    Ok(end_of_day(d).to_rfc3339_opts(SecondsFormat::Millis, true))
}

#[derive(Deserialize)]
pub(crate) struct PeriodForm {
    csrf: String,
    code: String,
    #[serde(default)]
    deadline: String,
}

/// `POST /schemes/{id}/periods` (admin): adds a period or changes its deadline. Saved: the
/// scheme page says which period; refused: the scheme page again with the form as typed and the
/// error beside it (422).
pub(crate) async fn set_period(
    State(s): State<AppState>,
    locale: Locale,
    uri: axum::extract::OriginalUri,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<PeriodForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        if !session.user.role().may_administer() {
            return Err(WebError::Forbidden);
        }
        let scheme_id = id(&raw)?;
        let scheme = s.store.scheme(scheme_id).await?.ok_or(WebError::NotFound)?;
        let code = form.code.trim();
        let checked = match code.parse::<Period>() {
            Err(_) => Err(t.fill("deadline.error.code", &[("code", code)])),
            Ok(p) if i64::from(p.year().get()) != scheme.year => {
                Err(t.fill("deadline.error.year", &[("year", &scheme.year.to_string())]))
            }
            Ok(p) if form.deadline.trim().is_empty() => Ok((p, None)),
            Ok(p) => match date_to_instant(&form.deadline, t) {
                Ok(d) => Ok((p, Some(d))),
                Err(WebError::BadRequest(why)) => Err(why),
                Err(e) => return Err(e),
            },
        };
        let (period, deadline) = match checked {
            Ok(ok) => ok,
            Err(why) => {
                let typed = crate::pages::PeriodFormView {
                    code: form.code.chars().take(20).collect(),
                    deadline: form.deadline.chars().take(20).collect(),
                    error: Some(why),
                };
                let page = crate::pages::scheme_page(
                    &s, locale, &uri, &session, scheme_id, None, typed, None,
                )
                .await
                .map_err(|LocalizedError(_, e)| e)?;
                return Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
            }
        };
        s.store
            .set_period(
                &session.user.actor(),
                scheme_id,
                period,
                deadline.as_deref(),
            )
            .await?;
        Ok(Redirect::to(&format!(
            "/schemes/{scheme_id}?done=period&period={}#periods",
            views::query_escape(&period.code())
        ))
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct ExtensionForm {
    csrf: String,
    period: String,
    reason: String,
    until: String,
}

/// `POST /tasks/{id}/extensions`: a reporter asks for an extension; a reviewer grants one
/// (unlocks the task) at once.
pub(crate) async fn request(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<ExtensionForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        let task_id = id(&raw)?;
        let d = crate::task_page::task_in_reach(&s, &session, task_id).await?;
        // Deadlines are the unit tree's: a 考核主体 reviewer sees the task, not its deadline.
        if !session.reaches(d.unit.id) {
            return Err(WebError::Forbidden);
        }
        let role = session.user.role();
        let grant = role.may_review();
        if !grant && !role.may_report() {
            return Err(WebError::Forbidden);
        }
        let period_id = s
            .store
            .period_id(d.scheme.id, &form.period)
            .await?
            .ok_or(WebError::NotFound)?;
        if form.reason.trim().is_empty() {
            return Err(WebError::BadRequest(
                t.get("deadline.error.reason").to_string(),
            ));
        }
        let until = date_to_instant(&form.until, t)?;
        if parse_instant(&until).is_some_and(|u| u < Utc::now()) {
            return Err(WebError::BadRequest(
                t.get("deadline.error.past").to_string(),
            ));
        }
        s.store
            .add_extension(
                &session.user.actor(),
                task_id,
                period_id,
                form.reason.trim(),
                &until,
                grant,
            )
            .await?;
        let done = if grant {
            "unlocked"
        } else {
            "extension_requested"
        };
        Ok(Redirect::to(&format!(
            "/tasks/{task_id}?period={}&done={done}",
            views::query_escape(&form.period)
        ))
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct DecideForm {
    csrf: String,
    decision: String,
}

/// `POST /extensions/{id}/decide` (reviewer): approves or refuses a request.
pub(crate) async fn decide(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<DecideForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        let ext = s
            .store
            .extension(id(&raw)?)
            .await?
            .ok_or(WebError::NotFound)?;
        let d = s.store.task(ext.task_id).await?.ok_or(WebError::NotFound)?;
        if !session.reaches(d.unit.id) {
            return Err(WebError::NotFound);
        }
        if !session.user.role().may_review() {
            return Err(WebError::Forbidden);
        }
        let approve = match form.decision.as_str() {
            "approve" => true,
            "refuse" => false,
            other => return Err(WebError::BadRequest(other.to_string())),
        };
        match s
            .store
            .decide_extension(&session.user.actor(), ext.id, approve)
            .await
        {
            Ok(()) => {}
            Err(jixiao_store::StoreError::WrongState { .. }) => {
                return Err(WebError::BadRequest(
                    t.get("report.error.state").to_string(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        let period = s
            .store
            .period(ext.period_id)
            .await?
            .map(|p| p.code)
            .unwrap_or_default();
        Ok(Redirect::to(&format!(
            "/tasks/{}?period={}&done={}",
            ext.task_id,
            views::query_escape(&period),
            if approve {
                "extension_approved"
            } else {
                "extension_refused"
            }
        ))
        .into_response())
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}
