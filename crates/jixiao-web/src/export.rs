//! A unit's table as the official document: .docx, .xlsx, .pdf, printable .html, .csv or the
//! seed's .txt layout, from the web page or the command line.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jixiao_domain::Status;
use jixiao_office::export::{ExportRow, ExportTable, ExtraColumns};
use jixiao_store::UnitTable;
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::Locale;
use crate::pages::id;
use crate::{AppState, WebError, views};

/// A document format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Word.
    Docx,
    /// Excel.
    Xlsx,
    /// PDF with Chinese glyphs embedded.
    Pdf,
    /// Printable HTML.
    Html,
    /// CSV (UTF-8 with BOM) for data work.
    Csv,
    /// The seed's text layout.
    Txt,
}

impl Format {
    /// Reads `docx`, `xlsx`, `pdf`, `html`, `csv`, `txt`.
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s.to_ascii_lowercase().as_str() {
            "docx" => Format::Docx,
            "xlsx" => Format::Xlsx,
            "pdf" => Format::Pdf,
            "html" | "htm" => Format::Html,
            "csv" => Format::Csv,
            "txt" => Format::Txt,
            _ => return None,
        })
    }

    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Csv => "csv",
            Format::Txt => "txt",
        }
    }

    fn media_type(self) -> &'static str {
        match self {
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Pdf => "application/pdf",
            Format::Html => "text/html; charset=utf-8",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Txt => "text/plain; charset=utf-8",
        }
    }
}

/// The official table of a unit, with the optional columns asked for.
pub fn export_table(table: &UnitTable, columns: ExtraColumns) -> ExportTable {
    let rows = table
        .tasks
        .iter()
        .map(|task| {
            let path = table.path_of(task.indicator_id);
            let level1 = path.first().map(|i| i.name.clone()).unwrap_or_default();
            let level2 = path
                .iter()
                .skip(1)
                .map(|i| i.name.as_str())
                .collect::<Vec<_>>()
                .join(" / ");
            let report = task.report.as_ref();
            ExportRow {
                level1,
                level2,
                task: task.name.clone(),
                target: task.target.clone(),
                progress: report.map(|r| r.text.clone()).unwrap_or_default(),
                weight: task.weight,
                completion: report.and_then(|r| r.effective_completion()),
                status: Some(
                    match report {
                        Some(r) => r.status.as_deref().and_then(Status::parse),
                        None => Some(Status::NotReported),
                    }
                    .map(|s| s.label_zh().to_string())
                    .unwrap_or_default(),
                )
                .filter(|s| !s.is_empty()),
                score: None,
            }
        })
        .collect();
    ExportTable {
        title: table.scheme.title.clone(),
        department: table.department.clone(),
        period_label: table
            .period
            .as_ref()
            .and_then(|p| p.period())
            .filter(|p| p.kind() != jixiao_domain::PeriodKind::Year)
            .map(|p| p.label_zh()),
        rows,
        columns,
    }
}

/// Why a document could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    /// The office writer failed.
    #[error(transparent)]
    Office(#[from] jixiao_office::export::ExportError),
    /// The PDF writer failed (e.g. no CJK font installed).
    #[error(transparent)]
    Pdf(#[from] jixiao_pdf::PdfError),
}

/// The bytes of the document.
pub fn render(t: &ExportTable, format: Format) -> Result<Vec<u8>, RenderError> {
    use jixiao_office::export as x;
    Ok(match format {
        Format::Docx => x::to_docx(t)?,
        Format::Xlsx => x::to_xlsx(t)?,
        Format::Pdf => jixiao_pdf::to_pdf_with_system_fonts(t)?,
        Format::Html => x::to_html(t).into_bytes(),
        Format::Csv => x::to_csv(t),
        Format::Txt => x::to_txt(t).into_bytes(),
    })
}

#[derive(Deserialize)]
pub(crate) struct ExportQuery {
    period: Option<String>,
    /// 口径: `provisional` for 含待审, else official.
    basis: Option<String>,
}

/// Drops the reports that do not count under `basis` (drafts and returned reports always;
/// submitted ones from the official document).
pub fn only_counted(table: &mut UnitTable, basis: jixiao_domain::Basis) {
    for task in &mut table.tasks {
        if task.report.as_ref().is_some_and(|r| !r.counts(basis)) {
            task.report = None;
        }
    }
}

/// `GET /schemes/{id}/units/{unit}/export/{format}`: the unit's table as a download.
pub(crate) async fn download(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path((raw_scheme, raw_unit, raw_format)): Path<(String, String, String)>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let result = async {
        let (scheme_id, unit_id) = (id(&raw_scheme)?, id(&raw_unit)?);
        let format = Format::parse(&raw_format).ok_or(WebError::NotFound)?;
        if !session.reaches(unit_id) {
            return Err(WebError::NotFound);
        }
        let period = q.period.filter(|p| !p.is_empty());
        let mut table = s
            .store
            .unit_table(scheme_id, unit_id, period.as_deref())
            .await?
            .ok_or(WebError::NotFound)?;
        // The document carries only what counts under its basis: a draft is nobody's figure.
        let basis = views::basis_of(q.basis.as_deref());
        only_counted(&mut table, basis);
        let columns = ExtraColumns {
            completion: true,
            status: true,
            score: false,
        };
        let doc = export_table(&table, columns);
        let bytes = tokio::task::spawn_blocking(move || render(&doc, format))
            .await
            .map_err(|e| WebError::Internal(format!("export task: {e}")))?
            .map_err(|e| WebError::Internal(format!("export: {e}")))?;
        let name = format!(
            "{}-{}.{}",
            table.unit.name,
            table.period.as_ref().map(|p| p.code.as_str()).unwrap_or(""),
            format.extension()
        );
        let mut resp = bytes.into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.media_type()),
        );
        if let Ok(v) = HeaderValue::from_str(&format!(
            "attachment; filename=\"table.{}\"; filename*=UTF-8''{}",
            format.extension(),
            views::query_escape(&name)
        )) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        Ok::<_, WebError>(resp)
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

/// `GET /schemes/{id}/ranking/export/{format}`: the ranking table (xlsx, csv or html) of the
/// units the user reaches.
pub(crate) async fn ranking_download(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path((raw_scheme, raw_format)): Path<(String, String)>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let result = async {
        let scheme_id = id(&raw_scheme)?;
        let format = Format::parse(&raw_format).ok_or(WebError::NotFound)?;
        let period = q.period.filter(|p| !p.is_empty());
        let reach = session.reach_list();
        let basis = views::basis_of(q.basis.as_deref());
        let table =
            crate::scores::ranking_table(&s.store, scheme_id, period.as_deref(), reach, basis)
                .await
                .map_err(WebError::from)?;
        if table.rows.is_empty() && !session.user.role().may_administer() {
            return Err(WebError::NotFound);
        }
        let bytes = render_ranking(&table, format)
            .map_err(|e| WebError::Internal(e.to_string()))?
            .ok_or(WebError::NotFound)?;
        let mut resp = bytes.into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.media_type()),
        );
        if let Ok(v) = HeaderValue::from_str(&format!(
            "attachment; filename=\"ranking.{}\"; filename*=UTF-8''{}",
            format.extension(),
            views::query_escape(&format!("排名.{}", format.extension()))
        )) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        Ok::<_, WebError>(resp)
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

/// The ranking table in a format that has a ranking layout (.docx, .xlsx, .csv, .html); `None`
/// for the others.
pub fn render_ranking(
    t: &jixiao_office::export::RankingTable,
    format: Format,
) -> Result<Option<Vec<u8>>, RenderError> {
    use jixiao_office::export as x;
    Ok(match format {
        Format::Docx => Some(x::ranking_to_docx(t)?),
        Format::Xlsx => Some(x::ranking_to_xlsx(t)?),
        Format::Csv => Some(x::ranking_to_csv(t)),
        Format::Html => Some(x::ranking_to_html(t).into_bytes()),
        _ => None,
    })
}
