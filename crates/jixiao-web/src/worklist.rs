//! The to-do list, a period's completeness, and search — each within the user's reach.

use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::Locale;
use crate::pages::{PageResult, id, render};
use crate::views::{self, Frame, Segment};
use crate::{AppState, WebError};
use jixiao_store::{Completeness, ReporterTodo, ReviewTodo};

struct TodoRow {
    item: ReporterTodo,
    period: String,
    state: String,
    /// The deadline's date (CST), its mark (已逾期 / 剩 N 天) and the mark's class.
    due: Option<(String, String, &'static str)>,
}

/// A deadline as the to-do list shows it, at `now`.
fn due_view(
    deadline: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
    t: &crate::i18n::Catalog,
) -> Option<(String, String, &'static str)> {
    use jixiao_domain::deadline::{Due, date_of, due};
    let at = chrono::DateTime::parse_from_rfc3339(deadline?)
        .ok()?
        .with_timezone(&chrono::Utc);
    let (mark, class) = match due(at, now) {
        Due::Overdue => (t.get("todo.overdue").to_string(), "due-overdue"),
        Due::DaysLeft(0) => (t.get("todo.due_today").to_string(), "due-soon"),
        Due::DaysLeft(n) => (
            t.fill("todo.days_left", &[("n", &n.to_string())]),
            if n <= 3 { "due-soon" } else { "due-later" },
        ),
    };
    Some((date_of(at).to_string(), mark, class))
}

struct ReviewRow {
    item: ReviewTodo,
    period: String,
    submitted: String,
    step: String,
    flags: Vec<String>,
}

#[derive(Template)]
#[template(path = "todo.html")]
struct TodoPage {
    f: Frame,
    to_report: Vec<TodoRow>,
    to_review: Vec<ReviewRow>,
    shows_reporting: bool,
    shows_review: bool,
    extensions: Vec<jixiao_store::PendingExtension>,
}

pub(crate) async fn todo(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
) -> PageResult {
    let err = |e: jixiao_store::StoreError| LocalizedError(locale, e.into());
    let t = locale.catalog();
    let role = session.user.role();
    let reach = session.reach_list();
    let to_report = if role.may_report() {
        s.store.reporter_todo(reach).await.map_err(err)?
    } else {
        Vec::new()
    };
    let to_review = if role.may_review() {
        s.store.review_todo(reach).await.map_err(err)?
    } else {
        Vec::new()
    };
    let now = chrono::Utc::now();
    let extensions = if role.may_review() {
        s.store.pending_extensions(reach).await.map_err(err)?
    } else {
        Vec::new()
    };
    render(
        locale,
        &TodoPage {
            f: Frame::new(locale, &uri, Some(&session)),
            to_report: to_report
                .into_iter()
                .map(|item| TodoRow {
                    due: due_view(item.deadline.as_deref(), now, t),
                    period: views::period_label(&item.period, t),
                    state: match item.state.as_deref() {
                        None => t.get("todo.state.empty").to_string(),
                        Some(s) => t.get(&format!("report.state.{s}")).to_string(),
                    },
                    item,
                })
                .collect(),
            to_review: to_review
                .into_iter()
                .filter_map(|item| {
                    let at = jixiao_app::reports::listed_step(&session.asker(), &item)?;
                    Some((item, at))
                })
                .map(|(item, at)| ReviewRow {
                    flags: item
                        .flags
                        .split(',')
                        .filter(|f| !f.is_empty())
                        .map(|f| t.get(&format!("check.short.{f}")).to_string())
                        .collect(),
                    step: t
                        .get(&format!("review.step.{}", at.step.code()))
                        .to_string(),
                    period: views::period_label(&item.period, t),
                    // Beijing time, as the office reads it.
                    submitted: item
                        .submitted_at
                        .as_deref()
                        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
                        .map(|d| {
                            jixiao_domain::deadline::local_minute(d.with_timezone(&chrono::Utc))
                        })
                        .unwrap_or_default(),
                    item,
                })
                .collect(),
            shows_reporting: role.may_report(),
            shows_review: role.may_review(),
            extensions,
        },
    )
}

#[derive(Template)]
#[template(path = "completeness.html")]
struct CompletenessPage {
    f: Frame,
    scheme_id: i64,
    title: String,
    period_code: String,
    periods: Vec<(String, String)>,
    rows: Vec<Completeness>,
}

#[derive(Deserialize)]
pub(crate) struct PeriodQuery {
    period: Option<String>,
}

pub(crate) async fn completeness(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path(raw): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    let scheme_id = id(&raw).map_err(err)?;
    let (scheme, period, periods) =
        crate::pages::scheme_period(&s, &session, scheme_id, q.period.as_deref())
            .await
            .map_err(err)?;
    let rows = s
        .store
        .completeness(scheme_id, period.id, session.reach_list())
        .await
        .map_err(|e| err(e.into()))?;
    if rows.is_empty() && !session.user.role().may_administer() {
        return Err(err(WebError::NotFound));
    }
    let t = locale.catalog();
    render(
        locale,
        &CompletenessPage {
            f: Frame::new(locale, &uri, Some(&session)),
            scheme_id,
            title: scheme.title,
            period_code: period.code.clone(),
            periods: periods
                .iter()
                .map(|p| (p.code.clone(), views::period_label(&p.code, t)))
                .collect(),
            rows,
        },
    )
}

struct HitView {
    task_id: i64,
    task: Vec<Segment>,
    target: Vec<Segment>,
    unit: String,
    scheme: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    f: Frame,
    q: String,
    hits: Vec<HitView>,
    searched: bool,
}

#[derive(Deserialize)]
pub(crate) struct SearchQuery {
    q: Option<String>,
}

/// Marks every occurrence of the terms in `text` (case-insensitively for Latin letters).
fn mark_terms(text: &str, terms: &[String]) -> Vec<Segment> {
    let lower = text.to_lowercase();
    let mut spans = Vec::new();
    // Lowercasing can change byte lengths outside ASCII; only mark when it did not.
    if lower.len() == text.len() {
        for term in terms {
            let term = term.to_lowercase();
            let mut from = 0;
            while let Some(at) = lower[from..].find(&term) {
                let start = from + at;
                spans.push((start..start + term.len(), "q-used"));
                from = start + term.len().max(1);
            }
        }
    }
    views::segments(text, &spans)
}

pub(crate) async fn search(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Query(q): Query<SearchQuery>,
) -> PageResult {
    let raw = q.q.unwrap_or_default();
    let query: String = raw.chars().take(100).collect();
    let terms: Vec<String> = query
        .split_whitespace()
        .filter(|t| !t.is_empty())
        .take(5)
        .map(str::to_string)
        .collect();
    let hits = s
        .store
        .search(&terms, session.reach_list(), 100)
        .await
        .map_err(|e| LocalizedError(locale, e.into()))?;
    render(
        locale,
        &SearchPage {
            f: Frame::new(locale, &uri, Some(&session)),
            searched: !terms.is_empty(),
            hits: hits
                .into_iter()
                .map(|h| HitView {
                    task_id: h.task_id,
                    task: mark_terms(&h.task, &terms),
                    target: mark_terms(&h.target, &terms),
                    unit: h.unit,
                    scheme: h.scheme,
                })
                .collect(),
            q: query,
        },
    )
}
