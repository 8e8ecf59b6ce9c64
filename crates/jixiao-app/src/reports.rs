//! A progress report's reading — what is stored beside a progress text, the same for the form,
//! the API, an import and the demo — and its review: who sees a task, which step a submitted
//! report waits for, and who may decide it (the same for the review form and the API).

use jixiao_domain::checks::{self, Checked, Finding};
use jixiao_domain::reading::assess;
use jixiao_domain::review::NotYours;
use jixiao_domain::{Deciders, Period, Role, StepAt, TimeProgress};
use jixiao_store::{Actor, Decision, ReportRecord, Store, StoreError, StoredReading, TaskDetail};

/// Who is asking, as far as review is concerned: a role, and the units it reaches through the
/// unit tree (its own and those below; the office reaches every unit).
#[derive(Debug, Clone, Copy)]
pub struct Asker<'a> {
    /// The user's id.
    pub user_id: i64,
    /// The user's role.
    pub role: Role,
    /// The user reaches every unit.
    pub everything: bool,
    /// Otherwise the units it reaches, sorted.
    pub reach: &'a [i64],
}

impl Asker<'_> {
    /// Whether the user reaches `unit_id` through the unit tree.
    pub fn reaches(&self, unit_id: i64) -> bool {
        self.everything || self.reach.binary_search(&unit_id).is_ok()
    }

    /// What this person is to a task of `unit_id` whose 考核主体 is `reviewing_unit`.
    pub fn deciders(&self, unit_id: i64, reviewing_unit: Option<i64>) -> Deciders {
        let reviewer = self.role == Role::Reviewer;
        Deciders {
            office: self.role.may_administer(),
            reviews_unit: reviewer && self.reaches(unit_id),
            owner_named: reviewing_unit.is_some(),
            reviews_owner: reviewer && reviewing_unit.is_some_and(|u| self.reaches(u)),
        }
    }

    /// Whether the person sees a task: its unit is in reach, or the person reviews for the
    /// task's 考核主体 — which shows that indicator's tasks in every unit and nothing else of
    /// those units.
    pub fn sees_task(&self, unit_id: i64, reviewing_unit: Option<i64>) -> bool {
        self.reaches(unit_id) || self.deciders(unit_id, reviewing_unit).reviews_owner
    }
}

/// Why a review is refused.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The report is not waiting for a decision (a draft, already decided, or someone
    /// decided the step since the reviewer looked).
    #[error("该报告当前不在待审核状态，或已被他人处理，请刷新后再试")]
    NotWaiting,
    /// Another person decides this step.
    #[error(transparent)]
    NotYours(#[from] NotYours),
    /// The store failed.
    #[error(transparent)]
    Store(StoreError),
}

impl From<StoreError> for ReviewError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Conflict { .. } | StoreError::WrongState { .. } => ReviewError::NotWaiting,
            other => ReviewError::Store(other),
        }
    }
}

/// The step `report` of task `d` waits for: `None` unless it is submitted and a step is left.
pub fn waiting_step(d: &TaskDetail, report: &ReportRecord) -> Result<Option<StepAt>, StoreError> {
    if report.state != "submitted" {
        return Ok(None);
    }
    let passed = usize::try_from(report.review_step).unwrap_or(0);
    Ok(d.scheme
        .review_chain()?
        .next(d.reviewing_unit.is_some(), passed))
}

/// The step a listed submission waits for, if `who` decides it: for the reviewer's 待办.
/// (The four-eyes rule, which needs the submission's history, is checked when deciding.)
pub fn listed_step(who: &Asker<'_>, item: &jixiao_store::ReviewTodo) -> Option<StepAt> {
    let chain = jixiao_domain::ReviewChain::try_from(item.review_chain.as_str()).ok()?;
    let passed = usize::try_from(item.review_step).ok()?;
    let at = chain.next(item.reviewing_unit_id.is_some(), passed)?;
    at.step
        .may_decide(&who.deciders(item.unit_id, item.reviewing_unit_id))
        .then_some(at)
}

/// Whether `who` may decide the step `report` waits for now; why not, if not.
pub fn may_decide(
    who: &Asker<'_>,
    d: &TaskDetail,
    report: &ReportRecord,
) -> Result<StepAt, ReviewError> {
    let at = waiting_step(d, report)?.ok_or(ReviewError::NotWaiting)?;
    let deciders = who.deciders(d.unit.id, d.reviewing_unit.as_ref().map(|u| u.id));
    let decided_earlier = d.deciders_this_round(report.id).contains(&who.user_id);
    let submitted_it = d.submitter(report.id) == Some(who.user_id);
    at.check(&deciders, decided_earlier, submitted_it)?;
    Ok(at)
}

/// Decides the step `report` (at `version`) waits for: the one review path of the form and
/// the API. The store refuses it if anyone changed the report since `version`.
pub async fn review(
    store: &Store,
    who: &Asker<'_>,
    by: &Actor,
    d: &TaskDetail,
    report: &ReportRecord,
    version: i64,
    decision: &Decision,
) -> Result<ReportRecord, ReviewError> {
    let at = may_decide(who, d, report)?;
    Ok(store
        .review_report(by, report.id, version, decision, &at)
        .await?)
}

/// The time progress of a period code; a code that is no period reads as the year's end.
pub fn time_progress_of(period_code: &str) -> TimeProgress {
    period_code
        .parse::<Period>()
        .map(|p| p.time_progress())
        .unwrap_or(TimeProgress::YEAR_END)
}

/// What a report's `text` against its task's `target` is stored with at `time_progress` under
/// the scheme's `tolerance`: the reader's pairs and completion as JSON, and the status — a
/// reviewer's `verified` completion for that period decides it when there is one — and the
/// checks that need no other report (an import's, the demo's).
pub fn stored_reading(
    target: &str,
    text: &str,
    time_progress: TimeProgress,
    tolerance: f64,
    verified: Option<f64>,
) -> StoredReading {
    checked_reading(
        target,
        text,
        time_progress,
        tolerance,
        verified,
        None,
        checks::DEFAULT_COMPLETION_BOUND,
    )
    .0
}

/// The task's report of the period before, which the checks compare with.
#[derive(Debug, Clone, Copy)]
pub struct Earlier<'a> {
    /// Its period's code.
    pub period: &'a str,
    /// Its text.
    pub text: &'a str,
}

/// [`stored_reading`] with every check: against the `earlier` report, if any, and the scheme's
/// completion `bound`. The form and the API store a report this way; the findings come back
/// to be shown.
pub fn checked_reading(
    target: &str,
    text: &str,
    time_progress: TimeProgress,
    tolerance: f64,
    verified: Option<f64>,
    earlier: Option<Earlier<'_>>,
    bound: f64,
) -> (StoredReading, Vec<Finding>) {
    let a = assess(target, text, time_progress, tolerance);
    let status = a.status_given(verified, time_progress, tolerance);
    let before = earlier.map(|e| (e, jixiao_domain::prose::assess(target, e.text)));
    let findings = checks::findings(
        Checked {
            progress: text,
            reading: &a.reading,
        },
        before.as_ref().map(|(e, reading)| {
            (
                e.period,
                Checked {
                    progress: e.text,
                    reading,
                },
            )
        }),
        bound,
    );
    let stored = StoredReading {
        json: serde_json::to_string(&a.reading).unwrap_or_default(),
        completion: a.reading.completion,
        status: Some(status.code().to_string()),
        flags: checks::codes(&findings),
    };
    (stored, findings)
}

/// The longest explanation (情况说明) accepted.
pub const MAX_NOTE_CHARS: usize = 2000;

/// A report with findings goes to review only with the unit's explanation (情况说明).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("系统提示需核实（{flags}），请在“情况说明”中说明后再提交")]
pub struct Unexplained {
    /// The findings' codes.
    pub flags: String,
}

/// Whether a report may be submitted: no findings, or findings with an explanation.
pub fn may_submit(report: &ReportRecord) -> Result<(), Unexplained> {
    let explained = report.note.as_deref().is_some_and(|n| !n.trim().is_empty());
    if report.flags.is_empty() || explained {
        Ok(())
    } else {
        Err(Unexplained {
            flags: report.flags.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_verified_completion_decides_the_stored_status_but_not_the_reading() {
        let year_end = time_progress_of("2022");
        let read = stored_reading("培训妇女1000人", "已培训妇女400人", year_end, 0.1, None);
        assert_eq!(read.completion, Some(0.4));
        assert_eq!(read.status.as_deref(), Some("seriously_lagging"));
        let verified = stored_reading(
            "培训妇女1000人",
            "已培训妇女400人",
            year_end,
            0.1,
            Some(1.0),
        );
        assert_eq!(
            verified.completion,
            Some(0.4),
            "the reader's figure is kept"
        );
        assert_eq!(verified.status.as_deref(), Some("completed"));
    }

    #[test]
    fn a_code_that_is_no_period_reads_as_the_years_end() {
        assert_eq!(time_progress_of("not-a-period"), TimeProgress::YEAR_END);
        assert_eq!(time_progress_of("2022"), TimeProgress::YEAR_END);
    }
}
