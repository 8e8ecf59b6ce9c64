//! A period's completeness, and search — each within the user's reach (待办 is `todo.rs`).

use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::Locale;
use crate::pages::{PageResult, Pager, id, render};
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
    /// The filter typed, and the order.
    q: String,
    only: String,
    sort: String,
    /// 共 N 个单位.
    count: String,
    export: String,
    pager: Pager,
    pager_label: String,
}

#[derive(Deserialize)]
pub(crate) struct PeriodQuery {
    period: Option<String>,
    /// Words of the unit's name.
    q: Option<String>,
    /// `unreported` (a task not submitted) or `late` (submitted after the deadline).
    only: Option<String>,
    /// `unreported` (most tasks not submitted first) or `late` (most late first); else by name.
    sort: Option<String>,
    page: Option<String>,
}

/// Units a page of 完成情况 shows.
const COMPLETENESS_PAGE_ROWS: usize = 100;

impl PeriodQuery {
    fn words(&self) -> Option<String> {
        self.q
            .as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
    }

    /// Whether a unit's row is kept by the filter.
    fn keeps(&self, r: &Completeness) -> bool {
        let named = self
            .words()
            .is_none_or(|w| r.unit.to_lowercase().contains(&w));
        named
            && match self.only.as_deref() {
                Some("unreported") => r.tasks > r.reported,
                Some("late") => r.late > 0,
                _ => true,
            }
    }

    /// The query string of the filter, with the period.
    fn query(&self, period: &str) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("period", period);
        if let Some(w) = self.q.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
            q.append_pair("q", w);
        }
        if let Some(o) = self
            .only
            .as_deref()
            .filter(|o| ["unreported", "late"].contains(o))
        {
            q.append_pair("only", o);
        }
        if let Some(o) = self
            .sort
            .as_deref()
            .filter(|o| ["unreported", "late"].contains(o))
        {
            q.append_pair("sort", o);
        }
        q.finish()
    }

    /// Sorts the rows as asked; ties (and the default) by the unit's name.
    fn sort(&self, rows: &mut [Completeness]) {
        match self.sort.as_deref() {
            Some("unreported") => {
                rows.sort_by_key(|r| std::cmp::Reverse(r.tasks - r.reported));
            }
            Some("late") => rows.sort_by_key(|r| std::cmp::Reverse(r.late)),
            _ => {}
        }
    }
}

/// The completeness of the units in reach that the filter keeps, with the scheme and period.
async fn filtered_completeness(
    s: &AppState,
    session: &Session,
    raw: &str,
    q: &PeriodQuery,
) -> Result<
    (
        jixiao_store::SchemeRecord,
        jixiao_store::PeriodRecord,
        Vec<jixiao_store::PeriodRecord>,
        Vec<Completeness>,
        usize,
    ),
    WebError,
> {
    let scheme_id = id(raw)?;
    let (scheme, period, periods) =
        crate::pages::scheme_period(s, session, scheme_id, q.period.as_deref()).await?;
    let rows = s
        .store
        .completeness(scheme_id, period.id, session.reach_list())
        .await?;
    if rows.is_empty() && !session.user.role().may_administer() {
        return Err(WebError::NotFound);
    }
    let unreported = rows.iter().filter(|r| r.tasks > r.reported).count();
    // The store gives them by name; a stable sort keeps that order among equals.
    let mut rows: Vec<Completeness> = rows.into_iter().filter(|r| q.keeps(r)).collect();
    q.sort(&mut rows);
    Ok((scheme, period, periods, rows, unreported))
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
    let (scheme, period, periods, rows, unreported) = filtered_completeness(&s, &session, &raw, &q)
        .await
        .map_err(err)?;
    let t = locale.catalog();
    let query = q.query(&period.code);
    let pager = Pager::new(
        q.page.as_deref(),
        rows.len(),
        COMPLETENESS_PAGE_ROWS,
        query.clone(),
    );
    let count = t.fill("completeness.count", &[("n", &rows.len().to_string())]);
    let rows = rows
        .into_iter()
        .skip((pager.page - 1) * COMPLETENESS_PAGE_ROWS)
        .take(COMPLETENESS_PAGE_ROWS)
        .collect();
    render(
        locale,
        &CompletenessPage {
            f: Frame::new(locale, &uri, Some(&session)),
            scheme_id: scheme.id,
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
            q: q.q.clone().unwrap_or_default(),
            only: q.only.clone().unwrap_or_default(),
            sort: q.sort.clone().unwrap_or_default(),
            count,
            export: format!("/schemes/{}/completeness/export?{query}", scheme.id),
            pager_label: pager.label(t),
            pager,
        },
    )
}

/// `GET /schemes/{id}/completeness/export`: 完成情况 as filtered, every unit, as .xlsx.
pub(crate) async fn completeness_export(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<axum::response::Response, LocalizedError> {
    let err = |e: WebError| LocalizedError(locale, e);
    let (scheme, period, _, rows, _) = filtered_completeness(&s, &session, &raw, &q)
        .await
        .map_err(err)?;
    let t = locale.catalog();
    let col = |k: &str| t.get(k).to_string();
    let table = jixiao_office::export::ListTable {
        title: format!(
            "{}（{}）· {}",
            t.get("completeness.title"),
            views::period_label(&period.code, t),
            scheme.title
        ),
        headers: vec![
            col("scheme.col.unit"),
            col("scheme.col.tasks"),
            col("completeness.reported"),
            col("completeness.approved"),
            col("completeness.returned"),
            col("completeness.drafts"),
            col("completeness.missing"),
            col("completeness.late"),
        ],
        rows: rows
            .into_iter()
            .map(|r| {
                vec![
                    r.unit,
                    r.tasks.to_string(),
                    r.reported.to_string(),
                    r.approved.to_string(),
                    r.returned.to_string(),
                    r.drafts.to_string(),
                    r.missing.to_string(),
                    r.late.to_string(),
                ]
            })
            .collect(),
    };
    views::xlsx_download(&table, &format!("completeness-{}.xlsx", period.code)).map_err(err)
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
