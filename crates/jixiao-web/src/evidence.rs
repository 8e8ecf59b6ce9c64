//! Evidence files (佐证材料): what may be uploaded, and how it is served back.
//!
//! A file is accepted when its extension is one offices use for evidence and its first bytes
//! agree with the extension (a renamed executable is refused). Downloads are always
//! `attachment` with the stored type, so the browser never renders an upload as a page.

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};
use jixiao_store::StoreError;
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::{Catalog, Locale};
use crate::pages::id;
use crate::{AppState, WebError, views};

/// The largest file accepted.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;

/// The media type for an allowed extension, and whether the content agrees with it.
pub fn check(file_name: &str, bytes: &[u8]) -> Option<&'static str> {
    let ext = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    let zip = starts(b"PK\x03\x04");
    let ole = starts(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1");
    let (ok, media) = match ext.as_str() {
        "pdf" => (starts(b"%PDF-"), "application/pdf"),
        "png" => (starts(b"\x89PNG\r\n\x1a\n"), "image/png"),
        "jpg" | "jpeg" => (starts(b"\xFF\xD8\xFF"), "image/jpeg"),
        "gif" => (starts(b"GIF87a") || starts(b"GIF89a"), "image/gif"),
        "docx" => (
            zip,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "xlsx" => (
            zip,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "ofd" => (zip, "application/ofd"),
        "doc" => (ole, "application/msword"),
        "xls" => (ole, "application/vnd.ms-excel"),
        "txt" => (
            !bytes.contains(&0) || std::str::from_utf8(bytes).is_ok(),
            "text/plain; charset=utf-8",
        ),
        _ => (false, ""),
    };
    (ok && !bytes.is_empty()).then_some(media)
}

/// The last path component of an uploaded name, without control characters, at most 120
/// characters.
pub fn clean_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() || cleaned.starts_with('.') {
        format!("附件{cleaned}")
    } else {
        cleaned
    }
}

/// A report the session may attach to or detach from: in reach, a reporting role, editable.
async fn editable_report(
    s: &AppState,
    session: &Session,
    report_id: i64,
    t: &Catalog,
) -> Result<(jixiao_store::ReportRecord, i64), WebError> {
    let report = s.store.report(report_id).await?.ok_or(WebError::NotFound)?;
    let task = s
        .store
        .task(report.task_id)
        .await?
        .ok_or(WebError::NotFound)?;
    if !session.sees_task(task.unit.id, task.reviewing_unit.as_ref().map(|u| u.id)) {
        return Err(WebError::NotFound);
    }
    if !session.reaches(task.unit.id) || !session.user.role().may_report() {
        return Err(WebError::Forbidden);
    }
    if report.state != "draft" && report.state != "returned" {
        return Err(WebError::BadRequest(
            t.get("report.error.state").to_string(),
        ));
    }
    Ok((report, task.task.id))
}

pub(crate) async fn upload(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    multipart: Multipart,
) -> Response {
    match upload_inner(&s, locale, &session, &raw, multipart).await {
        Ok(r) => r,
        Err(e) => LocalizedError(locale, e).into_response(),
    }
}

async fn upload_inner(
    s: &AppState,
    locale: Locale,
    session: &Session,
    raw: &str,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let t = locale.catalog();
    let report_id = id(raw)?;
    let bad = |key: &str| WebError::BadRequest(t.get(key).to_string());
    let mut csrf = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|_| bad("evidence.error.too_large"))?
    {
        match field.name() {
            Some("csrf") => {
                csrf = Some(field.text().await.map_err(|_| bad("evidence.error.read"))?)
            }
            Some("file") => {
                let name = clean_name(field.file_name().unwrap_or(""));
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|_| bad("evidence.error.too_large"))?;
                file = Some((name, bytes.to_vec()));
            }
            _ => {}
        }
    }
    session.check_csrf(csrf.as_deref().unwrap_or(""))?;
    let (report, task_id) = editable_report(s, session, report_id, t).await?;
    let (name, bytes) = file
        .filter(|(_, b)| !b.is_empty())
        .ok_or_else(|| bad("evidence.error.empty"))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(bad("evidence.error.too_large"));
    }
    let media = check(&name, &bytes)
        .ok_or_else(|| WebError::BadRequest(t.fill("evidence.error.type", &[("name", &name)])))?;
    s.store
        .add_attachment(&session.user.actor(), report.id, &name, media, &bytes)
        .await?;
    Ok(Redirect::to(&format!(
        "/tasks/{task_id}?period={}&done=attached",
        views::query_escape(&report.period_code)
    ))
    .into_response())
}

pub(crate) async fn download(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
) -> Response {
    match download_inner(&s, &session, &raw).await {
        Ok(r) => r,
        Err(e) => LocalizedError(locale, e).into_response(),
    }
}

async fn download_inner(s: &AppState, session: &Session, raw: &str) -> Result<Response, WebError> {
    let info = s
        .store
        .attachment(id(raw)?)
        .await?
        .ok_or(WebError::NotFound)?;
    let report = s
        .store
        .report(info.report_id)
        .await?
        .ok_or(WebError::NotFound)?;
    let task = s
        .store
        .task(report.task_id)
        .await?
        .ok_or(WebError::NotFound)?;
    if !session.sees_task(task.unit.id, task.reviewing_unit.as_ref().map(|u| u.id)) {
        return Err(WebError::NotFound);
    }
    let data = s
        .store
        .attachment_data(info.id)
        .await?
        .ok_or(WebError::NotFound)?;
    let disposition = format!(
        "attachment; filename=\"evidence-{}\"; filename*=UTF-8''{}",
        info.id,
        views::query_escape(&info.file_name)
    );
    let mut resp = data.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&info.content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(resp)
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    csrf: String,
}

pub(crate) async fn delete(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        session.check_csrf(&form.csrf)?;
        let info = s
            .store
            .attachment(id(&raw)?)
            .await?
            .ok_or(WebError::NotFound)?;
        let (report, task_id) =
            editable_report(&s, &session, info.report_id, locale.catalog()).await?;
        match s
            .store
            .delete_attachment(&session.user.actor(), info.id)
            .await
        {
            Ok(()) | Err(StoreError::NotFound(_)) => {}
            Err(e) => return Err(e.into()),
        }
        Ok::<_, WebError>(
            Redirect::to(&format!(
                "/tasks/{task_id}?period={}&done=detached",
                views::query_escape(&report.period_code)
            ))
            .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_allowed_types_whose_content_agrees_are_accepted() {
        let cases: [(&str, &[u8], bool); 9] = [
            ("签到表.pdf", b"%PDF-1.7 ...", true),
            ("photo.JPG", b"\xFF\xD8\xFF\xE0....", true),
            ("scan.png", b"\x89PNG\r\n\x1a\n....", true),
            ("表.xlsx", b"PK\x03\x04....", true),
            ("notes.txt", "会议纪要".as_bytes(), true),
            ("evil.pdf", b"MZ\x90\x00", false),
            ("run.exe", b"MZ\x90\x00", false),
            ("page.html", b"<html>", false),
            ("empty.pdf", b"", false),
        ];
        for (name, bytes, ok) in cases {
            assert_eq!(check(name, bytes).is_some(), ok, "{name}");
        }
    }

    #[test]
    fn uploaded_names_are_cleaned() {
        assert_eq!(clean_name("C:\\\\Users\\\\a\\\\签到表.pdf"), "签到表.pdf");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{0}b\".pdf"), "ab.pdf");
        assert_eq!(clean_name(".hidden"), "附件.hidden");
        assert_eq!(clean_name(""), "附件");
    }
}
