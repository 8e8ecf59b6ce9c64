//! Scores and rankings, computed as the pages compute them (`crate::scores`), within reach.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiPath, ApiQuery, Caller};
use super::problem::Problem;
use super::read::IdPath;
use super::{ApiResult, Page, Paging, ReadErrors};
use crate::AppState;
use crate::scores::{SchemeScoring, flatten};

/// An indicator's score in a unit's result.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct IndicatorScore {
    /// 层级，0 为一级 / depth, 0 for level 1.
    depth: usize,
    /// 指标 / the indicator.
    name: String,
    /// 分值 / its points.
    points: Option<f64>,
    /// 下级合计 / the sum below, before the cap.
    sum: f64,
    /// 得分 / the score after the cap.
    score: f64,
    /// 是否封顶 / whether the cap applied.
    capped: bool,
    /// 待评任务数 / tasks still waiting for a score.
    pending: usize,
}

/// A unit's result for a period.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct UnitScore {
    /// 单位 / unit.
    unit_id: i64,
    /// 单位名称 / unit name.
    unit: String,
    /// 单位类型 / unit type.
    unit_type: String,
    /// 周期代码 / period code.
    period: Option<String>,
    /// 总分 / total.
    total: f64,
    /// 一级指标合计 / sum of level-1 scores.
    indicator_sum: f64,
    /// 加减分（封顶后）/ adjustments after caps.
    adjustments: f64,
    /// 是否一票否决 / vetoed.
    vetoed: bool,
    /// 否决定的等次 / the grade a veto set.
    veto_grade: Option<String>,
    /// 平均完成率 / mean completion.
    mean_completion: Option<f64>,
    /// 各指标得分 / indicator scores, depth first.
    indicators: Vec<IndicatorScore>,
    /// 计算说明 / how, in Chinese.
    explanation: Vec<String>,
}

/// Which unit and period.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ScoreQuery {
    /// 单位（不填为全部可见单位）/ unit (default: every unit in reach).
    unit: Option<i64>,
    /// 周期代码（不填为最新）/ period code (default: the latest).
    period: Option<String>,
    /// 口径：official（正式，只计已审核的报告，默认）或 provisional（含待审）/ basis:
    /// official (approved reports only, the default) or provisional (submitted ones too).
    #[param(value_type = Option<String>, pattern = "^(official|provisional)$")]
    basis: Option<String>,
}

/// The basis asked for, or a problem naming the parameter.
fn basis_param(raw: Option<&str>) -> Result<jixiao_domain::Basis, Problem> {
    match raw.filter(|b| !b.is_empty()) {
        None => Ok(jixiao_domain::Basis::default()),
        Some(b) => jixiao_domain::Basis::parse(b).ok_or_else(|| {
            Problem::bad_request(format!("basis 只能是 official 或 provisional，收到「{b}」"))
        }),
    }
}

/// `GET /schemes/{id}/scores`.
#[utoipa::path(get, path = "/schemes/{id}/scores", tag = "results",
    params(IdPath, ScoreQuery, Paging),
    summary = "单位得分 / unit scores",
    description = "按方案规则计算，逐项可追溯；按单位名称分页。/ Scored with the scheme's rules, \
                   every figure explained; paged in the order of the units' names.",
    responses((status = 200, description = "得分 / scores", body = Page<UnitScore>), ReadErrors))]
pub(crate) async fn scores(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(p): ApiPath<IdPath>,
    ApiQuery(q): ApiQuery<ScoreQuery>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Page<UnitScore>> {
    let (limit, offset, page, per_page) = paging.window()?;
    let basis = basis_param(q.basis.as_deref())?;
    super::read::scheme_for(&s, &caller, p.id).await?;
    let period = q.period.filter(|x| !x.is_empty());
    if let Some(code) = &period
        && !s.store.periods(p.id).await?.iter().any(|x| &x.code == code)
    {
        return Err(Problem::not_found().detail(format!("没有周期「{code}」")));
    }
    let units: Vec<i64> = match q.unit {
        Some(u) if !caller.session.reaches(u) => return Err(Problem::not_found()),
        Some(u) => vec![u],
        None => s
            .store
            .scheme_units(p.id)
            .await?
            .into_iter()
            .map(|u| u.unit_id)
            .filter(|u| caller.session.reaches(*u))
            .collect(),
    };
    let total = units.len() as i64;
    // One unit asked for is the whole answer, whatever page was asked.
    let window: Vec<i64> = if q.unit.is_some() {
        units
    } else {
        units
            .into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect()
    };
    // One batch of at most 500 units' tables, read in a fixed number of queries.
    let tables = s
        .store
        .unit_tables(p.id, period.as_deref(), &window)
        .await?;
    if q.unit.is_some() && tables.is_empty() {
        return Err(Problem::not_found());
    }
    let scoring = SchemeScoring::load(&s.store, p.id)
        .await
        .map_err(Problem::internal)?
        .with_basis(basis);
    let mut out = Vec::new();
    for table in tables {
        let unit = table.unit.id;
        let r = scoring.unit_result(&table).map_err(Problem::internal)?;
        out.push(UnitScore {
            unit_id: unit,
            unit: r.unit.to_string(),
            unit_type: r.unit_type.to_string(),
            period: table.period.as_ref().map(|x| x.code.clone()),
            total: r.total,
            indicator_sum: r.indicator_sum.get(),
            adjustments: r.adjustments.iter().map(|a| a.net).sum(),
            vetoed: r.vetoed,
            veto_grade: r.veto_grade.as_ref().map(ToString::to_string),
            mean_completion: r.mean_completion,
            indicators: flatten(&r.indicators)
                .into_iter()
                .map(|(depth, i)| IndicatorScore {
                    depth,
                    name: i.name.to_string(),
                    points: i.points.map(|x| x.get()),
                    sum: i.sum.get(),
                    score: i.score.get(),
                    capped: i.capped,
                    pending: i.pending,
                })
                .collect(),
            explanation: r.explanation.iter().map(ToString::to_string).collect(),
        });
    }
    Ok(Json(Page {
        items: out,
        page,
        per_page,
        total,
    }))
}

/// A unit's place.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RankRow {
    /// 名次 / rank (1, 2, 2, 4).
    rank: usize,
    /// 类内名次 / rank within the unit type.
    type_rank: usize,
    /// 单位 / unit.
    unit_id: i64,
    /// 单位名称 / unit name.
    unit: String,
    /// 单位类型 / unit type.
    unit_type: String,
    /// 总分 / total.
    total: f64,
    /// 平均完成率 / mean completion.
    mean_completion: Option<f64>,
    /// 一票否决 / vetoed.
    vetoed: bool,
    /// 备注 / note.
    note: String,
}

/// A scheme's ranking for a period.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Ranking {
    /// 方案 / scheme.
    scheme_id: i64,
    /// 周期代码 / period code.
    period: Option<String>,
    /// 口径 / basis: official or provisional.
    basis: String,
    /// 已提交待审核、未计入正式口径的报告数 / reports submitted and awaiting review (not in
    /// the official figures).
    awaiting_review: usize,
    /// 各单位，名次在前 / units, best first.
    rows: Vec<RankRow>,
}

/// Which period.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PeriodQuery {
    /// 周期代码（不填为最新）/ period code (default: the latest).
    period: Option<String>,
    /// 口径：official（正式，只计已审核的报告，默认）或 provisional（含待审）/ basis:
    /// official (approved reports only, the default) or provisional (submitted ones too).
    #[param(value_type = Option<String>, pattern = "^(official|provisional)$")]
    basis: Option<String>,
}

/// `GET /schemes/{id}/ranking`.
#[utoipa::path(get, path = "/schemes/{id}/ranking", tag = "results", params(IdPath, PeriodQuery),
    summary = "排名 / ranking",
    description = "按总分，其次平均完成率；一票否决的单位排在最后；含分类排名。名次在全部单位中\
                   计算，只列出可见单位。/ By total, then mean completion; vetoed units last; \
                   with the rank within each unit type. Ranks are among all units; only units \
                   in reach are listed.",
    responses((status = 200, description = "排名 / the ranking", body = Ranking), ReadErrors))]
pub(crate) async fn ranking(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(p): ApiPath<IdPath>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> ApiResult<Ranking> {
    let basis = basis_param(q.basis.as_deref())?;
    super::read::scheme_for(&s, &caller, p.id).await?;
    let period = q.period.filter(|x| !x.is_empty());
    let periods = s.store.periods(p.id).await?;
    let shown = match &period {
        Some(code) if !periods.iter().any(|x| &x.code == code) => {
            return Err(Problem::not_found().detail(format!("没有周期「{code}」")));
        }
        Some(code) => Some(code.clone()),
        None => periods.last().map(|x| x.code.clone()),
    };
    let rows = crate::scores::ranking(
        &s.store,
        p.id,
        period.as_deref(),
        caller.session.reach_list(),
        basis,
    )
    .await
    .map_err(Problem::internal)?;
    let awaiting_review = rows.iter().map(|(_, u, _)| u.awaiting_review).sum();
    let rows = rows
        .into_iter()
        .map(|(r, res, unit_id)| RankRow {
            rank: r.rank,
            type_rank: r.type_rank,
            unit_id,
            unit: r.entry.unit.to_string(),
            unit_type: r.entry.unit_type.to_string(),
            total: r.entry.total,
            mean_completion: r.entry.mean_completion,
            vetoed: r.entry.vetoed,
            note: res.note(),
        })
        .collect();
    Ok(Json(Ranking {
        scheme_id: p.id,
        period: shown,
        basis: basis.code().to_string(),
        awaiting_review,
        rows,
    }))
}
