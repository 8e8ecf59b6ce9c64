//! 待办: what a user has to do, as lists that hold for a province — one tab per kind (待填报,
//! 待审核, 延期申请) with its count, a filter bar, sorting, 50 rows a page, batch decisions on
//! the review list, and an .xlsx export of the filtered list.
//!
//! The reporting list is filtered, counted and paged in SQL (the office of a 20,000-unit
//! province has hundreds of thousands of tasks to wait for); the review list holds submitted
//! reports only, whose step each person may decide is the domain's question, so it is filtered
//! and paged here.

use askama::Template;
use axum::Router;
use axum::extract::{OriginalUri, Query, State};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use jixiao_store::{ReporterTodo, ReviewTodo, TodoFilter, TodoSort, TodoState};
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::{Catalog, Locale};
use crate::pages::{PageResult, render};
use crate::views::{self, Frame};
use crate::{AppState, WebError};

/// Rows a page shows.
const PER_PAGE: usize = 50;
/// Reports one batch decides at most (a page holds 50; a forged form cannot ask for more work).
const MAX_BATCH: usize = 200;
/// Rows an export holds at most.
const EXPORT_ROWS: usize = 100_000;

/// The routes of this feature.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/todo", get(page))
        .route("/todo/export", get(export))
        .route("/todo/review", post(batch_review))
}

/// The list a page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Report,
    Review,
    Extensions,
}

impl Tab {
    fn code(self) -> &'static str {
        match self {
            Tab::Report => "report",
            Tab::Review => "review",
            Tab::Extensions => "extensions",
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct TodoQuery {
    tab: Option<String>,
    /// Words in the unit's or the task's name.
    q: Option<String>,
    /// Report list: empty / draft / returned.
    state: Option<String>,
    /// Review list: any / a finding's code.
    flag: Option<String>,
    /// deadline (or submitted) / unit.
    sort: Option<String>,
    page: Option<String>,
    /// After a batch decision: how many went through, how many did not.
    ok: Option<usize>,
    failed: Option<usize>,
}

impl TodoQuery {
    /// The tabs this role has, and the one asked for (else the first).
    fn tab(&self, session: &Session) -> (Vec<Tab>, Option<Tab>) {
        let role = session.user.role();
        let mut tabs = Vec::new();
        if role.may_review() {
            tabs.extend([Tab::Review]);
        }
        if role.may_report() {
            tabs.push(Tab::Report);
        }
        if role.may_review() {
            tabs.push(Tab::Extensions);
        }
        let asked = self.tab.as_deref();
        let shown = tabs
            .iter()
            .copied()
            .find(|t| Some(t.code()) == asked)
            .or_else(|| tabs.first().copied());
        (tabs, shown)
    }

    fn words(&self) -> Option<&str> {
        self.q.as_deref().map(str::trim).filter(|q| !q.is_empty())
    }

    fn page(&self) -> usize {
        self.page
            .as_deref()
            .and_then(|p| p.parse::<usize>().ok())
            .filter(|p| *p >= 1)
            .unwrap_or(1)
            .min(100_000)
    }

    fn by_unit(&self) -> bool {
        self.sort.as_deref() == Some("unit")
    }

    /// The same list, another page (or the export), keeping every filter.
    fn href(&self, path: &str, tab: Tab, page: Option<usize>) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("tab", tab.code());
        for (k, v) in [
            ("q", self.words()),
            ("state", self.state.as_deref()),
            ("flag", self.flag.as_deref()),
            ("sort", self.sort.as_deref()),
        ] {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                q.append_pair(k, v);
            }
        }
        if let Some(p) = page {
            q.append_pair("page", &p.to_string());
        }
        format!("{path}?{}", q.finish())
    }
}

struct ReportRow {
    item: ReporterTodo,
    period: String,
    state: String,
    due: Option<(String, String, &'static str)>,
}

struct ReviewRow {
    item: ReviewTodo,
    period: String,
    submitted: String,
    step: String,
    flags: Vec<String>,
}

struct TabView {
    code: &'static str,
    label: String,
    count: Option<usize>,
    active: bool,
}

#[derive(Template)]
#[template(path = "todo.html")]
struct TodoPage {
    f: Frame,
    tabs: Vec<TabView>,
    tab: &'static str,
    q: String,
    state: String,
    flag: String,
    by_unit: bool,
    total: usize,
    /// More rows than the list counts exactly.
    capped: bool,
    /// The count it stops at, as shown.
    pages_cap: String,
    page: usize,
    pages: usize,
    prev: Option<String>,
    next: Option<String>,
    export: String,
    /// This list as filtered, to come back to after a batch decision.
    back: String,
    to_report: Vec<ReportRow>,
    to_review: Vec<ReviewRow>,
    extensions: Vec<jixiao_store::PendingExtension>,
    notice: Option<String>,
    /// 催报 received by the reporter's units in the last weeks: (who, when, unit, period) and
    /// the message.
    reminders: Vec<(String, String)>,
}

/// How far back a reporter's 待办 shows the reminders received.
const REMINDERS_SHOWN_DAYS: i64 = 30;

/// A deadline as the to-do list shows it, at `now`.
pub(crate) fn due_view(
    deadline: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
    t: &Catalog,
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

/// The submitted reports this person decides now, matching the query, in its order.
async fn review_list(
    s: &AppState,
    session: &Session,
    q: &TodoQuery,
) -> Result<Vec<(ReviewTodo, jixiao_domain::StepAt)>, WebError> {
    let asker = session.asker();
    let words = q.words().map(str::to_lowercase);
    let flag = q.flag.as_deref().filter(|f| !f.is_empty());
    let mut rows: Vec<(ReviewTodo, jixiao_domain::StepAt)> = s
        .store
        .review_todo(session.reach_list())
        .await?
        .into_iter()
        .filter_map(|item| {
            let at = jixiao_app::reports::listed_step(&asker, &item)?;
            Some((item, at))
        })
        .filter(|(i, _)| {
            words.as_deref().is_none_or(|w| {
                i.unit.to_lowercase().contains(w) || i.task.to_lowercase().contains(w)
            })
        })
        .filter(|(i, _)| match flag {
            None => true,
            Some("any") => !i.flags.is_empty(),
            Some(code) => i.flags.split(',').any(|f| f == code),
        })
        .collect();
    if q.by_unit() {
        rows.sort_by(|(a, _), (b, _)| a.unit.cmp(&b.unit).then(a.task_id.cmp(&b.task_id)));
    }
    Ok(rows)
}

fn sort_of(q: &TodoQuery) -> TodoSort {
    if q.by_unit() {
        TodoSort::Unit
    } else {
        TodoSort::Deadline
    }
}

fn reporter_filter(q: &TodoQuery) -> (TodoFilter, TodoSort) {
    (
        TodoFilter {
            q: q.words().map(str::to_string),
            state: q.state.as_deref().and_then(TodoState::parse),
        },
        sort_of(q),
    )
}

/// The review list's filter; a finding code that is none is no filter.
fn review_filter(q: &TodoQuery) -> jixiao_store::ReviewFilter {
    jixiao_store::ReviewFilter {
        q: q.words().map(str::to_string),
        flag: q
            .flag
            .as_deref()
            .filter(|f| *f == "any" || jixiao_domain::checks::Finding::CODES.contains(f))
            .map(str::to_string),
    }
}

fn review_row(item: ReviewTodo, at: jixiao_domain::StepAt, t: &Catalog) -> ReviewRow {
    ReviewRow {
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
        submitted: views::beijing_minute(item.submitted_at.as_deref()),
        item,
    }
}

/// `GET /todo`.
async fn page(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Query(q): Query<TodoQuery>,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    let t = locale.catalog();
    let reach = session.reach_list();
    let (tabs, shown) = q.tab(&session);
    let page = q.page();
    let offset = (page - 1) * PER_PAGE;
    let now = chrono::Utc::now();
    let mut view = TodoPage {
        f: Frame::new(locale, &uri, Some(&session)),
        tabs: Vec::new(),
        tab: shown.map_or("", Tab::code),
        q: q.words().unwrap_or_default().to_string(),
        state: q.state.clone().unwrap_or_default(),
        flag: q.flag.clone().unwrap_or_default(),
        by_unit: q.by_unit(),
        total: 0,
        capped: false,
        pages_cap: jixiao_store::COUNT_CAP.to_string(),
        page,
        pages: 1,
        prev: None,
        next: None,
        export: String::new(),
        back: String::new(),
        to_report: Vec::new(),
        to_review: Vec::new(),
        extensions: Vec::new(),
        notice: q.ok.map(|ok| {
            t.fill(
                "todo.batch.done",
                &[
                    ("ok", &ok.to_string()),
                    ("failed", &q.failed.unwrap_or(0).to_string()),
                ],
            )
        }),
        reminders: Vec::new(),
    };
    if session.user.role() == jixiao_domain::Role::Reporter {
        let since = (now - chrono::Duration::days(REMINDERS_SHOWN_DAYS))
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        view.reminders = s
            .store
            .unit_reminders(reach, &since, 5)
            .await
            .map_err(|e| err(e.into()))?
            .into_iter()
            .map(|r| {
                let head = t.fill(
                    "reminders.inbox.item",
                    &[
                        ("by", &r.sent_by_name),
                        ("at", &views::beijing_minute(Some(&r.sent_at))),
                        ("unit", &r.unit),
                        ("period", &views::period_label(&r.period, t)),
                    ],
                );
                (head, r.message)
            })
            .collect();
    }
    match shown {
        Some(Tab::Report) => {
            let (filter, sort) = reporter_filter(&q);
            let (rows, total) = s
                .store
                .reporter_todo(reach, &filter, sort, (PER_PAGE as i64, offset as i64))
                .await
                .map_err(|e| err(e.into()))?;
            view.total = usize::try_from(total).unwrap_or(0);
            view.to_report = rows
                .into_iter()
                .map(|item| ReportRow {
                    due: due_view(item.deadline.as_deref(), now, t),
                    period: views::period_label(&item.period, t),
                    state: match item.state.as_deref() {
                        None => t.get("todo.state.empty").to_string(),
                        Some(s) => t.get(&format!("report.state.{s}")).to_string(),
                    },
                    item,
                })
                .collect();
        }
        Some(Tab::Review) if session.everything => {
            // The office decides every step: the database filters, counts and pages.
            let (rows, total) = s
                .store
                .review_todo_page(
                    &review_filter(&q),
                    sort_of(&q),
                    (PER_PAGE as i64, offset as i64),
                )
                .await
                .map_err(|e| err(e.into()))?;
            view.total = usize::try_from(total).unwrap_or(0);
            let asker = session.asker();
            view.to_review = rows
                .into_iter()
                .filter_map(|item| {
                    let at = jixiao_app::reports::listed_step(&asker, &item)?;
                    Some(review_row(item, at, t))
                })
                .collect();
        }
        Some(Tab::Review) => {
            let rows = review_list(&s, &session, &q).await.map_err(err)?;
            view.total = rows.len();
            view.to_review = rows
                .into_iter()
                .skip(offset)
                .take(PER_PAGE)
                .map(|(item, at)| review_row(item, at, t))
                .collect();
        }
        Some(Tab::Extensions) => {
            view.extensions = s
                .store
                .pending_extensions(reach)
                .await
                .map_err(|e| err(e.into()))?;
            view.total = view.extensions.len();
        }
        None => {}
    }
    if let Some(tab) = shown {
        let cap = usize::try_from(jixiao_store::COUNT_CAP).unwrap_or(usize::MAX);
        view.capped = view.total > cap;
        view.pages = view.total.min(cap).div_ceil(PER_PAGE).max(1);
        view.prev = (page > 1).then(|| q.href("/todo", tab, Some(page - 1)));
        let more = page < view.pages
            || (view.capped && view.to_report.len() + view.to_review.len() == PER_PAGE);
        view.next = more.then(|| q.href("/todo", tab, Some(page + 1)));
        view.export = q.href("/todo/export", tab, None);
        view.back = q.href("/todo", tab, Some(page));
    }
    view.tabs = tabs
        .iter()
        .map(|tab| TabView {
            code: tab.code(),
            label: t.get(&format!("todo.tab.{}", tab.code())).to_string(),
            count: (Some(*tab) == shown && !view.capped).then_some(view.total),
            active: Some(*tab) == shown,
        })
        .collect();
    render(locale, &view)
}

/// `GET /todo/export`: the filtered list as .xlsx, every page.
async fn export(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Query(q): Query<TodoQuery>,
) -> Result<Response, LocalizedError> {
    let err = |e: WebError| LocalizedError(locale, e);
    let t = locale.catalog();
    let (_, shown) = q.tab(&session);
    let now = chrono::Utc::now();
    let col = |k: &str| t.get(k).to_string();
    let table = match shown {
        Some(Tab::Report) => {
            let (filter, sort) = reporter_filter(&q);
            let (rows, _) = s
                .store
                .reporter_todo(session.reach_list(), &filter, sort, (EXPORT_ROWS as i64, 0))
                .await
                .map_err(|e| err(e.into()))?;
            jixiao_office::export::ListTable {
                title: t.get("todo.tab.report").to_string(),
                headers: vec![
                    col("table.col.task"),
                    col("scheme.col.unit"),
                    col("table.period"),
                    col("todo.col.state"),
                    col("todo.col.deadline"),
                ],
                rows: rows
                    .into_iter()
                    .map(|r| {
                        let due = due_view(r.deadline.as_deref(), now, t)
                            .map(|(d, mark, _)| format!("{d} {mark}"))
                            .unwrap_or_default();
                        let state = match r.state.as_deref() {
                            None => t.get("todo.state.empty").to_string(),
                            Some(s) => t.get(&format!("report.state.{s}")).to_string(),
                        };
                        vec![
                            r.task,
                            r.unit,
                            views::period_label(&r.period, t),
                            state,
                            due,
                        ]
                    })
                    .collect(),
            }
        }
        Some(Tab::Review) => {
            let rows = if session.everything {
                let asker = session.asker();
                s.store
                    .review_todo_page(&review_filter(&q), sort_of(&q), (EXPORT_ROWS as i64, 0))
                    .await
                    .map_err(|e| err(e.into()))?
                    .0
                    .into_iter()
                    .filter_map(|item| {
                        let at = jixiao_app::reports::listed_step(&asker, &item)?;
                        Some((item, at))
                    })
                    .collect()
            } else {
                review_list(&s, &session, &q).await.map_err(err)?
            };
            jixiao_office::export::ListTable {
                title: t.get("todo.tab.review").to_string(),
                headers: vec![
                    col("table.col.task"),
                    col("scheme.col.unit"),
                    col("table.period"),
                    col("todo.col.submitted"),
                    col("review.col.step"),
                    col("todo.col.flags"),
                ],
                rows: rows
                    .into_iter()
                    .take(EXPORT_ROWS)
                    .map(|(item, at)| {
                        let r = review_row(item, at, t);
                        vec![
                            r.item.task,
                            r.item.unit,
                            r.period,
                            r.submitted,
                            r.step,
                            r.flags.join("、"),
                        ]
                    })
                    .collect(),
            }
        }
        _ => return Err(err(WebError::NotFound)),
    };
    views::xlsx_download(
        &table,
        &format!("todo-{}.xlsx", shown.map_or("", Tab::code)),
    )
    .map_err(err)
}

/// `POST /todo/review`: one decision for the reports ticked (`item=REPORT:VERSION`, repeated),
/// each decided as on its own page — the same permission, step and version checks — so one
/// refused report fails alone.
async fn batch_review(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    body: String,
) -> Result<Redirect, LocalizedError> {
    let err = |e: WebError| LocalizedError(locale, e);
    let t = locale.catalog();
    let mut csrf = String::new();
    let mut decision = String::new();
    let mut reason = String::new();
    let mut back = String::new();
    let mut items: Vec<(i64, i64)> = Vec::new();
    for (k, v) in form_urlencoded::parse(body.as_bytes()) {
        match k.as_ref() {
            "csrf" => csrf = v.into_owned(),
            "decision" => decision = v.into_owned(),
            "reason" => reason = v.trim().to_string(),
            "back" => back = v.into_owned(),
            "item" => {
                if let Some((r, ver)) = v.split_once(':')
                    && let (Ok(r), Ok(ver)) = (r.parse(), ver.parse())
                {
                    items.push((r, ver));
                }
            }
            _ => {}
        }
    }
    session.check_csrf(&csrf).map_err(err)?;
    if !session.user.role().may_review() {
        return Err(err(WebError::Forbidden));
    }
    let decision = match decision.as_str() {
        "approve" => jixiao_store::Decision::Approve,
        "return" if !reason.is_empty() => jixiao_store::Decision::Return { reason },
        "return" => {
            return Err(err(WebError::BadRequest(
                t.get("report.error.reason").to_string(),
            )));
        }
        other => return Err(err(WebError::BadRequest(other.to_string()))),
    };
    if items.len() > MAX_BATCH {
        return Err(err(WebError::BadRequest(
            t.fill("todo.batch.too_many", &[("max", &MAX_BATCH.to_string())]),
        )));
    }
    if items.is_empty() {
        return Err(err(WebError::BadRequest(
            t.get("todo.batch.none").to_string(),
        )));
    }
    let asker = session.asker();
    let actor = session.user.actor();
    let (mut ok, mut failed) = (0usize, 0usize);
    for (report_id, version) in items {
        let decided = async {
            let report = s.store.report(report_id).await?.ok_or(WebError::NotFound)?;
            let d = crate::task_page::task_in_reach(&s, &session, report.task_id).await?;
            jixiao_app::reports::review(&s.store, &asker, &actor, &d, &report, version, &decision)
                .await
                .map_err(|e| WebError::BadRequest(e.to_string()))
        }
        .await;
        match decided {
            Ok(_) => ok += 1,
            Err(e) => {
                tracing::info!(report_id, error = %e, "batch review: not decided");
                failed += 1;
            }
        }
    }
    // Back to the list as it was filtered (only a local /todo link is followed).
    let back = if back.starts_with("/todo?")
        && !back.contains("//")
        && !back.chars().any(char::is_control)
    {
        back
    } else {
        "/todo?tab=review".to_string()
    };
    Ok(Redirect::to(&format!("{back}&ok={ok}&failed={failed}")))
}
