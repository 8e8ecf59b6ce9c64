//! The appraisal model of jixiao: schemes, indicator trees, tasks, units, periods, progress
//! reports and the status rule.
//!
//! Architecture invariant: this crate imports no web, SQL or document crate; of ours it uses only
//! the prose reader (itself pure). Values that reach it have been parsed at the edges; its types
//! cannot hold invalid values.

pub mod access;
pub mod checks;
pub mod deadline;
pub mod explain;
pub mod period;
pub mod points;
pub mod reading;
pub mod report;
pub mod review;
pub mod scoring;
pub mod status;
pub mod table;

pub use access::{Duty, Reach, Role};
pub use jixiao_prose as prose;
pub use period::{Period, PeriodKind, Year};
pub use points::Points;
pub use report::{Basis, ReportState};
pub use review::{Deciders, ReviewChain, ReviewStep, StepAt};
pub use status::{Status, TimeProgress, Wording};
pub use table::{IndicatorNode, IndicatorTree, Name, TaskRow, TaskSpec, WeightMismatch};
