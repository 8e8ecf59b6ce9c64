//! 得分反查 (a unit's score traced down to each indicator and task, each figure with its
//! explanation) and 预警 (the tasks that lag behind the calendar, with their units).

use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use jixiao_domain::scoring::Score;
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::Locale;
use crate::pages::{PageResult, Pager, id, render};
use crate::views::{self, Frame};
use crate::{AppState, WebError};

struct TaskLineView {
    name: String,
    self_score: String,
    reviewer_score: String,
    final_score: String,
    explanation: Vec<String>,
}

struct IndicatorView {
    depth: usize,
    name: String,
    points: String,
    sum: String,
    score: String,
    capped: bool,
    pending: usize,
    explanation: Vec<String>,
    tasks: Vec<TaskLineView>,
}

#[derive(Template)]
#[template(path = "drilldown.html")]
struct DrilldownPage {
    f: Frame,
    basis: views::BasisSwitch,
    scheme_id: i64,
    unit_id: i64,
    title: String,
    unit: String,
    period_code: String,
    total: String,
    explanation: Vec<String>,
    indicators: Vec<IndicatorView>,
    adjustments: Vec<EntryView>,
    vetoes: Vec<EntryView>,
    adjustment_lines: Vec<String>,
    veto_grade: Option<String>,
    /// The admin's choices: adjustment rules and veto items; `None` for others.
    admin: Option<(Vec<Choice>, Vec<Choice>)>,
}

/// An option of a select: id and name.
type Choice = (i64, String);

/// One adjustment or veto as listed.
struct EntryView {
    id: i64,
    what: String,
    amount: String,
    reason: String,
    date: String,
}

#[derive(Deserialize)]
pub(crate) struct PeriodQuery {
    period: Option<String>,
    /// 口径: `provisional` for 含待审, else official.
    basis: Option<String>,
    /// The page of a paged list (预警).
    page: Option<String>,
    /// 预警's filter: words of the unit, task or indicator.
    q: Option<String>,
    /// 预警's filter: `serious` for 严重滞后 only.
    only: Option<String>,
    /// 预警's order: `unit`, else the most serious first.
    sort: Option<String>,
}

impl PeriodQuery {
    /// 预警's filter as the store takes it.
    fn lag_filter(&self) -> jixiao_store::LagFilter {
        jixiao_store::LagFilter {
            words: self
                .q
                .as_deref()
                .map(str::trim)
                .filter(|w| !w.is_empty())
                .map(str::to_string),
            serious_only: self.only.as_deref() == Some("serious"),
            by_unit: self.sort.as_deref() == Some("unit"),
        }
    }
}

fn shown(s: &Score, pending: &str) -> String {
    s.points()
        .map(|p| views::score(p.get()))
        .unwrap_or_else(|| pending.to_string())
}

/// `GET /schemes/{id}/units/{unit}/score`.
pub(crate) async fn unit_score(
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
    let (table, scoring) =
        crate::pages::scored_unit_table(&s, &session, scheme_id, unit_id, q.period, basis)
            .await
            .map_err(err)?;
    let result = scoring.unit_result(&table).map_err(|e| err(e.into()))?;
    let t = locale.catalog();
    let pending = t.get("score.pending");
    let indicators = crate::scores::flatten(&result.indicators)
        .into_iter()
        .map(|(depth, i)| IndicatorView {
            depth,
            name: i.name.to_string(),
            points: i.points.map(|p| p.to_string()).unwrap_or_default(),
            sum: views::score(i.sum.get()),
            score: views::score(i.score.get()),
            capped: i.capped,
            pending: i.pending,
            explanation: views::whys(t, &i.explanation),
            tasks: i
                .tasks
                .iter()
                .map(|(name, ts)| TaskLineView {
                    name: name.to_string(),
                    self_score: shown(&ts.self_score, pending),
                    reviewer_score: shown(&ts.reviewer_score, pending),
                    final_score: shown(&ts.final_score, pending),
                    explanation: views::whys(t, ts.final_score.explanation()),
                })
                .collect(),
        })
        .collect();
    let date = |at: &str| at.get(..10).unwrap_or(at).to_string();
    let adjustments = scoring
        .adjustments_of(unit_id)
        .map(|a| EntryView {
            id: a.id,
            what: a.rule.clone(),
            amount: format!(
                "{}{}",
                if a.amount >= 0.0 { "+" } else { "−" },
                views::score(a.amount.abs())
            ),
            reason: a.reason.clone(),
            date: date(&a.created_at),
        })
        .collect();
    let vetoes = scoring
        .vetoes_of(unit_id)
        .map(|v| EntryView {
            id: v.id,
            what: v.item.clone(),
            amount: String::new(),
            reason: v.reason.clone(),
            date: date(&v.created_at),
        })
        .collect();
    let admin = if session.user.role().may_administer() {
        let rules = s
            .store
            .adjustment_rules(scheme_id)
            .await
            .map_err(|e| err(e.into()))?
            .into_iter()
            .map(|r| (r.id, r.name))
            .collect();
        let items = s
            .store
            .veto_items(scheme_id)
            .await
            .map_err(|e| err(e.into()))?
            .into_iter()
            .map(|i| (i.id, i.name))
            .collect();
        Some((rules, items))
    } else {
        None
    };
    let period_code = table
        .period
        .as_ref()
        .map(|p| p.code.clone())
        .unwrap_or_default();
    let counts = crate::scores::left_out(&table);
    let basis = views::BasisSwitch::new(
        t,
        basis,
        &format!("/schemes/{scheme_id}/units/{unit_id}/score"),
        &[("period", &period_code)],
        counts,
    );
    render(
        locale,
        &DrilldownPage {
            basis,
            adjustments,
            vetoes,
            adjustment_lines: result
                .adjustments
                .iter()
                .flat_map(|a| views::whys(t, &a.explanation))
                .collect(),
            veto_grade: result.veto_grade.as_ref().map(ToString::to_string),
            admin,
            f: Frame::new(locale, &uri, Some(&session)),
            scheme_id,
            unit_id,
            title: table.scheme.title.clone(),
            unit: table.unit.name.clone(),
            period_code,
            total: views::score(result.total),
            explanation: views::whys(t, &result.explanation),
            indicators,
        },
    )
}

struct WarningRow {
    task_id: i64,
    task: String,
    unit_id: i64,
    unit: String,
    status: (String, String),
    completion: String,
}

#[derive(Template)]
#[template(path = "warnings.html")]
struct WarningsPage {
    f: Frame,
    basis: views::BasisSwitch,
    scheme_id: i64,
    title: String,
    period_code: String,
    period_label: String,
    rows: Vec<WarningRow>,
    pager: Pager,
    pager_label: String,
    /// The office or a reviewer: the lagging units can be reminded (催报).
    may_remind: bool,
    /// The filter typed, and only 严重滞后.
    q: String,
    serious_only: bool,
    by_unit: bool,
    /// 共 N 项.
    count: String,
    /// This list, filtered, as .xlsx.
    export: String,
}

/// `GET /schemes/{id}/warnings`: 预警, the lagging and seriously lagging tasks within reach.
pub(crate) async fn warnings(
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
    let t = locale.catalog();
    let basis = views::basis_of(q.basis.as_deref());
    let filter = q.lag_filter();
    let lagging = |page: usize| {
        let offset = page.saturating_sub(1).saturating_mul(WARNING_PAGE_ROWS);
        let window = (
            WARNING_PAGE_ROWS as i64,
            i64::try_from(offset).unwrap_or(i64::MAX),
        );
        s.store.lagging(
            scheme_id,
            period.id,
            session.reach_list(),
            window,
            basis,
            &filter,
        )
    };
    let mut asked = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let (mut found, total) = lagging(asked).await.map_err(|e| err(e.into()))?;
    if found.is_empty() && total > 0 && asked > 1 {
        // Past the end: the first page, as the other paged lists do.
        asked = 1;
        found = lagging(1).await.map_err(|e| err(e.into()))?.0;
    }
    let switch = views::BasisSwitch::new(
        t,
        basis,
        &format!("/schemes/{scheme_id}/warnings"),
        &[("period", &period.code)],
        crate::scores::period_summary(
            &s.store,
            scheme_id,
            Some(&period.code),
            session.reach_list(),
            basis,
        )
        .await
        .map(|sum| (sum.awaiting_review, sum.drafts))
        .map_err(|e| err(e.into()))?,
    )
    .with_periods(&periods, t);
    let mut query = form_urlencoded::Serializer::new(String::new());
    query
        .append_pair("period", &period.code)
        .append_pair("basis", switch.param());
    if let Some(w) = &filter.words {
        query.append_pair("q", w);
    }
    if filter.serious_only {
        query.append_pair("only", "serious");
    }
    if filter.by_unit {
        query.append_pair("sort", "unit");
    }
    let query = query.finish();
    let export = format!("/schemes/{scheme_id}/warnings/export?{query}");
    let pager = Pager::new(
        Some(&asked.to_string()),
        usize::try_from(total).unwrap_or(0),
        WARNING_PAGE_ROWS,
        query,
    );
    let rows = found
        .into_iter()
        .filter_map(|l| {
            Some(WarningRow {
                status: views::status_label(&l.status, t)?,
                completion: l.completion.map(views::percent).unwrap_or_default(),
                task_id: l.task_id,
                task: l.task,
                unit_id: l.unit_id,
                unit: l.unit,
            })
        })
        .collect();
    render(
        locale,
        &WarningsPage {
            f: Frame::new(locale, &uri, Some(&session)),
            basis: switch,
            scheme_id,
            title: scheme.title,
            period_label: views::period_label(&period.code, t),
            period_code: period.code.clone(),
            rows,
            pager_label: pager.label(t),
            pager,
            may_remind: session.user.role().may_review(),
            q: filter.words.clone().unwrap_or_default(),
            serious_only: filter.serious_only,
            by_unit: filter.by_unit,
            count: t.fill("warnings.count", &[("n", &total.to_string())]),
            export,
        },
    )
}

/// `GET /schemes/{id}/warnings/export`: 预警 as filtered, every page, as .xlsx.
pub(crate) async fn warnings_export(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> Result<axum::response::Response, LocalizedError> {
    let err = |e: WebError| LocalizedError(locale, e);
    let scheme_id = id(&raw).map_err(err)?;
    let (scheme, period, _) =
        crate::pages::scheme_period(&s, &session, scheme_id, q.period.as_deref())
            .await
            .map_err(err)?;
    let t = locale.catalog();
    let basis = views::basis_of(q.basis.as_deref());
    let (rows, _) = s
        .store
        .lagging(
            scheme_id,
            period.id,
            session.reach_list(),
            (WARNING_EXPORT_ROWS, 0),
            basis,
            &q.lag_filter(),
        )
        .await
        .map_err(|e| err(e.into()))?;
    let col = |k: &str| t.get(k).to_string();
    let table = jixiao_office::export::ListTable {
        title: format!(
            "{}（{}）· {}",
            t.get("warnings.title"),
            views::period_label(&period.code, t),
            scheme.title
        ),
        headers: vec![
            col("table.col.task"),
            col("warnings.unit"),
            col("table.col.status"),
            col("table.col.completion"),
        ],
        rows: rows
            .into_iter()
            .map(|l| {
                vec![
                    l.task,
                    l.unit,
                    views::status_label(&l.status, t)
                        .map(|(_, label)| label)
                        .unwrap_or_default(),
                    l.completion.map(views::percent).unwrap_or_default(),
                ]
            })
            .collect(),
    };
    views::xlsx_download(&table, &format!("warnings-{}.xlsx", period.code)).map_err(err)
}

/// Rows an export of 预警 holds at most.
const WARNING_EXPORT_ROWS: i64 = 200_000;

/// The periods the trend joins in one line: those of the kind shown (quarters with quarters,
/// months with months) — never a whole year between quarters. A whole year shown alone is
/// drawn through its finest periods (months, else quarters), the year's progress as it went.
fn trend_periods<'a>(
    periods: &'a [jixiao_store::PeriodRecord],
    shown: &jixiao_store::PeriodRecord,
) -> Vec<&'a jixiao_store::PeriodRecord> {
    use jixiao_domain::PeriodKind;
    let rank = |p: &jixiao_store::PeriodRecord| {
        p.period().map(|x| match x.kind() {
            PeriodKind::Year => 0,
            PeriodKind::Quarter(_) => 1,
            PeriodKind::Month(_) => 2,
        })
    };
    let of = |k: Option<u8>| -> Vec<&jixiao_store::PeriodRecord> {
        periods.iter().filter(|p| rank(p) == k).collect()
    };
    let same = of(rank(shown));
    if same.len() > 1 || rank(shown) != Some(0) {
        return same;
    }
    match [2, 1]
        .into_iter()
        .map(|k| of(Some(k)))
        .find(|v| !v.is_empty())
    {
        Some(finer) => finer,
        None => same,
    }
}

/// Lagging tasks shown per page of 预警.
const WARNING_PAGE_ROWS: usize = 200;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    f: Frame,
    basis: views::BasisSwitch,
    scheme_id: i64,
    title: String,
    period_label: String,
    status_chart: String,
    indicator_chart: String,
    trend_chart: String,
    units: usize,
    /// The unit, on a unit's dashboard.
    unit: Option<(i64, String)>,
    period_code: String,
}

/// `GET /schemes/{id}/dashboard`: status counts, completion by level-1 indicator against time
/// progress, and the trend of completion over the periods — for the units in reach.
pub(crate) async fn dashboard(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path(raw): Path<String>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let scheme_id = id(&raw).map_err(|e| LocalizedError(locale, e))?;
    dashboard_of(&s, locale, &uri, &session, scheme_id, None, q).await
}

/// `GET /schemes/{id}/units/{unit}/dashboard`: the same figures for one unit: its tasks by
/// status, its completion by indicator and its trend against time progress.
pub(crate) async fn unit_dashboard(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path((raw_scheme, raw_unit)): Path<(String, String)>,
    Query(q): Query<PeriodQuery>,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    let (scheme_id, unit_id) = (id(&raw_scheme).map_err(err)?, id(&raw_unit).map_err(err)?);
    if !session.reaches(unit_id) {
        return Err(err(WebError::NotFound));
    }
    dashboard_of(&s, locale, &uri, &session, scheme_id, Some(unit_id), q).await
}

async fn dashboard_of(
    s: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    scheme_id: i64,
    only: Option<i64>,
    q: PeriodQuery,
) -> PageResult {
    use jixiao_domain::Status;
    let err = |e: WebError| LocalizedError(locale, e);
    let t = locale.catalog();
    let (scheme, period, periods) =
        crate::pages::scheme_period(s, session, scheme_id, q.period.as_deref())
            .await
            .map_err(err)?;
    let assessed = s
        .store
        .scheme_units(scheme_id)
        .await
        .map_err(|e| err(e.into()))?;
    let unit = match only {
        Some(u) => Some(
            assessed
                .iter()
                .find(|x| x.unit_id == u)
                .map(|x| (u, x.name.clone()))
                .ok_or(err(WebError::NotFound))?,
        ),
        None => None,
    };
    let units: Vec<i64> = assessed
        .into_iter()
        .map(|u| u.unit_id)
        .filter(|u| session.reaches(*u) && only.is_none_or(|o| o == *u))
        .collect();
    if units.is_empty() && !session.user.role().may_administer() {
        return Err(err(WebError::NotFound));
    }

    let mut current = crate::scores::PeriodSummary::default();
    let mut trend = Vec::new();
    // The units shown: one (a unit's dashboard), those in reach, or every unit (the office),
    // added up from their stored summaries; the office's sums are stored per period too.
    let filter: Option<Vec<i64>> = match only {
        Some(u) => Some(vec![u]),
        None => session.reach_list().map(<[i64]>::to_vec),
    };
    let basis = views::basis_of(q.basis.as_deref());
    let summary = |code: String| {
        let (store, filter) = (&s.store, filter.as_deref());
        async move {
            crate::scores::period_summary(store, scheme_id, Some(&code), filter, basis)
                .await
                .map_err(|e| err(e.into()))
        }
    };
    let mut found_current = false;
    for p in trend_periods(&periods, &period) {
        let sum = summary(p.code.clone()).await?;
        let tp = p.period().map(|x| x.time_progress().get()).unwrap_or(1.0);
        trend.push((views::period_label(&p.code, t), sum.mean_completion(), tp));
        if p.code == period.code {
            current = sum;
            found_current = true;
        }
    }
    if !found_current {
        current = summary(period.code.clone()).await?;
    }
    let counts = &current.statuses;
    let by_indicator = &current.by_indicator;
    let tp = period
        .period()
        .map(|x| x.time_progress().get())
        .unwrap_or(1.0);
    let status_bars: Vec<crate::svg::Bar> = Status::ALL
        .iter()
        .enumerate()
        .map(|(i, st)| {
            let n = counts.get(i).copied().unwrap_or(0);
            crate::svg::Bar {
                label: t.get(&format!("status.{}", st.code())).to_string(),
                value: n as f64,
                shown: n.to_string(),
                class: format!("s-{}", st.code()),
            }
        })
        .collect();
    let max_count = status_bars.iter().map(|b| b.value).fold(1.0, f64::max);
    let indicator_bars: Vec<crate::svg::Bar> = by_indicator
        .iter()
        .map(|(name, sum, n)| {
            let mean = sum / *n as f64;
            crate::svg::Bar {
                label: name.chars().take(14).collect(),
                value: mean,
                shown: views::percent(mean),
                class: "bar-main".into(),
            }
        })
        .collect();
    let tp_label = format!("{} {}", t.get("table.time_progress"), views::percent(tp));
    let path = match &unit {
        Some((u, _)) => format!("/schemes/{scheme_id}/units/{u}/dashboard"),
        None => format!("/schemes/{scheme_id}/dashboard"),
    };
    let basis = views::BasisSwitch::new(
        t,
        basis,
        &path,
        &[("period", &period.code)],
        (current.awaiting_review, current.drafts),
    )
    .with_periods(&periods, t);
    render(
        locale,
        &DashboardPage {
            f: Frame::new(locale, uri, Some(session)),
            basis,
            unit,
            period_code: period.code.clone(),
            scheme_id,
            title: scheme.title,
            period_label: views::period_label(&period.code, t),
            status_chart: crate::svg::bars(t.get("dash.status"), &status_bars, max_count, None),
            indicator_chart: crate::svg::bars(
                t.get("dash.by_indicator"),
                &indicator_bars,
                crate::scores::CHART_COMPLETION_CAP,
                Some((tp, &tp_label)),
            ),
            trend_chart: crate::svg::trend(
                t.get("dash.trend"),
                &trend,
                crate::scores::CHART_COMPLETION_CAP,
                (t.get("table.col.completion"), t.get("table.time_progress")),
            ),
            units: units.len(),
        },
    )
}
