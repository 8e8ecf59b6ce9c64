//! A period's completeness, and search — each within the user's reach (待办 is `todo.rs`).

use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::Locale;
use crate::pages::{PageResult, id, render};
use crate::views::{self, Frame, Segment};
use crate::{AppState, WebError};
use jixiao_store::Completeness;

#[derive(Template)]
#[template(path = "completeness.html")]
struct CompletenessPage {
    f: Frame,
    scheme_id: i64,
    title: String,
    period_code: String,
    periods: Vec<(String, String)>,
    rows: Vec<Completeness>,
    /// The office or a reviewer: the rows can be ticked and reminded (催报).
    may_remind: bool,
    /// Units with a task not submitted.
    unreported: usize,
    /// The button that reminds them all.
    send_all: String,
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
    let unreported = rows.iter().filter(|r| r.tasks > r.reported).count();
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
            may_remind: session.user.role().may_review(),
            unreported,
            send_all: t.fill("reminders.send_all", &[("n", &unreported.to_string())]),
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
