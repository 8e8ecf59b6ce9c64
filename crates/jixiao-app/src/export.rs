//! A unit's table as the official document: .docx, .xlsx, .pdf, printable .html, .csv or the
//! seed's .txt layout, from the web page or the command line.

use jixiao_domain::Status;
use jixiao_office::export::{ExportRow, ExportTable, ExtraColumns};
use jixiao_store::UnitTable;

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

    pub fn media_type(self) -> &'static str {
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

/// The official table of a unit, with the optional columns asked for; 得分 and its 合计 when
/// `scores` gives each task's final score and the unit's total (the figures its page shows).
pub fn export_table(
    table: &UnitTable,
    columns: ExtraColumns,
    scores: Option<&crate::scores::TableScores>,
) -> ExportTable {
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
                score: scores.and_then(|s| s.tasks.get(&task.id)).and_then(|p| *p),
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
        score_total: scores.and_then(|s| s.total),
    }
}

/// A unit's table made ready for a document under `basis`: only the reports that count, and
/// 得分 with the unit's total as its page shows them.
pub async fn scored_document(
    store: &jixiao_store::Store,
    mut table: UnitTable,
    basis: jixiao_domain::Basis,
    columns: ExtraColumns,
) -> Result<(UnitTable, ExportTable), crate::scores::ScoreError> {
    only_counted(&mut table, basis);
    let scores = if columns.score {
        let scoring =
            crate::scores::SchemeScoring::load_for_unit(store, &table.scheme, table.unit.id)
                .await?
                .with_basis(basis);
        Some(scoring.table_scores(&table)?)
    } else {
        None
    };
    let doc = export_table(&table, columns, scores.as_ref());
    Ok((table, doc))
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

/// Drops the reports that do not count under `basis` (drafts and returned reports always;
/// submitted ones from the official document).
pub fn only_counted(table: &mut UnitTable, basis: jixiao_domain::Basis) {
    for task in &mut table.tasks {
        if task.report.as_ref().is_some_and(|r| !r.counts(basis)) {
            task.report = None;
        }
    }
}

/// The ranking table in a format that has a ranking layout (.docx, .xlsx, .pdf, .csv, .html); `None`
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
        Format::Pdf => Some(jixiao_pdf::ranking_to_pdf_with_system_fonts(t)?),
        _ => None,
    })
}

#[cfg(test)]
mod score_format {
    /// The exports (which know nothing of the domain) print a score as the pages do.
    #[test]
    fn exports_and_pages_print_a_score_alike() {
        for v in [
            0.0, -0.0, 675.0, 685.7, 134.83, 4.833, 2.5, 0.005, 99.995, 1e6,
        ] {
            assert_eq!(
                jixiao_office::export::fmt_score(v),
                jixiao_domain::points::score_text(v),
                "{v}"
            );
        }
        assert_eq!(jixiao_domain::points::score_text(675.0), "675.00");
        assert_eq!(jixiao_domain::points::score_text(685.7), "685.70");
    }
}
