//! The upload page: an admin sends a .txt/.docx/.xlsx/.xls/.ods table, sees what would be
//! created with every warning and its row and cell, and confirms. Nothing is written before the
//! confirmation; the confirmed import is one transaction like the command line's.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, OriginalUri, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, SecondsFormat, Utc};
use jixiao_office::{ParsedTable, Warning};
use jixiao_store::{PendingImport, StoreError};
use serde::Deserialize;

use crate::auth::{self, Session};
use crate::error::LocalizedError;
use crate::i18n::Locale;
use crate::importing::{Prepared, prepare, read_upload, stored_reading};
use crate::views::{self, Frame};
use crate::{AppState, WebError};

/// The largest table file accepted (the reader's own limit is 20 MiB).
pub const MAX_UPLOAD_BYTES: usize = 20 * 1024 * 1024;

struct RowView {
    level1: String,
    level2: String,
    task: String,
    weight: String,
    progress: String,
}

#[derive(Template)]
#[template(path = "upload.html")]
struct UploadPage {
    f: Frame,
    error: Option<String>,
    preview: Option<Preview>,
}

struct Preview {
    token: String,
    file_name: String,
    title: String,
    department: String,
    unit: String,
    period: String,
    rows: Vec<RowView>,
    warnings: Vec<Warning>,
    replaces: i64,
}

fn page(
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    error: Option<String>,
    preview: Option<Preview>,
) -> Response {
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let p = UploadPage {
        f: Frame::new(locale, uri, Some(session)),
        error,
        preview,
    };
    match p.render() {
        Ok(h) => (status, Html(h)).into_response(),
        Err(e) => LocalizedError(locale, e.into()).into_response(),
    }
}

/// What the preview shows of a prepared table kept under `token`.
fn preview_of(token: String, file_name: String, prepared: &Prepared, replaces: i64) -> Preview {
    Preview {
        token,
        file_name,
        title: prepared.plan.title.clone(),
        department: prepared.plan.department.clone(),
        unit: prepared.plan.unit.clone(),
        period: prepared.plan.period.label_zh(),
        rows: prepared
            .table
            .rows
            .iter()
            .map(|r| RowView {
                level1: r.level1.clone(),
                level2: r.level2.clone(),
                task: r.task.clone(),
                weight: r
                    .weight
                    .map(views::points)
                    .unwrap_or_else(|| "—".to_string()),
                progress: r.progress.clone(),
            })
            .collect(),
        warnings: prepared.table.warnings.clone(),
        replaces,
    }
}

/// `GET /admin/import`.
pub(crate) async fn form(locale: Locale, uri: OriginalUri, session: Session) -> Response {
    match session.require_admin() {
        Ok(()) => page(locale, &uri, &session, None, None),
        Err(e) => LocalizedError(locale, e).into_response(),
    }
}

/// `POST /admin/import`: reads the file and shows the preview.
pub(crate) async fn preview(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    mut multipart: Multipart,
) -> Response {
    if let Err(e) = session.require_admin() {
        return LocalizedError(locale, e).into_response();
    }
    let t = locale.catalog();
    let mut csrf = String::new();
    let mut unit = String::new();
    let mut period = String::new();
    let mut column_map = String::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                return page(
                    locale,
                    &uri,
                    &session,
                    Some(t.get("upload.error.read").into()),
                    None,
                );
            }
        };
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(crate::evidence::clean_name);
        let Ok(bytes) = field.bytes().await else {
            return page(
                locale,
                &uri,
                &session,
                Some(t.get("upload.error.read").into()),
                None,
            );
        };
        match name.as_str() {
            "csrf" => csrf = String::from_utf8_lossy(&bytes).into_owned(),
            "unit" => unit = String::from_utf8_lossy(&bytes).trim().to_string(),
            "period" => period = String::from_utf8_lossy(&bytes).trim().to_string(),
            "map" => column_map = String::from_utf8_lossy(&bytes).trim().to_string(),
            "file" => file = Some((file_name.unwrap_or_default(), bytes.to_vec())),
            _ => {}
        }
    }
    if let Err(e) = session.check_csrf(&csrf) {
        return LocalizedError(locale, e).into_response();
    }
    let Some((file_name, data)) = file.filter(|(_, d)| !d.is_empty()) else {
        return page(
            locale,
            &uri,
            &session,
            Some(t.get("upload.error.empty").into()),
            None,
        );
    };
    let table: ParsedTable = match read_upload(&file_name, &data, &column_map) {
        Ok(t) => t,
        Err(e) => return page(locale, &uri, &session, Some(e), None),
    };
    let prepared = match prepare(
        &file_name,
        table,
        Some(unit.as_str()).filter(|u| !u.is_empty()),
        Some(period.as_str()).filter(|p| !p.is_empty()),
        false,
    ) {
        Ok(p) => p,
        Err(e) => return page(locale, &uri, &session, Some(e.to_string()), None),
    };
    let replaces = match s
        .store
        .existing_tasks(&prepared.plan.title, &prepared.plan.unit)
        .await
    {
        Ok(n) => n,
        Err(e) => return LocalizedError(locale, e.into()).into_response(),
    };
    let token = match auth::new_token() {
        Ok(t) => t,
        Err(e) => return LocalizedError(locale, e.into()).into_response(),
    };
    let day_ago = (Utc::now() - Duration::days(1)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let pending = PendingImport {
        file_name: file_name.clone(),
        unit: unit.clone(),
        period: period.clone(),
        column_map,
        data,
    };
    if let Err(e) = s
        .store
        .put_pending_import(&token, session.user.id, &pending, &day_ago)
        .await
    {
        return LocalizedError(locale, e.into()).into_response();
    }
    let preview = preview_of(token, file_name, &prepared, replaces);
    page(locale, &uri, &session, None, Some(preview))
}

#[derive(Deserialize)]
pub(crate) struct ConfirmForm {
    csrf: String,
    token: String,
    #[serde(default)]
    replace: String,
    #[serde(default)]
    for_review: String,
}

/// `POST /admin/import/confirm`: imports the previewed file in one transaction.
pub(crate) async fn confirm(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Form(form): Form<ConfirmForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        session.require_admin()?;
        let pending = s
            .store
            .take_pending_import(&form.token, session.user.id)
            .await?
            .ok_or_else(|| WebError::BadRequest(t.get("upload.error.expired").to_string()))?;
        let table = read_upload(&pending.file_name, &pending.data, &pending.column_map)
            .map_err(WebError::BadRequest)?;
        let mut prepared = prepare(
            &pending.file_name,
            table,
            Some(pending.unit.as_str()).filter(|u| !u.is_empty()),
            Some(pending.period.as_str()).filter(|p| !p.is_empty()),
            form.replace == "1",
        )
        .map_err(|e| WebError::BadRequest(e.to_string()))?;
        prepared.plan.for_review = form.for_review == "1";
        match s
            .store
            .import_table(&session.user.actor(), &prepared.plan, stored_reading)
            .await
        {
            // The period just imported, with what was imported said on arrival.
            Ok(o) => Ok(Redirect::to(&format!(
                "/schemes/{}/units/{}?period={}&imported={}",
                o.scheme_id,
                o.unit_id,
                prepared.plan.period.code(),
                o.tasks
            ))
            .into_response()),
            // Nothing was written: the same file is kept and shown again, with the box to
            // tick, instead of asking for a new upload.
            Err(StoreError::WouldReplace { tasks, .. }) => {
                let day_ago =
                    (Utc::now() - Duration::days(1)).to_rfc3339_opts(SecondsFormat::Millis, true);
                s.store
                    .put_pending_import(&form.token, session.user.id, &pending, &day_ago)
                    .await?;
                let preview = preview_of(
                    form.token.clone(),
                    pending.file_name.clone(),
                    &prepared,
                    tasks,
                );
                Ok(page(
                    locale,
                    &uri,
                    &session,
                    Some(t.fill("upload.error.replace", &[("n", &tasks.to_string())])),
                    Some(preview),
                ))
            }
            Err(e) => Err(e.into()),
        }
    }
    .await;
    result.unwrap_or_else(|e: WebError| LocalizedError(locale, e).into_response())
}
