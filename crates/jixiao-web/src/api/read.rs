//! Reading the scheme and its parts: the caller, schemes, indicators, periods, units, tasks.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiPath, ApiQuery, Caller};
use super::problem::Problem;
use super::{ApiResult, Page, Paging, ReadErrors};
use crate::AppState;
use jixiao_store::{ListFilter, Reach, TaskRecord};

/// The caller: who, in which role, reaching how many units, with which scope.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Me {
    /// 用户 id / user id.
    id: i64,
    /// 用户名 / login name.
    username: String,
    /// 姓名 / display name.
    display_name: String,
    /// 角色：admin / reviewer / reporter / viewer.
    role: String,
    /// 所在单位 / the user's unit.
    unit_id: i64,
    /// 可见单位数（考核办为全部单位）/ units in reach (the office: every unit).
    units_in_reach: usize,
    /// 权限范围：read / write.
    scope: String,
}

/// `GET /me`.
#[utoipa::path(get, path = "/me", tag = "account",
    summary = "当前调用者 / the caller",
    responses((status = 200, description = "调用者 / the caller", body = Me), ReadErrors))]
pub(crate) async fn me(State(s): State<AppState>, caller: Caller) -> ApiResult<Me> {
    let units_in_reach = caller.session.reach_ids(&s.store).await?.len();
    let u = &caller.session.user;
    Ok(Json(Me {
        id: u.id,
        username: u.username.clone(),
        display_name: u.display_name.clone(),
        role: u.role().code().to_string(),
        unit_id: u.unit_id,
        units_in_reach,
        scope: caller.scope.code().to_string(),
    }))
}

/// A scheme in the list.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SchemeSummary {
    /// id.
    id: i64,
    /// 方案标题 / title.
    title: String,
    /// 年度 / year.
    year: i64,
    /// draft / active / closed.
    state: String,
    /// 被考核单位数 / units assessed.
    units: i64,
    /// 任务数 / tasks.
    tasks: i64,
}

/// `GET /schemes`.
#[utoipa::path(get, path = "/schemes", tag = "schemes",
    summary = "考核方案列表 / schemes",
    description = "可见的方案（有可见单位参与考核的方案；考核办看到全部），新年度在前。/ The \
                   schemes in which a unit in reach is assessed (the office sees all), newest \
                   year first.",
    responses((status = 200, description = "方案 / schemes", body = Vec<SchemeSummary>), ReadErrors))]
pub(crate) async fn schemes(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Vec<SchemeSummary>> {
    let all = caller.session.user.role().may_administer();
    let pairs = s.store.scheme_unit_ids().await?;
    Ok(Json(
        s.store
            .list_schemes()
            .await?
            .into_iter()
            .filter(|x| {
                all || pairs
                    .iter()
                    .any(|(scheme, unit)| *scheme == x.id && caller.session.reaches(*unit))
            })
            .map(|x| SchemeSummary {
                id: x.id,
                title: x.title,
                year: x.year,
                state: x.state,
                units: x.units,
                tasks: x.tasks,
            })
            .collect(),
    ))
}

/// The share of a task's weight each grade earns, in percent.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct GradeTable {
    /// 优秀.
    excellent: u8,
    /// 良好.
    good: u8,
    /// 一般.
    fair: u8,
    /// 较差.
    poor: u8,
}

/// A scheme with its settings.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Scheme {
    /// id.
    id: i64,
    /// 方案标题 / title.
    title: String,
    /// 年度 / year.
    year: i64,
    /// draft / active / closed.
    state: String,
    /// 进度容差（比例）/ status tolerance below time progress, a fraction.
    tolerance: f64,
    /// 等次得分比例 / the grade table.
    grade_table: GradeTable,
}

/// The id in a path.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct IdPath {
    /// id.
    pub(crate) id: i64,
}

async fn scheme_record(s: &AppState, id: i64) -> Result<jixiao_store::SchemeRecord, Problem> {
    s.store.scheme(id).await?.ok_or_else(Problem::not_found)
}

/// The scheme if the caller may see it (as the pages decide), else 404.
pub(crate) async fn scheme_for(
    s: &AppState,
    caller: &Caller,
    id: i64,
) -> Result<jixiao_store::SchemeRecord, Problem> {
    Ok(crate::pages::scheme_in_reach(s, &caller.session, id).await?)
}

/// `GET /schemes/{id}`.
#[utoipa::path(get, path = "/schemes/{id}", tag = "schemes", params(IdPath),
    summary = "一个方案及其设置 / a scheme and its settings",
    responses((status = 200, description = "方案 / the scheme", body = Scheme), ReadErrors))]
pub(crate) async fn scheme(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(p): ApiPath<IdPath>,
) -> ApiResult<Scheme> {
    let x = scheme_for(&s, &caller, p.id).await?;
    let [excellent, good, fair, poor] = crate::scores::grade_table(&x).percents();
    Ok(Json(Scheme {
        id: x.id,
        title: x.title,
        year: x.year,
        state: x.state,
        tolerance: x.tolerance,
        grade_table: GradeTable {
            excellent,
            good,
            fair,
            poor,
        },
    }))
}

/// An indicator of a scheme.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Indicator {
    /// id.
    id: i64,
    /// 上级指标 / the indicator above (none for level 1).
    parent_id: Option<i64>,
    /// 级别 / level, 1 for 一级指标.
    level: i64,
    /// 名称 / name as written.
    name: String,
    /// 分值 / points, when the name carries them.
    points: Option<f64>,
}

/// `GET /schemes/{id}/indicators`.
#[utoipa::path(get, path = "/schemes/{id}/indicators", tag = "schemes", params(IdPath),
    summary = "方案的指标体系 / the scheme's indicators",
    description = "按方案中的顺序，上级在前。/ In the scheme's order, parents first.",
    responses((status = 200, description = "指标 / indicators", body = Vec<Indicator>), ReadErrors))]
pub(crate) async fn indicators(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(p): ApiPath<IdPath>,
) -> ApiResult<Vec<Indicator>> {
    scheme_for(&s, &caller, p.id).await?;
    Ok(Json(
        s.store
            .indicators(p.id)
            .await?
            .into_iter()
            .map(|i| Indicator {
                id: i.id,
                parent_id: i.parent_id,
                level: i.level,
                name: i.name,
                points: i.points,
            })
            .collect(),
    ))
}

/// A reporting period.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PeriodOut {
    /// id.
    id: i64,
    /// 代码 / code: 2022, 2022Q3, 2022-09.
    code: String,
    /// 最后一天 / last day (ISO date).
    ends_on: String,
    /// 截止时刻（UTC，RFC 3339）/ when reporting locks.
    deadline: Option<String>,
    /// 时间进度 / time progress at the period's end, a fraction.
    time_progress: Option<f64>,
}

/// `GET /schemes/{id}/periods`.
#[utoipa::path(get, path = "/schemes/{id}/periods", tag = "schemes", params(IdPath),
    summary = "填报周期 / reporting periods",
    responses((status = 200, description = "周期，早的在前 / periods, oldest first", body = Vec<PeriodOut>), ReadErrors))]
pub(crate) async fn periods(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(p): ApiPath<IdPath>,
) -> ApiResult<Vec<PeriodOut>> {
    scheme_for(&s, &caller, p.id).await?;
    Ok(Json(
        s.store
            .periods(p.id)
            .await?
            .into_iter()
            .map(|r| PeriodOut {
                time_progress: r.period().map(|x| x.time_progress().get()),
                id: r.id,
                code: r.code,
                ends_on: r.ends_on,
                deadline: r.deadline,
            })
            .collect(),
    ))
}

/// A unit.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Unit {
    /// id.
    id: i64,
    /// 名称 / name.
    name: String,
    /// 单位类型（分类排名用）/ type, for ranking within a type.
    kind: String,
    /// 上级单位 / the unit above.
    parent_id: Option<i64>,
}

impl From<jixiao_store::UnitRecord> for Unit {
    fn from(u: jixiao_store::UnitRecord) -> Unit {
        Unit {
            id: u.id,
            name: u.name,
            kind: u.kind,
            parent_id: u.parent_id,
        }
    }
}

/// `GET /units`.
#[utoipa::path(get, path = "/units", tag = "units", params(Paging),
    summary = "可见的单位 / units in reach",
    responses((status = 200, description = "单位 / units", body = Page<Unit>), ReadErrors))]
pub(crate) async fn units(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Page<Unit>> {
    let (limit, offset, page, per_page) = paging.window()?;
    let all: Vec<Unit> = s
        .store
        .units()
        .await?
        .into_iter()
        .filter(|u| caller.session.reaches(u.id))
        .map(Unit::from)
        .collect();
    let total = all.len() as i64;
    let items = all
        .into_iter()
        .skip(offset as usize)
        .take(limit as usize)
        .collect();
    Ok(Json(Page {
        items,
        page,
        per_page,
        total,
    }))
}

/// `GET /units/{id}`.
#[utoipa::path(get, path = "/units/{id}", tag = "units", params(IdPath),
    summary = "一个单位 / a unit",
    responses((status = 200, description = "单位 / the unit", body = Unit), ReadErrors))]
pub(crate) async fn unit(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(p): ApiPath<IdPath>,
) -> ApiResult<Unit> {
    if !caller.session.reaches(p.id) {
        return Err(Problem::not_found());
    }
    let u = s.store.unit(p.id).await?.ok_or_else(Problem::not_found)?;
    Ok(Json(Unit::from(u)))
}

/// A task (任务要点) of a unit.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Task {
    /// id.
    id: i64,
    /// 方案 / scheme.
    scheme_id: i64,
    /// 单位 / unit.
    unit_id: i64,
    /// 所属指标 / the indicator it hangs under.
    indicator_id: i64,
    /// 任务要点名称 / name.
    name: String,
    /// 年度目标 / target.
    target: String,
    /// 分值权重 / weight in points.
    weight: f64,
    /// 计分规则：proportional / all_or_nothing / graded / manual（未指定时为默认规则）/ the rule
    /// it is scored by (the default when the office chose none).
    rule: String,
    /// 考核办是否指定了规则 / whether the office chose the rule.
    rule_chosen: bool,
}

pub(crate) fn task_out(t: TaskRecord, grades: jixiao_domain::scoring::GradeTable) -> Task {
    let line = jixiao_store::TaskLine {
        id: t.id,
        indicator_id: t.indicator_id,
        name: t.name.clone(),
        target: t.target.clone(),
        weight: t.weight,
        rule: t.rule.clone(),
        report: None,
        score_override: None,
    };
    Task {
        rule: crate::scores::rule_of(&line, grades).code().to_string(),
        rule_chosen: t.rule.is_some(),
        id: t.id,
        scheme_id: t.scheme_id,
        unit_id: t.unit_id,
        indicator_id: t.indicator_id,
        name: t.name,
        target: t.target,
        weight: t.weight,
    }
}

/// Filters of the task list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct TaskFilter {
    /// 方案 / scheme.
    scheme: Option<i64>,
    /// 单位 / unit.
    unit: Option<i64>,
}

/// The reach a listing may show.
pub(crate) fn reach(caller: &Caller) -> Reach<'_> {
    match caller.session.reach_list() {
        None => Reach::All,
        // A reviewer also sees the tasks it reviews as 考核主体, in any unit.
        Some(units) if caller.session.user.role() == jixiao_domain::Role::Reviewer => {
            Reach::UnitsOrReviewing(units)
        }
        Some(units) => Reach::Units(units),
    }
}

/// `GET /tasks`.
#[utoipa::path(get, path = "/tasks", tag = "tasks", params(TaskFilter, Paging),
    summary = "任务要点 / tasks",
    description = "可见单位的任务，可按方案、单位筛选。/ Tasks of the units in reach, by scheme \
                   and unit.",
    responses((status = 200, description = "任务 / tasks", body = Page<Task>), ReadErrors))]
pub(crate) async fn tasks(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(f): ApiQuery<TaskFilter>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Page<Task>> {
    let (limit, offset, page, per_page) = paging.window()?;
    let filter = ListFilter {
        scheme_id: f.scheme,
        unit_id: f.unit,
        ..ListFilter::default()
    };
    let (rows, total) = s
        .store
        .task_page(&filter, reach(&caller), limit, offset)
        .await?;
    let mut grades = std::collections::HashMap::new();
    let mut items = Vec::with_capacity(rows.len());
    for t in rows {
        let g = match grades.get(&t.scheme_id) {
            Some(g) => *g,
            None => {
                let g = scheme_record(&s, t.scheme_id)
                    .await
                    .map(|x| crate::scores::grade_table(&x))
                    .unwrap_or_default();
                grades.insert(t.scheme_id, g);
                g
            }
        };
        items.push(task_out(t, g));
    }
    Ok(Json(Page {
        items,
        page,
        per_page,
        total,
    }))
}

/// `GET /tasks/{id}`.
#[utoipa::path(get, path = "/tasks/{id}", tag = "tasks", params(IdPath),
    summary = "一项任务 / a task",
    responses((status = 200, description = "任务 / the task", body = Task), ReadErrors))]
pub(crate) async fn task(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(p): ApiPath<IdPath>,
) -> ApiResult<Task> {
    let t = s
        .store
        .task_record(p.id)
        .await?
        .filter(|t| caller.session.sees_task(t.unit_id, t.reviewing_unit_id))
        .ok_or_else(Problem::not_found)?;
    let grades = crate::scores::grade_table(&scheme_record(&s, t.scheme_id).await?);
    Ok(Json(task_out(t, grades)))
}
