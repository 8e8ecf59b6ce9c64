//! Importing a table through the API, as the upload page does: send the file (nothing is
//! written), read the dry run with every warning and its location, confirm (one transaction).
//! The office only, with a read-write token.

use axum::Json;
use axum::body::Body;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{Duration, SecondsFormat, Utc};
use jixiao_store::PendingImport;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::extract::{ApiJson, ApiPath, ApiQuery, Caller};
use super::problem::Problem;
use super::{ApiResult, ReadErrors, WriteErrors};
use crate::AppState;
use crate::importing::{Prepared, prepare, stored_reading};

/// A row of the dry run.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PreviewRow {
    /// 一级指标 / level-1 indicator as written.
    level1: String,
    /// 二级指标 / level-2 indicator.
    level2: String,
    /// 任务要点名称 / task.
    task: String,
    /// 年度目标 / target.
    target: String,
    /// 进度情况 / progress.
    progress: String,
    /// 分值 / weight in points; `null` when the table has no weight column (the office sets
    /// the weights before scores are published).
    weight: Option<f64>,
}

/// What an import would create, before anything is written.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ImportPreview {
    /// 确认时使用的编号（一天内有效）/ the id to confirm with (valid for a day).
    id: String,
    /// 文件名 / file name.
    file_name: String,
    /// 方案标题 / scheme title.
    title: String,
    /// 主管部门 / department line.
    department: String,
    /// 被考核单位 / the assessed unit.
    unit: String,
    /// 周期代码 / period code.
    period: String,
    /// 各行 / the rows.
    rows: Vec<PreviewRow>,
    /// 警告（含位置）/ warnings, each with its location.
    warnings: Vec<String>,
    /// 将被替换的已有任务数 / existing tasks a confirmation with replace would replace.
    replaces: i64,
}

/// Where an upload goes.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct UploadQuery {
    /// 文件名（扩展名决定格式：.txt .docx .xlsx .xls .ods）/ the file's name; its extension
    /// decides the format.
    file_name: String,
    /// 被考核单位（不填为文件中的主管部门）/ the assessed unit (default: the document's).
    unit: Option<String>,
    /// 周期代码（不填为全年）/ period code (default: the whole year).
    period: Option<String>,
    /// 列对应（表头无法识别时），如 `进展情况=progress,项目=task`；角色 task target progress
    /// weight level1 level2 completion responsible unit ignore / the columns' roles when the
    /// headers cannot be understood.
    map: Option<String>,
}

/// Uploads are kept a day.
fn day_ago() -> String {
    (Utc::now() - Duration::days(1)).to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn admin(caller: &Caller) -> Result<(), Problem> {
    caller.require_write()?;
    Ok(caller.session.require_admin()?)
}

fn read(p: &PendingImport) -> Result<Prepared, Problem> {
    let failed =
        |e: String| Problem::new(StatusCode::UNPROCESSABLE_ENTITY, "import_failed").detail(e);
    let table =
        crate::importing::read_upload(&p.file_name, &p.data, &p.column_map).map_err(failed)?;
    prepare(
        &p.file_name,
        table,
        Some(p.unit.as_str()).filter(|u| !u.is_empty()),
        Some(p.period.as_str()).filter(|x| !x.is_empty()),
        false,
    )
    .map_err(|e| failed(e.to_string()))
}

async fn preview_of(s: &AppState, id: String, p: &PendingImport) -> Result<ImportPreview, Problem> {
    let prepared = read(p)?;
    let replaces = s
        .store
        .existing_tasks(&prepared.plan.title, &prepared.plan.unit)
        .await?;
    Ok(ImportPreview {
        id,
        file_name: p.file_name.clone(),
        title: prepared.plan.title.clone(),
        department: prepared.plan.department.clone(),
        unit: prepared.plan.unit.clone(),
        period: prepared.plan.period.code(),
        rows: prepared
            .table
            .rows
            .iter()
            .map(|r| PreviewRow {
                level1: r.level1.clone(),
                level2: r.level2.clone(),
                task: r.task.clone(),
                target: r.target.clone(),
                progress: r.progress.clone(),
                weight: r.weight,
            })
            .collect(),
        warnings: prepared
            .table
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect(),
        replaces,
    })
}

/// `POST /imports`.
#[utoipa::path(post, path = "/imports", tag = "imports", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream",
        description = "文件内容（不超过 20 MiB）/ the file's bytes (at most 20 MiB)"),
    summary = "上传进度表，得到试导入结果 / upload a table, get the dry run",
    description = "不写入任何数据；确认后才导入。/ Nothing is written until confirmed.",
    responses((status = 201, description = "试导入结果 / the dry run", body = ImportPreview),
        ReadErrors, WriteErrors))]
pub(crate) async fn upload(
    State(s): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<UploadQuery>,
    body: Body,
) -> Result<Response, Problem> {
    admin(&caller)?;
    let data = axum::body::to_bytes(body, crate::upload::MAX_UPLOAD_BYTES)
        .await
        .map_err(|_| {
            Problem::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large")
                .detail("文件不超过 20 MiB / at most 20 MiB")
        })?;
    if data.is_empty() {
        return Err(Problem::invalid("文件为空 / the file is empty"));
    }
    let pending = PendingImport {
        file_name: crate::evidence::clean_name(&q.file_name),
        unit: q.unit.unwrap_or_default().trim().to_string(),
        period: q.period.unwrap_or_default().trim().to_string(),
        column_map: q.map.unwrap_or_default().trim().to_string(),
        data: data.to_vec(),
    };
    read(&pending)?;
    let id = crate::auth::new_token()?;
    s.store
        .put_pending_import(&id, caller.session.user.id, &pending, &day_ago())
        .await?;
    let preview = preview_of(&s, id, &pending).await?;
    Ok((StatusCode::CREATED, Json(preview)).into_response())
}

/// The id of an upload.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct ImportPath {
    /// 上传编号 / the upload's id.
    id: String,
}

/// `GET /imports/{id}`.
#[utoipa::path(get, path = "/imports/{id}", tag = "imports", params(ImportPath),
    summary = "再看试导入结果 / the dry run again",
    description = "上传者本人一天内可看。/ For its uploader, for a day.",
    responses((status = 200, description = "试导入结果 / the dry run", body = ImportPreview),
        ReadErrors, (status = 422, description = "文件无法导入 / the file cannot be imported \
        (`import_failed`)", body = super::problem::ProblemBody,
        content_type = "application/problem+json")))]
pub(crate) async fn preview(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(p): ApiPath<ImportPath>,
) -> ApiResult<ImportPreview> {
    caller.session.require_admin()?;
    let pending = s
        .store
        .pending_import(&p.id, caller.session.user.id, &day_ago())
        .await?
        .ok_or_else(Problem::not_found)?;
    Ok(Json(preview_of(&s, p.id, &pending).await?))
}

/// The confirmation.
#[derive(Debug, Deserialize, ToSchema)]
pub(crate) struct ConfirmBody {
    /// 替换该单位在方案中已有的任务 / replace the unit's existing tasks in the scheme.
    #[serde(default)]
    replace: bool,
    /// 进度导入为“已提交”，审核后才计入正式口径；默认为考核办自己的记录，直接计为已审核 /
    /// import the progress as submitted, counted officially only once reviewed; by default
    /// the office's own record, counted as approved.
    #[serde(default)]
    for_review: bool,
}

/// What was imported.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Imported {
    /// 方案 / scheme.
    scheme_id: i64,
    /// 单位 / unit.
    unit_id: i64,
    /// 任务数 / tasks.
    tasks: usize,
    /// 进度报告数 / progress reports.
    reports: usize,
}

/// `POST /imports/{id}/confirm`.
#[utoipa::path(post, path = "/imports/{id}/confirm", tag = "imports", params(ImportPath),
    request_body = ConfirmBody,
    summary = "确认导入 / confirm the import",
    description = "一个事务：全部导入或什么都不写。已有任务时须 replace=true，否则 409 \
                   would_replace。/ One transaction: all or nothing. When the unit has tasks, \
                   replace must be true, else 409 would_replace.",
    responses((status = 201, description = "已导入 / imported", body = Imported), ReadErrors,
        WriteErrors))]
pub(crate) async fn confirm(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(p): ApiPath<ImportPath>,
    ApiJson(body): ApiJson<ConfirmBody>,
) -> Result<Response, Problem> {
    admin(&caller)?;
    if s.store
        .pending_import(&p.id, caller.session.user.id, &day_ago())
        .await?
        .is_none()
    {
        return Err(Problem::not_found());
    }
    // Taken (deleted) before importing, so two confirmations cannot import it twice; put back
    // when the import fails, so the caller can confirm again (e.g. with replace).
    let pending = s
        .store
        .take_pending_import(&p.id, caller.session.user.id)
        .await?
        .ok_or_else(Problem::not_found)?;
    let imported = async {
        let mut prepared = read(&pending)?;
        prepared.plan.replace = body.replace;
        prepared.plan.for_review = body.for_review;
        Ok::<_, Problem>(
            s.store
                .import_table(&caller.session.user.actor(), &prepared.plan, stored_reading)
                .await?,
        )
    }
    .await;
    let outcome = match imported {
        Ok(o) => o,
        Err(e) => {
            s.store
                .put_pending_import(&p.id, caller.session.user.id, &pending, &day_ago())
                .await?;
            return Err(e);
        }
    };
    Ok((
        StatusCode::CREATED,
        Json(Imported {
            scheme_id: outcome.scheme_id,
            unit_id: outcome.unit_id,
            tasks: outcome.tasks,
            reports: outcome.reports,
        }),
    )
        .into_response())
}
