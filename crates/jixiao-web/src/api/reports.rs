//! Progress reports: list, read (with an `ETag` of the version), create a draft, update from
//! the version read (`If-Match` or `version`), submit, and review (approve or return with a
//! reason). The same rules as the forms: a locked period refuses edits, a stale version is a
//! conflict and nothing is lost.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jixiao_store::{Decision, ListFilter, ReportDraft, ReportRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use super::problem::Problem;
use super::read::{IdPath, reach};
use super::{ApiResult, Page, Paging, ReadErrors, WriteErrors};
use crate::AppState;

/// A progress report of one task for one period.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Report {
    /// id.
    id: i64,
    /// 任务 / task.
    task_id: i64,
    /// 单位 / unit.
    unit_id: i64,
    /// 方案 / scheme.
    scheme_id: i64,
    /// 周期代码 / period code.
    period: String,
    /// 进度情况 / progress as written.
    text: String,
    /// draft / submitted / approved / returned.
    state: String,
    /// 系统读出的完成率 / completion the reader found (a fraction).
    completion: Option<f64>,
    /// 审核核定的完成率 / completion a reviewer verified (wins).
    verified_completion: Option<f64>,
    /// 状态代码 / status code (exceeded, completed, on_track, lagging, seriously_lagging,
    /// needs_review, not_reported).
    status: Option<String>,
    /// 版本（乐观锁）/ version, for safe updates.
    version: i64,
    /// 自评分 / self-score.
    self_score: Option<f64>,
    /// 评审等次 / reviewer's grade.
    grade: Option<String>,
    /// 评审得分（人工评分）/ reviewer's points (manual rule).
    reviewer_points: Option<f64>,
    /// 退回原因 / why it was returned.
    return_reason: Option<String>,
    /// 最后修改（RFC 3339）/ last change.
    updated_at: String,
    /// 系统提示需核实的代码 / the checks' findings: fell_back (a cumulative figure below the
    /// earlier period's), above_bound (completion above the scheme's bound), no_figure (no
    /// figure for a quantified target).
    flags: Vec<String>,
    /// 情况说明 / the unit's explanation.
    note: Option<String>,
}

fn report_out(r: ReportRow) -> Report {
    Report {
        id: r.id,
        task_id: r.task_id,
        unit_id: r.unit_id,
        scheme_id: r.scheme_id,
        period: r.period,
        text: r.text,
        state: r.state,
        completion: r.completion,
        verified_completion: r.verified_completion,
        status: r.status,
        version: r.version,
        self_score: r.self_score,
        grade: r.grade,
        reviewer_points: r.reviewer_points,
        return_reason: r.return_reason,
        updated_at: r.updated_at,
        flags: r
            .flags
            .split(',')
            .filter(|f| !f.is_empty())
            .map(str::to_string)
            .collect(),
        note: r.note,
    }
}

fn etag(version: i64) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// The report as JSON with its version as `ETag`.
fn with_etag(status: StatusCode, r: ReportRow) -> Response {
    let tag = etag(r.version);
    let id = r.id;
    let mut res = (status, Json(report_out(r))).into_response();
    res.headers_mut().insert(header::ETAG, tag);
    if status == StatusCode::CREATED
        && let Ok(v) = HeaderValue::from_str(&format!("/api/v1/reports/{id}"))
    {
        res.headers_mut().insert(header::LOCATION, v);
    }
    res
}

/// Filters of the report list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportFilter {
    /// 方案 / scheme.
    scheme: Option<i64>,
    /// 单位 / unit.
    unit: Option<i64>,
    /// 周期代码 / period code, e.g. 2022Q3.
    period: Option<String>,
    /// 状态代码 / status code, e.g. lagging.
    status: Option<String>,
    /// 流程状态 / workflow state: draft, submitted, approved, returned.
    state: Option<String>,
}

/// `GET /reports`.
#[utoipa::path(get, path = "/reports", tag = "reports", params(ReportFilter, Paging),
    summary = "进度报告 / progress reports",
    description = "可见单位的报告，新周期在前；可按方案、单位、周期、状态、流程状态筛选。/ Reports \
                   of the units in reach, newest period first; filter by scheme, unit, period, \
                   status and state.",
    responses((status = 200, description = "报告 / reports", body = Page<Report>), ReadErrors))]
pub(crate) async fn list(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(f): ApiQuery<ReportFilter>,
    ApiQuery(paging): ApiQuery<Paging>,
) -> ApiResult<Page<Report>> {
    let (limit, offset, page, per_page) = paging.window()?;
    let filter = ListFilter {
        scheme_id: f.scheme,
        unit_id: f.unit,
        period: f.period,
        status: f.status,
        state: f.state,
    };
    let (rows, total) = s
        .store
        .report_page(&filter, reach(&caller), limit, offset)
        .await?;
    Ok(Json(Page {
        items: rows.into_iter().map(report_out).collect(),
        page,
        per_page,
        total,
    }))
}

async fn report_in_reach(s: &AppState, caller: &Caller, id: i64) -> Result<ReportRow, Problem> {
    s.store
        .report_row(id)
        .await?
        .filter(|r| caller.session.sees_task(r.unit_id, r.reviewing_unit_id))
        .ok_or_else(Problem::not_found)
}

/// `GET /reports/{id}`.
#[utoipa::path(get, path = "/reports/{id}", tag = "reports", params(IdPath),
    summary = "一份报告 / a report",
    description = "ETag 为版本号，更新时放入 If-Match。/ The ETag is the version; send it as \
                   If-Match when updating.",
    responses((status = 200, description = "报告 / the report", body = Report,
        headers(("ETag" = String, description = "版本 / the version"))), ReadErrors))]
pub(crate) async fn get(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(p): ApiPath<IdPath>,
) -> Result<Response, Problem> {
    Ok(with_etag(
        StatusCode::OK,
        report_in_reach(&s, &caller, p.id).await?,
    ))
}

/// A new draft.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct NewReport {
    /// 任务 / task.
    #[schema(example = 1, minimum = 1)]
    task_id: i64,
    /// 周期代码 / period code.
    #[schema(example = "2022")]
    period: String,
    /// 进度情况 / progress.
    #[schema(example = "已培训妇女2000余人", min_length = 1, max_length = 20000)]
    text: String,
    /// 自评分（0–分值）/ self-score within the weight.
    #[schema(example = 20, minimum = 0)]
    self_score: Option<f64>,
    /// 情况说明：系统提示需核实时提交前必填 / the unit's explanation, required to submit a
    /// report with findings.
    #[schema(example = "四季度统计口径调整", max_length = 2000)]
    note: Option<String>,
}

/// The explanation's length, as the form checks it.
fn checked_note(note: Option<&str>) -> Result<(), Problem> {
    let max = jixiao_app::reports::MAX_NOTE_CHARS;
    if note.is_some_and(|n| n.trim().chars().count() > max) {
        return Err(Problem::invalid(format!(
            "note 超过 {max} 字 / note is over {max} characters"
        )));
    }
    Ok(())
}

/// Checks text and self-score against the task; the reporter's rules.
fn checked(text: &str, self_score: Option<f64>, weight: f64) -> Result<String, Problem> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Problem::invalid("text 不能为空 / text is empty"));
    }
    if text.chars().count() > 20_000 {
        return Err(Problem::invalid(
            "text 超过 20000 字 / text is over 20000 characters",
        ));
    }
    if let Some(v) = self_score
        && !(v.is_finite() && (0.0..=weight).contains(&v))
    {
        return Err(Problem::invalid(format!(
            "self_score 须在 0–{weight} 之间 / self_score must lie in 0–{weight}"
        )));
    }
    Ok(text.to_string())
}

/// The task for a reporter's write: in reach (else 404), the role may report (else 403), the
/// period exists and is open.
async fn writable(
    s: &AppState,
    caller: &Caller,
    task_id: i64,
    period: &str,
) -> Result<(jixiao_store::TaskDetail, jixiao_store::PeriodRecord), Problem> {
    let d = crate::task_page::task_in_reach(s, &caller.session, task_id).await?;
    caller.require_write()?;
    if !caller.session.user.role().may_report() {
        return Err(Problem::forbidden());
    }
    let period_id = s
        .store
        .period_id(d.scheme.id, period)
        .await?
        .ok_or_else(|| Problem::invalid(format!("方案中没有周期「{period}」/ no such period")))?;
    let record = s
        .store
        .period(period_id)
        .await?
        .ok_or_else(Problem::not_found)?;
    if crate::deadlines::task_locked(s, task_id, &record).await? {
        return Err(Problem::new(StatusCode::CONFLICT, "locked")
            .detail("已过填报截止日期 / the deadline has passed"));
    }
    Ok((d, record))
}

/// What a reporter writes: the checked text, self-score and note, from which version (none:
/// new).
struct Edit {
    text: String,
    self_score: Option<f64>,
    note: Option<String>,
    expected_version: Option<i64>,
}

async fn save(
    s: &AppState,
    caller: &Caller,
    d: &jixiao_store::TaskDetail,
    period: &jixiao_store::PeriodRecord,
    edit: Edit,
) -> Result<ReportRow, Problem> {
    let draft = ReportDraft {
        task_id: d.task.id,
        period_id: period.id,
        reading: Some(crate::task_page::reading_for(d, period, &edit.text)),
        text: edit.text,
        self_score: edit.self_score,
        expected_version: edit.expected_version,
        note: edit.note.filter(|n| !n.trim().is_empty()),
    };
    let saved = s
        .store
        .save_report(&caller.session.user.actor(), &draft)
        .await?;
    s.store
        .report_row(saved.id)
        .await?
        .ok_or_else(Problem::not_found)
}

/// `POST /reports`.
#[utoipa::path(post, path = "/reports", tag = "reports", request_body = NewReport,
    summary = "新建草稿 / create a draft",
    description = "填报员为本单位任务新建某周期的进度草稿；该周期已有报告时答 409（请用 PUT）。/ \
                   A reporter creates the draft of a task of its unit for a period; when one \
                   exists, 409 (use PUT).",
    responses((status = 201, description = "已建 / created", body = Report,
        headers(("ETag" = String), ("Location" = String))), ReadErrors, WriteErrors))]
pub(crate) async fn create(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<NewReport>,
) -> Result<Response, Problem> {
    let (d, period) = writable(&s, &caller, body.task_id, &body.period).await?;
    let text = checked(&body.text, body.self_score, d.task.weight)?;
    checked_note(body.note.as_deref())?;
    if let Some(r) = d.reports.iter().find(|r| r.period_id == period.id) {
        return Err(Problem {
            current_version: Some(r.version),
            ..Problem::new(StatusCode::CONFLICT, "exists")
                .detail(format!("报告已存在（id {}）/ the report exists", r.id))
        });
    }
    let edit = Edit {
        text,
        self_score: body.self_score,
        note: body.note,
        expected_version: None,
    };
    let row = save(&s, &caller, &d, &period, edit).await?;
    Ok(with_etag(StatusCode::CREATED, row))
}

/// A change of a draft or returned report.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ReportUpdate {
    /// 进度情况 / progress.
    #[schema(example = "已培训妇女2000余人", min_length = 1, max_length = 20000)]
    text: String,
    /// 自评分 / self-score.
    self_score: Option<f64>,
    /// 情况说明 / the unit's explanation of the findings.
    #[schema(max_length = 2000)]
    note: Option<String>,
    /// 读到的版本（或用 If-Match）/ the version read (or send If-Match).
    version: Option<i64>,
}

/// The version the caller read: `If-Match` (an ETag) or the body's; both must agree.
fn expected_version(headers: &HeaderMap, body: Option<i64>) -> Result<i64, Problem> {
    let header = match headers.get(header::IF_MATCH) {
        Some(v) => {
            let raw = v.to_str().unwrap_or("").trim();
            let raw = raw.strip_prefix("W/").unwrap_or(raw).trim_matches('"');
            Some(raw.parse::<i64>().map_err(|_| {
                Problem::new(StatusCode::PRECONDITION_FAILED, "precondition_failed")
                    .detail("If-Match 须为本接口给出的 ETag / If-Match must be an ETag we gave")
            })?)
        }
        None => None,
    };
    match (header, body) {
        (Some(h), Some(b)) if h != b => Err(Problem::new(
            StatusCode::PRECONDITION_FAILED,
            "precondition_failed",
        )
        .detail("If-Match 与 version 不一致 / If-Match and version differ")),
        (Some(v), _) | (None, Some(v)) => Ok(v),
        (None, None) => Err(
            Problem::new(StatusCode::PRECONDITION_REQUIRED, "version_required")
                .detail("请带 If-Match 或 version / send If-Match or version"),
        ),
    }
}

/// `PUT /reports/{id}`.
#[utoipa::path(put, path = "/reports/{id}", tag = "reports", params(IdPath,
        ("If-Match" = Option<String>, Header, description = "读到的 ETag / the ETag read")),
    request_body = ReportUpdate,
    summary = "修改草稿或退回的报告 / update a draft or returned report",
    description = "只从读到的版本修改：版本已变答 409 并给出当前版本，内容不丢。/ Changes only \
                   from the version read: a stale version is 409 with the current one.",
    responses((status = 200, description = "已存 / saved", body = Report,
        headers(("ETag" = String))), ReadErrors, WriteErrors))]
pub(crate) async fn update(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(p): ApiPath<IdPath>,
    ApiJson(body): ApiJson<ReportUpdate>,
) -> Result<Response, Problem> {
    let current = report_in_reach(&s, &caller, p.id).await?;
    let (d, period) = writable(&s, &caller, current.task_id, &current.period).await?;
    let version = expected_version(&headers, body.version)?;
    let text = checked(&body.text, body.self_score, d.task.weight)?;
    checked_note(body.note.as_deref())?;
    let edit = Edit {
        text,
        self_score: body.self_score,
        note: body.note,
        expected_version: Some(version),
    };
    let row = save(&s, &caller, &d, &period, edit).await?;
    Ok(with_etag(StatusCode::OK, row))
}

/// The version a transition starts from.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct VersionBody {
    /// 读到的版本（或用 If-Match）/ the version read (or send If-Match).
    version: Option<i64>,
}

/// `POST /reports/{id}/submit`.
#[utoipa::path(post, path = "/reports/{id}/submit", tag = "reports", params(IdPath,
        ("If-Match" = Option<String>, Header, description = "读到的 ETag / the ETag read")),
    request_body = VersionBody,
    summary = "提交审核 / submit for review",
    responses((status = 200, description = "已提交 / submitted", body = Report,
        headers(("ETag" = String))), ReadErrors, WriteErrors))]
pub(crate) async fn submit(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(p): ApiPath<IdPath>,
    ApiJson(body): ApiJson<VersionBody>,
) -> Result<Response, Problem> {
    let current = report_in_reach(&s, &caller, p.id).await?;
    writable(&s, &caller, current.task_id, &current.period).await?;
    let version = expected_version(&headers, body.version)?;
    let report = s
        .store
        .report(current.id)
        .await?
        .ok_or_else(Problem::not_found)?;
    if let Err(e) = jixiao_app::reports::may_submit(&report) {
        return Err(
            Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "unexplained").detail(format!(
                "{e} / the report has findings ({}); explain them in note before submitting",
                e.flags
            )),
        );
    }
    s.store
        .submit_report(&caller.session.user.actor(), current.id, version)
        .await?;
    let row = report_in_reach(&s, &caller, p.id).await?;
    Ok(with_etag(StatusCode::OK, row))
}

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ReviewDecision {
    /// 审核通过 / approve.
    Approve,
    /// 退回（须写原因）/ return (a reason is required).
    Return,
}

/// A review.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ReviewBody {
    /// 读到的版本（或用 If-Match）/ the version read (or send If-Match).
    version: Option<i64>,
    /// approve / return.
    decision: ReviewDecision,
    /// 退回原因 / why it is returned.
    #[schema(example = "请补充培训签到表")]
    reason: Option<String>,
}

/// `POST /reports/{id}/review`.
#[utoipa::path(post, path = "/reports/{id}/review", tag = "reports", params(IdPath,
        ("If-Match" = Option<String>, Header, description = "读到的 ETag / the ETag read")),
    request_body = ReviewBody,
    summary = "审核：通过或退回 / review: approve or return",
    responses((status = 200, description = "已审核 / reviewed", body = Report,
        headers(("ETag" = String))), ReadErrors, WriteErrors))]
pub(crate) async fn review(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(p): ApiPath<IdPath>,
    ApiJson(body): ApiJson<ReviewBody>,
) -> Result<Response, Problem> {
    let current = report_in_reach(&s, &caller, p.id).await?;
    caller.require_write()?;
    if !caller.session.user.role().may_review() {
        return Err(Problem::forbidden());
    }
    // The report before its task's history, as the form does: a step decided in between is in
    // the history, and the version check then refuses a decision made from the older report.
    let report = s
        .store
        .report(current.id)
        .await?
        .ok_or_else(Problem::not_found)?;
    let d = s
        .store
        .task(current.task_id)
        .await?
        .ok_or_else(Problem::not_found)?;
    let version = expected_version(&headers, body.version)?;
    let decision = match body.decision {
        ReviewDecision::Approve => Decision::Approve,
        ReviewDecision::Return => {
            let reason = body.reason.as_deref().unwrap_or("").trim();
            if reason.is_empty() {
                return Err(Problem::invalid("退回须写明原因 / a return needs a reason"));
            }
            Decision::Return {
                reason: reason.to_string(),
            }
        }
    };
    let asker = caller.session.asker();
    jixiao_app::reports::review(
        &s.store,
        &asker,
        &caller.session.user.actor(),
        &d,
        &report,
        version,
        &decision,
    )
    .await?;
    let row = report_in_reach(&s, &caller, p.id).await?;
    Ok(with_etag(StatusCode::OK, row))
}
