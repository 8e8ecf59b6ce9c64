//! The bridge between the prose reader and what is stored beside a progress text.

use jixiao_domain::TaskSpec;
use jixiao_store::StoredReading;

/// The reading stored with a task's progress text.
pub fn stored_reading(_task: &TaskSpec) -> Option<StoredReading> {
    None
}
