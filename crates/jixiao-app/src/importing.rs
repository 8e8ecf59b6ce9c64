//! Turning a parsed table into an import plan, and reading each task's progress as it is
//! stored: shared by `jixiao import` and the upload page.

use jixiao_domain::table::TreeError;
use jixiao_domain::{IndicatorTree, Period, TaskRow, TaskSpec, Year};
use jixiao_office::{Location, ParsedTable, Warning};
use jixiao_store::{ImportPlan, StoredReading};

/// Why a table cannot become a plan; the text names the file and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PrepareError(pub String);

macro_rules! bail {
    ($($t:tt)*) => { return Err(PrepareError(format!($($t)*))) };
}

/// A file read and turned into a plan, ready to store.
pub struct Prepared {
    /// The table as read, with the weight warnings added.
    pub table: ParsedTable,
    /// What would be stored.
    pub plan: ImportPlan,
}

/// Reads an uploaded file with the column mapping the office gave on the upload page or in the
/// API (`进展情况=progress,项目=task`; empty: headers by name alone). The error is one sentence
/// for the person uploading: where a header cannot be understood it says how to map it, in the
/// words of the upload page (no command-line flag).
pub fn read_upload(file_name: &str, data: &[u8], column_map: &str) -> Result<ParsedTable, String> {
    let map: jixiao_office::ColumnMap = column_map.parse().map_err(|e| format!("{e}"))?;
    jixiao_office::read_bytes_with(file_name, data, &map).map_err(|e| match e.kind {
        jixiao_office::ImportErrorKind::MissingColumn { .. } => {
            format!("{e}；也可以在「列对应」中说明表头的含义，如「进展情况=progress，项目=task」")
        }
        _ => e.to_string(),
    })
}

/// Reads one file and builds its import plan. Nothing is written.
pub fn prepare(
    file_name: &str,
    table: ParsedTable,
    unit: Option<&str>,
    period: Option<&str>,
    replace: bool,
) -> Result<Prepared, PrepareError> {
    let mut table = table;
    let title = table.title.trim().to_string();
    if title.is_empty() {
        bail!(
            "{file_name}：文件开头没有标题行，无法确定考核方案（标题应如“2022年度……完成进度情况”）"
        );
    }
    let period: Option<Period> = period
        .map(|p| {
            p.parse().map_err(|e: jixiao_domain::period::PeriodError| {
                PrepareError(format!("--period {p}：{e}"))
            })
        })
        .transpose()?;
    let year = match (Year::in_title(&title), period) {
        (Some(y), Some(p)) if p.year() != y => {
            bail!("--period {p} 的年度与标题中的 {y} 年不一致")
        }
        (Some(y), _) => y,
        (None, Some(p)) => p.year(),
        (None, None) => {
            bail!("{file_name}：标题「{title}」中没有年度，请用 --period 指定，如 --period 2022")
        }
    };
    let period = period.unwrap_or_else(|| Period::whole_year(year));
    let department = table.department.clone().unwrap_or_default();
    let unit = match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => u.to_string(),
        None if !department.is_empty() => department.clone(),
        None => bail!("{file_name}：文件中没有“主管部门：”行，请用 --unit 指定被考核单位"),
    };
    let rows: Vec<TaskRow> = table
        .rows
        .iter()
        .map(|r| TaskRow {
            path: vec![r.level1.clone(), r.level2.clone()],
            task: r.task.clone(),
            target: r.target.clone(),
            progress: r.progress.clone(),
            // A table without weights imports with none set (the reader warned): the office
            // sets them before scores are published.
            weight: r.weight.unwrap_or(0.0),
        })
        .collect();
    let tree = IndicatorTree::from_rows(&rows).map_err(|e| {
        let at = |i: usize| {
            table
                .rows
                .get(i.saturating_sub(1))
                .map(|r| r.source.to_string())
        };
        match &e {
            TreeError::EmptyTask { row } => {
                PrepareError(format!("{}：{e}", at(*row).unwrap_or_default()))
            }
            _ => PrepareError(format!("{file_name}：{e}")),
        }
    })?;
    if tree.task_count() == 0 {
        bail!("{file_name}：表格中没有任务行");
    }
    for m in tree.weight_mismatches() {
        table.warnings.push(Warning {
            location: Location {
                file: file_name.to_string(),
                ..Location::default()
            },
            message: m.to_string(),
        });
    }
    Ok(Prepared {
        plan: ImportPlan {
            title,
            year,
            department,
            unit,
            period,
            tree,
            source: file_name.to_string(),
            replace,
            for_review: false,
        },
        table,
    })
}

/// The reading of a task's progress for the plan's period under the scheme's tolerance, as the
/// importer stores it.
pub fn stored_reading(plan: &ImportPlan, task: &TaskSpec, tolerance: f64) -> Option<StoredReading> {
    if task.progress.trim().is_empty() {
        return None;
    }
    Some(crate::reports::stored_reading(
        &task.target,
        &task.progress,
        plan.period.time_progress(),
        tolerance,
        None,
    ))
}
