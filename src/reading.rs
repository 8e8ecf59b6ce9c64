//! The bridge between the prose reader and what is stored beside a progress text.

use jixiao_domain::TaskSpec;
use jixiao_domain::reading::assess;
use jixiao_domain::status::DEFAULT_TOLERANCE;
use jixiao_store::{ImportPlan, StoredReading};

/// The reading of a task's progress for the plan's period, as the importer stores it.
pub fn stored_reading(plan: &ImportPlan, task: &TaskSpec) -> Option<StoredReading> {
    if task.progress.trim().is_empty() {
        return None;
    }
    let a = assess(
        &task.target,
        &task.progress,
        plan.period.time_progress(),
        DEFAULT_TOLERANCE,
    );
    let json = serde_json::to_string(&a.reading).ok()?;
    Some(StoredReading {
        json,
        completion: a.reading.completion,
        status: Some(a.status.code().to_string()),
    })
}
