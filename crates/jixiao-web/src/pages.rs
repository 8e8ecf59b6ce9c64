//! The pages and their routes. Every route is listed in `router()`.

use askama::Template;
use axum::Router;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use crate::account;
use crate::auth::{Session, session_of};
use crate::error::LocalizedError;
use crate::i18n::{Catalog, LANG_COOKIE, Locale};
use crate::views::{self, Frame, TableRowView};
use crate::{AppState, WebError};
use jixiao_domain::Basis;
use jixiao_store::{IndicatorRecord, PeriodRecord, SchemeRecord, SchemeSummary, UnitInScheme};

pub(crate) type PageResult = Result<Html<String>, LocalizedError>;

/// Every route of the app.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(schemes))
        .route("/schemes/{id}", get(scheme))
        .route("/schemes/{id}/units/{unit}", get(unit_table))
        .route(
            "/schemes/{id}/units/{unit}/export/{format}",
            get(crate::export::download),
        )
        .route("/schemes/{id}/periods", post(crate::deadlines::set_period))
        .route("/tasks/{id}/extensions", post(crate::deadlines::request))
        .route("/extensions/{id}/decide", post(crate::deadlines::decide))
        .route("/reports/{id}/grade", post(crate::task_page::grade_report))
        .route("/schemes/{id}/ranking", get(ranking))
        .route("/schemes/{id}/warnings", get(crate::drilldown::warnings))
        .route(
            "/schemes/{id}/warnings/export",
            get(crate::drilldown::warnings_export),
        )
        .route("/schemes/{id}/dashboard", get(crate::drilldown::dashboard))
        .route(
            "/schemes/{id}/units/{unit}/dashboard",
            get(crate::drilldown::unit_dashboard),
        )
        .route(
            "/schemes/{id}/settings",
            get(crate::setup::settings).post(crate::setup::save_settings),
        )
        .route(
            "/schemes/{id}/adjustment-rules",
            post(crate::setup::add_rule),
        )
        .route(
            "/schemes/{id}/veto-items",
            post(crate::setup::add_veto_item),
        )
        .route("/schemes/{id}/copy", post(crate::setup::copy))
        .route(
            "/schemes/{id}/units/{unit}/adjustments",
            post(crate::setup::add_adjustment),
        )
        .route(
            "/schemes/{id}/units/{unit}/vetoes",
            post(crate::setup::add_veto),
        )
        .route(
            "/adjustments/{id}/delete",
            post(crate::setup::delete_adjustment),
        )
        .route("/vetoes/{id}/delete", post(crate::setup::delete_veto))
        .route("/tasks/{id}/rule", post(crate::setup::set_rule))
        .route("/tasks/{id}/override", post(crate::setup::set_override))
        .route(
            "/schemes/{id}/units/{unit}/score",
            get(crate::drilldown::unit_score),
        )
        .route(
            "/schemes/{id}/ranking/export/{format}",
            get(crate::export::ranking_download),
        )
        .route("/admin", get(crate::admin::page))
        .route("/admin/units", post(crate::admin::add_unit))
        .route("/admin/unit-types", post(crate::admin::add_unit_type))
        .route(
            "/admin/unit-types/{id}",
            post(crate::admin::change_unit_type),
        )
        .route("/admin/users", post(crate::admin::add_user))
        .route("/admin/users/{id}", post(crate::admin::user_action))
        .route(
            "/admin/import",
            get(crate::upload::form).post(crate::upload::preview).layer(
                axum::extract::DefaultBodyLimit::max(crate::upload::MAX_UPLOAD_BYTES + 64 * 1024),
            ),
        )
        .route("/admin/import/confirm", post(crate::upload::confirm))
        .route("/search", get(crate::worklist::search))
        .route(
            "/schemes/{id}/completeness",
            get(crate::worklist::completeness),
        )
        .route(
            "/schemes/{id}/completeness/export",
            get(crate::worklist::completeness_export),
        )
        .route("/tasks/{id}", get(crate::task_page::task))
        .route("/tasks/{id}/report", post(crate::task_page::save_report))
        .route(
            "/reports/{id}/review",
            post(crate::task_page::review_report),
        )
        .route(
            "/reports/{id}/verify",
            post(crate::task_page::verify_report),
        )
        .route(
            "/reports/{id}/attachments",
            post(crate::evidence::upload).layer(axum::extract::DefaultBodyLimit::max(
                crate::evidence::MAX_FILE_BYTES + 64 * 1024,
            )),
        )
        .route("/attachments/{id}", get(crate::evidence::download))
        .route("/attachments/{id}/delete", post(crate::evidence::delete))
        .route("/login", get(account::login_form).post(account::login))
        .route("/logout", post(account::logout))
        .route("/logout/everywhere", post(account::logout_everywhere))
        .route("/account", get(account::account))
        .route("/account/password", post(account::change_password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/lang/{tag}", get(switch_lang))
        .route("/static/jixiao.css", get(stylesheet))
        .route("/static/favicon.svg", get(favicon))
        .route("/favicon.ico", get(favicon))
        .route("/healthz", get(healthz))
        .route("/metrics", get(crate::metrics::metrics))
        .merge(crate::routing::router())
        .merge(crate::todo::router())
        .merge(crate::reminders::router())
        .merge(crate::audit_log::router())
        .fallback(not_found)
}

pub(crate) fn id(raw: &str) -> Result<i64, WebError> {
    raw.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .ok_or(WebError::NotFound)
}

/// A scheme with the period a page shows (the one asked for, else the latest) and all its
/// periods; `NotFound` when either does not exist.
pub(crate) async fn scheme_period(
    s: &AppState,
    session: &Session,
    scheme_id: i64,
    asked: Option<&str>,
) -> Result<(SchemeRecord, PeriodRecord, Vec<PeriodRecord>), WebError> {
    let scheme = scheme_in_reach(s, session, scheme_id).await?;
    let periods = s.store.periods(scheme_id).await?;
    let period = match asked.filter(|p| !p.is_empty()) {
        Some(code) => periods.iter().find(|p| p.code == code),
        None => periods.last(),
    }
    .cloned()
    .ok_or(WebError::NotFound)?;
    Ok((scheme, period, periods))
}

/// A unit's table for a period (empty: the latest) with its scheme's scoring, if the session
/// reaches the unit and the unit is assessed in the scheme (otherwise it does not exist).
pub(crate) async fn scored_unit_table(
    s: &AppState,
    session: &Session,
    scheme_id: i64,
    unit_id: i64,
    period: Option<String>,
    basis: jixiao_domain::Basis,
) -> Result<(jixiao_store::UnitTable, crate::scores::SchemeScoring), WebError> {
    if !session.reaches(unit_id) {
        return Err(WebError::NotFound);
    }
    let period = period.filter(|p| !p.is_empty());
    let table = s
        .store
        .unit_table(scheme_id, unit_id, period.as_deref())
        .await?
        .ok_or(WebError::NotFound)?;
    let scoring = crate::scores::SchemeScoring::load_for_unit(&s.store, &table.scheme, unit_id)
        .await?
        .with_basis(basis);
    Ok((table, scoring))
}

/// The scheme of an office-only page or form: 403 for anyone but the office, 404 for a
/// scheme that does not exist.
pub(crate) async fn scheme_for_admin(
    s: &AppState,
    session: &Session,
    raw_id: &str,
) -> Result<SchemeRecord, WebError> {
    let scheme_id = id(raw_id)?;
    session.require_admin()?;
    s.store.scheme(scheme_id).await?.ok_or(WebError::NotFound)
}

/// The scheme, if it exists and the session may see it: the office sees every scheme, anyone
/// else a scheme in which a unit in reach is assessed (otherwise it does not exist).
pub(crate) async fn scheme_in_reach(
    s: &AppState,
    session: &Session,
    scheme_id: i64,
) -> Result<SchemeRecord, WebError> {
    let scheme = s.store.scheme(scheme_id).await?.ok_or(WebError::NotFound)?;
    if session.user.role().may_administer() {
        return Ok(scheme);
    }
    let assessed = s.store.scheme_units(scheme_id).await?;
    if assessed.iter().any(|u| session.reaches(u.unit_id)) {
        Ok(scheme)
    } else {
        Err(WebError::NotFound)
    }
}

pub(crate) fn render(locale: Locale, page: &impl Template) -> PageResult {
    page.render()
        .map(Html)
        .map_err(|e| LocalizedError(locale, e.into()))
}

// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "schemes.html")]
struct SchemesPage {
    f: Frame,
    schemes: Vec<SchemeSummary>,
}

impl SchemesPage {
    fn state_label(&self, state: &str) -> &'static str {
        let key: &'static str = match state {
            "draft" => "scheme.state.draft",
            "closed" => "scheme.state.closed",
            _ => "scheme.state.active",
        };
        self.f.t.get(key)
    }
}

async fn schemes(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
) -> PageResult {
    let err = |e: jixiao_store::StoreError| LocalizedError(locale, e.into());
    let pairs = s.store.scheme_unit_ids().await.map_err(err)?;
    let schemes = s
        .store
        .list_schemes()
        .await
        .map_err(err)?
        .into_iter()
        .filter(|sc| {
            session.user.role().may_administer()
                || pairs
                    .iter()
                    .any(|(scheme, unit)| *scheme == sc.id && session.reaches(*unit))
        })
        .collect();
    render(
        locale,
        &SchemesPage {
            f: Frame::new(locale, &uri, Some(&session)),
            schemes,
        },
    )
}

// ---------------------------------------------------------------------------------------------

struct IndicatorView {
    depth_pad: usize,
    level_label: String,
    name: String,
    points: String,
}

/// A unit in a scheme's list.
struct UnitRowView {
    unit_id: i64,
    name: String,
    department: String,
    tasks: i64,
    weight: String,
}

#[derive(Template)]
#[template(path = "scheme.html")]
struct SchemePage {
    f: Frame,
    id: i64,
    title: String,
    year: i64,
    indicators: Vec<IndicatorView>,
    units: Vec<UnitRowView>,
    pager: Pager,
    pager_label: String,
    periods: Vec<(String, String, Option<String>)>,
    /// The period form as typed, with its error, when a save failed.
    period_form: PeriodFormView,
    /// Says that a period was saved, and which.
    period_saved: Option<String>,
    warnings: Vec<String>,
    is_admin: bool,
}

/// The period form of the scheme page: what was typed (kept when a save fails) and the error.
#[derive(Default)]
pub(crate) struct PeriodFormView {
    pub(crate) code: String,
    pub(crate) deadline: String,
    pub(crate) error: Option<String>,
}

fn level_label(level: i64, t: &Catalog) -> String {
    match level {
        1 => t.get("level.1").to_string(),
        2 => t.get("level.2").to_string(),
        n => format!("{n}{}", t.get("level.n")),
    }
}

async fn scheme(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path(raw): Path<String>,
    Query(q): Query<PageQuery>,
) -> PageResult {
    let scheme_id = id(&raw).map_err(|e| LocalizedError(locale, e))?;
    let t = locale.catalog();
    // After a period's save (`done=period&period=CODE`): which period, in words.
    let saved = match (q.done.as_deref(), q.period.as_deref()) {
        (Some("period"), Some(code)) => code.parse::<jixiao_domain::Period>().ok().map(|p| {
            t.fill(
                "deadline.saved",
                &[("period", &views::period_label(&p.code(), t))],
            )
        }),
        _ => None,
    };
    scheme_page(
        &s,
        locale,
        &uri,
        &session,
        scheme_id,
        q.page.as_deref(),
        PeriodFormView::default(),
        saved,
    )
    .await
}

/// The scheme page, with the period form as given (empty, or as typed with its error).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn scheme_page(
    s: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    scheme_id: i64,
    page: Option<&str>,
    period_form: PeriodFormView,
    period_saved: Option<String>,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    let scheme = s
        .store
        .scheme(scheme_id)
        .await
        .map_err(|e| err(e.into()))?
        .ok_or(err(WebError::NotFound))?;
    let t = locale.catalog();
    let indicators: Vec<IndicatorRecord> = s
        .store
        .indicators(scheme_id)
        .await
        .map_err(|e| err(e.into()))?;
    let units: Vec<UnitInScheme> = s
        .store
        .scheme_units(scheme_id)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .filter(|u| session.reaches(u.unit_id))
        .collect();
    if units.is_empty() && !session.user.role().may_administer() {
        return Err(err(WebError::NotFound));
    }
    let mut warnings = Vec::new();
    let reached: Vec<i64> = units.iter().map(|u| u.unit_id).collect();
    let reach = session.reach_list().map(|_| reached.as_slice());
    warnings.extend(
        crate::scores::period_summary(&s.store, scheme_id, None, reach, Basis::Official)
            .await
            .map_err(|e| err(e.into()))?
            .warnings,
    );
    let periods = s
        .store
        .periods(scheme_id)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .map(|p| {
            (
                p.code.clone(),
                views::period_label(&p.code, t),
                crate::deadlines::deadline_date(&p),
            )
        })
        .collect();
    let indicators = ordered_tree(&indicators)
        .into_iter()
        .map(|(depth, r)| IndicatorView {
            depth_pad: depth * 2,
            level_label: level_label(r.level, t),
            name: r.name.clone(),
            points: r.points.map(views::points).unwrap_or_default(),
        })
        .collect();
    let pager = Pager::new(page, units.len(), UNIT_PAGE_ROWS, String::new());
    let shown = &units[pager.range(UNIT_PAGE_ROWS)];
    let ids: Vec<i64> = shown.iter().map(|u| u.unit_id).collect();
    let loads: std::collections::HashMap<i64, jixiao_store::UnitWorkload> = s
        .store
        .unit_workloads(scheme_id, &ids)
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .map(|w| (w.unit_id, w))
        .collect();
    let units = shown
        .iter()
        .map(|u| {
            let load = loads.get(&u.unit_id);
            UnitRowView {
                unit_id: u.unit_id,
                name: u.name.clone(),
                department: u.department.clone(),
                tasks: load.map_or(0, |w| w.tasks),
                weight: views::points(load.map_or(0.0, |w| w.weight_sum)),
            }
        })
        .collect();
    render(
        locale,
        &SchemePage {
            f: Frame::new(locale, uri, Some(session)),
            id: scheme.id,
            title: scheme.title,
            year: scheme.year,
            indicators,
            units,
            pager_label: pager.label(t),
            pager,
            periods,
            period_form,
            period_saved,
            warnings,
            is_admin: session.user.role().may_administer(),
        },
    )
}

/// Indicators depth first, each with its depth.
fn ordered_tree(all: &[IndicatorRecord]) -> Vec<(usize, &IndicatorRecord)> {
    fn walk<'a>(
        all: &'a [IndicatorRecord],
        parent: Option<i64>,
        depth: usize,
        out: &mut Vec<(usize, &'a IndicatorRecord)>,
    ) {
        if depth > 32 {
            return;
        }
        for r in all.iter().filter(|r| r.parent_id == parent) {
            out.push((depth, r));
            walk(all, Some(r.id), depth + 1, out);
        }
    }
    let mut out = Vec::with_capacity(all.len());
    walk(all, None, 0, &mut out);
    out
}

// ---------------------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "unit_table.html")]
struct UnitTablePage {
    f: Frame,
    /// The message after an import.
    flash: Option<String>,
    basis: views::BasisSwitch,
    scheme_id: i64,
    unit_id: i64,
    title: String,
    unit: String,
    department: String,
    period_code: String,
    period_label: String,
    time_progress: String,
    periods: Vec<(String, String)>,
    rows: Vec<TableRowView>,
    total: String,
    score_total: String,
    has_status: bool,
    warnings: Vec<String>,
}

#[derive(Deserialize)]
struct PeriodQuery {
    period: Option<String>,
    basis: Option<String>,
    /// Set by the import's redirect: how many tasks were imported.
    imported: Option<String>,
}

async fn unit_table(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path((raw_scheme, raw_unit)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    let (scheme_id, unit_id) = (id(&raw_scheme).map_err(err)?, id(&raw_unit).map_err(err)?);
    let basis = views::basis_of(q.basis.as_deref());
    let (table, scoring) = scored_unit_table(&s, &session, scheme_id, unit_id, q.period, basis)
        .await
        .map_err(err)?;
    let t = locale.catalog();
    let warnings = table
        .weight_mismatches()
        .map_err(|e| err(e.into()))?
        .iter()
        .map(ToString::to_string)
        .collect();
    let mut rows = views::table_rows(&table, t);
    // The scores the scheme's rules give (待评 where a grade or a completion is missing).
    let scores = scoring.task_scores(&table).map_err(|e| err(e.into()))?;
    let mut score_total = 0.0;
    for r in &mut rows {
        if let Some(s) = scores.get(&r.task_id) {
            r.score = Some(match s.final_score.points() {
                Some(p) => {
                    score_total += p.get();
                    views::score(p.get())
                }
                None => t.get("score.pending").to_string(),
            });
        }
    }
    let score_total = scoring
        .unit_result(&table)
        .map(|u| views::score(u.total))
        .unwrap_or_else(|_| views::score(score_total));
    let has_status = table
        .tasks
        .iter()
        .any(|t| t.report.as_ref().is_some_and(|r| r.status.is_some()));
    let period_code = table
        .period
        .as_ref()
        .map(|p| p.code.clone())
        .unwrap_or_default();
    let time_progress = table
        .period
        .as_ref()
        .and_then(PeriodRecord::period)
        .map(|p| format!("{:.0}%", p.time_progress().get() * 100.0))
        .unwrap_or_default();
    let counts = crate::scores::left_out(&table);
    let basis = views::BasisSwitch::new(
        t,
        basis,
        &format!("/schemes/{scheme_id}/units/{unit_id}"),
        &[("period", &period_code)],
        counts,
    );
    render(
        locale,
        &UnitTablePage {
            flash: q
                .imported
                .as_deref()
                .and_then(|n| n.parse::<usize>().ok())
                .map(|n| t.fill("upload.done", &[("n", &n.to_string())])),
            f: Frame::new(locale, &uri, Some(&session)),
            basis,
            scheme_id,
            unit_id,
            title: table.scheme.title.clone(),
            unit: table.unit.name.clone(),
            department: table.department.clone(),
            period_label: views::period_label(&period_code, t),
            period_code,
            time_progress,
            periods: table
                .periods
                .iter()
                .map(|p| (p.code.clone(), views::period_label(&p.code, t)))
                .collect(),
            total: views::points(table.weight_total()),
            score_total,
            rows,
            has_status,
            warnings,
        },
    )
}

// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct LangQuery {
    next: Option<String>,
}

/// Remembers the chosen locale in a cookie and goes back to where the user was.
async fn switch_lang(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
    Path(tag): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let locale = Locale::parse(&tag).unwrap_or_default();
    // A logged-in user's choice follows them to other browsers.
    if let Ok(Some(session)) = session_of(&s, &headers).await
        && let Err(e) = s.store.set_user_locale(session.user.id, locale.tag()).await
    {
        tracing::warn!(error = %e, "could not remember the locale");
    }
    // Only local paths: never an open redirect.
    let next = crate::auth::local_path(q.next.as_deref());
    let secure = if s.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly{secure}",
        locale.tag()
    );
    let mut resp = Redirect::to(&next).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../static/jixiao.css"),
    )
        .into_response()
}

/// The icon browsers ask for on every page (our own drawing: three bars on a seal red).
async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_str!("../static/favicon.svg"),
    )
        .into_response()
}

async fn healthz(State(s): State<AppState>) -> Response {
    match s.store.ping().await {
        Ok(()) => (StatusCode::OK, "ok").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn not_found(locale: Locale) -> LocalizedError {
    LocalizedError(locale, WebError::NotFound)
}

// ---------------------------------------------------------------------------------------------

struct RankRow {
    rank: usize,
    type_rank: usize,
    unit_id: i64,
    unit: String,
    unit_type: String,
    total: String,
    mean: String,
    pending: usize,
    /// Reports of the unit waiting for review.
    awaiting: usize,
    note: String,
}

#[derive(Template)]
#[template(path = "ranking.html")]
struct RankingPage {
    f: Frame,
    basis: views::BasisSwitch,
    scheme_id: i64,
    title: String,
    period_code: String,
    /// The unit types ranked, with how many units each; empty when there is only one.
    types: Vec<(String, usize)>,
    /// The type shown, empty for all.
    shown_type: String,
    /// The unit name searched for.
    q: String,
    rows: Vec<RankRow>,
    pager: Pager,
    pager_label: String,
}

/// Rows of a ranking page: a province's 20,000 units are paged, not sent as one table (the
/// full table is the export).
const RANKING_PAGE_ROWS: usize = 200;

/// Units listed per page of a scheme.
const UNIT_PAGE_ROWS: usize = 200;

/// A page of a paged list.
#[derive(Deserialize)]
struct PageQuery {
    page: Option<String>,
    /// `period` after a period's save (the scheme page).
    done: Option<String>,
    /// The period saved.
    period: Option<String>,
}

/// Where a paged list is: page `page` of `pages` (1-based), `count` rows in all, and the
/// query string (without `page`) its links keep.
pub(crate) struct Pager {
    pub(crate) page: usize,
    pub(crate) pages: usize,
    pub(crate) count: usize,
    pub(crate) query: String,
}

impl Pager {
    /// Page `asked` (1 when missing, not a number or past the end) of `count` rows.
    pub(crate) fn new(asked: Option<&str>, count: usize, per_page: usize, query: String) -> Pager {
        let pages = count.div_ceil(per_page).max(1);
        let page = asked
            .and_then(|p| p.parse::<usize>().ok())
            .filter(|p| (1..=pages).contains(p))
            .unwrap_or(1);
        Pager {
            page,
            pages,
            count,
            query,
        }
    }

    /// 第 x / y 页，共 n 项.
    pub(crate) fn label(&self, t: &crate::i18n::Catalog) -> String {
        t.fill(
            "pager.position",
            &[
                ("page", &self.page.to_string()),
                ("pages", &self.pages.to_string()),
                ("count", &self.count.to_string()),
            ],
        )
    }

    /// The rows of this page.
    fn range(&self, per_page: usize) -> std::ops::Range<usize> {
        let start = (self.page - 1) * per_page;
        start.min(self.count)..(start + per_page).min(self.count)
    }
}

#[derive(Deserialize)]
struct RankingQuery {
    period: Option<String>,
    basis: Option<String>,
    page: Option<String>,
    #[serde(rename = "type")]
    unit_type: Option<String>,
    /// Words of a unit's name: the units found keep their places (the ranking is not redone).
    q: Option<String>,
}

async fn ranking(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path(raw): Path<String>,
    Query(q): Query<RankingQuery>,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    let scheme_id = id(&raw).map_err(err)?;
    let scheme = s
        .store
        .scheme(scheme_id)
        .await
        .map_err(|e| err(e.into()))?
        .ok_or(err(WebError::NotFound))?;
    let period = q.period.filter(|p| !p.is_empty());
    let basis = views::basis_of(q.basis.as_deref());
    let reach = session.reach_list();
    let ranked = crate::scores::ranking(&s.store, scheme_id, period.as_deref(), reach, basis)
        .await
        .map_err(|e| err(e.into()))?;
    if ranked.is_empty() && !session.user.role().may_administer() {
        return Err(err(WebError::NotFound));
    }
    let counts = ranked.iter().fold((0, 0), |(a, d), (_, u, _)| {
        (a + u.awaiting_review, d + u.drafts)
    });
    let periods = s
        .store
        .periods(scheme_id)
        .await
        .map_err(|e| err(e.into()))?;
    let period_code = match period {
        Some(p) => p,
        None => periods.last().map(|p| p.code.clone()).unwrap_or_default(),
    };
    let mut types: Vec<(String, usize)> = Vec::new();
    for (r, _, _) in &ranked {
        match types
            .iter_mut()
            .find(|(t, _)| t == r.entry.unit_type.as_str())
        {
            Some((_, n)) => *n += 1,
            None => types.push((r.entry.unit_type.to_string(), 1)),
        }
    }
    if types.len() < 2 {
        types.clear();
    }
    let shown_type = q
        .unit_type
        .filter(|t| types.iter().any(|(x, _)| x == t))
        .unwrap_or_default();
    let words =
        q.q.as_deref()
            .map(str::trim)
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase);
    let shown: Vec<_> = ranked
        .into_iter()
        .filter(|(r, _, _)| shown_type.is_empty() || r.entry.unit_type.as_str() == shown_type)
        .filter(|(r, _, _)| {
            words
                .as_deref()
                .is_none_or(|w| r.entry.unit.as_str().to_lowercase().contains(w))
        })
        .collect();
    let basis = views::BasisSwitch::new(
        locale.catalog(),
        basis,
        &format!("/schemes/{scheme_id}/ranking"),
        &[("period", &period_code), ("type", &shown_type)],
        counts,
    )
    .with_periods(&periods, locale.catalog());
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("period", &period_code)
        .append_pair("type", &shown_type)
        .append_pair("basis", basis.param());
    if let Some(w) = q.q.as_deref().map(str::trim).filter(|w| !w.is_empty()) {
        query.append_pair("q", w);
    }
    let query = query.finish();
    let pager = Pager::new(q.page.as_deref(), shown.len(), RANKING_PAGE_ROWS, query);
    let rows = shown[pager.range(RANKING_PAGE_ROWS)]
        .iter()
        .map(|(r, res, unit_id)| RankRow {
            rank: r.rank,
            type_rank: r.type_rank,
            unit_id: *unit_id,
            unit: r.entry.unit.to_string(),
            unit_type: r.entry.unit_type.to_string(),
            total: views::score(r.entry.total),
            mean: r
                .entry
                .mean_completion
                .map(views::percent)
                .unwrap_or_else(|| "—".into()),
            pending: res.pending,
            awaiting: res.awaiting_review,
            note: res.note(),
        })
        .collect();
    render(
        locale,
        &RankingPage {
            f: Frame::new(locale, &uri, Some(&session)),
            basis,
            scheme_id,
            title: scheme.title,
            period_code,
            types,
            shown_type,
            q: q.q.clone().unwrap_or_default(),
            rows,
            pager_label: pager.label(locale.catalog()),
            pager,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::Pager;

    #[test]
    fn a_pager_keeps_its_page_inside_the_rows() {
        // (asked, rows, per page) → (page, pages, range)
        let cases = [
            (None, 0, 200, (1, 1, 0..0)),
            (None, 450, 200, (1, 3, 0..200)),
            (Some("3"), 450, 200, (3, 3, 400..450)),
            (Some("4"), 450, 200, (1, 3, 0..200)),
            (Some("0"), 450, 200, (1, 3, 0..200)),
            (Some("-1"), 450, 200, (1, 3, 0..200)),
            (Some("二"), 450, 200, (1, 3, 0..200)),
            (Some("2"), 400, 200, (2, 2, 200..400)),
        ];
        for (asked, count, per, (page, pages, range)) in cases {
            let p = Pager::new(asked, count, per, String::new());
            assert_eq!(
                (p.page, p.pages, p.range(per)),
                (page, pages, range),
                "{asked:?}"
            );
        }
    }
}
