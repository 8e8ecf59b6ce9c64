//! A task's progress read against its target: the prose reader's pairs and completion, turned
//! into a status for a period. This is where reading meets the calendar.

use jixiao_prose::{Reading, Wording as ProseWording};
use serde::Serialize;

use crate::status::{Status, TimeProgress, Wording, status_of};

/// What the system says of one progress text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    /// The reader's pairs, completion, wording and explanation.
    pub reading: Reading,
    /// The status at the period's time progress.
    pub status: Status,
}

impl From<ProseWording> for Wording {
    fn from(w: ProseWording) -> Wording {
        match w {
            ProseWording::None => Wording::None,
            ProseWording::Done => Wording::Done,
            ProseWording::Exceeded => Wording::Exceeded,
            ProseWording::InProgress => Wording::InProgress,
        }
    }
}

impl Assessment {
    /// The status a report with this reading has: a reviewer's verified completion decides
    /// when there is one, else the reading. **The one place this rule is written.**
    pub fn status_given(
        &self,
        verified_completion: Option<f64>,
        time_progress: TimeProgress,
        tolerance: f64,
    ) -> Status {
        match verified_completion {
            Some(c) => status_of(Some(c), Wording::None, time_progress, tolerance),
            None => self.status,
        }
    }
}

/// Reads `progress` against `target` and gives the status at `time_progress`.
///
/// An empty progress text is no report: 未填报.
pub fn assess(
    target: &str,
    progress: &str,
    time_progress: TimeProgress,
    tolerance: f64,
) -> Assessment {
    let reading = jixiao_prose::assess(target, progress);
    let status = if progress.trim().is_empty() {
        Status::NotReported
    } else {
        status_of(
            reading.completion,
            reading.wording.into(),
            time_progress,
            tolerance,
        )
    };
    Assessment { reading, status }
}

/// The status a stored report has: a reviewer's verified completion decides when there is
/// one, else the reading of its text.
pub fn report_status(
    target: &str,
    progress: &str,
    verified_completion: Option<f64>,
    time_progress: TimeProgress,
    tolerance: f64,
) -> Status {
    assess(target, progress, time_progress, tolerance).status_given(
        verified_completion,
        time_progress,
        tolerance,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::DEFAULT_TOLERANCE;

    #[test]
    fn the_seeds_lagging_task_is_seriously_lagging_at_year_end() {
        let a = assess(
            "救助低收入“两癌”患病妇女150人;做好“爱心妈妈”招募工作，2022年新招募300名。",
            "共面向社会招募“爱心妈妈”307名；救助低收入“两癌”患病妇女29人；正在研究分配150名救助名额。",
            TimeProgress::YEAR_END,
            DEFAULT_TOLERANCE,
        );
        assert_eq!(a.status, Status::SeriouslyLagging);
        let c = a.reading.completion.unwrap();
        assert!((c - 29.0 / 150.0).abs() < 1e-4, "{c}");
    }

    #[test]
    fn no_progress_text_is_not_reported() {
        let a = assess(
            "培训1000人",
            "  ",
            TimeProgress::YEAR_END,
            DEFAULT_TOLERANCE,
        );
        assert_eq!(a.status, Status::NotReported);
    }

    #[test]
    fn the_same_completion_lags_more_later_in_the_year() {
        let q2 = TimeProgress::new(0.5).unwrap();
        let a = assess("培训1000人", "已培训480人", q2, DEFAULT_TOLERANCE);
        assert_eq!(a.status, Status::OnTrack);
        let a = assess(
            "培训1000人",
            "已培训480人",
            TimeProgress::YEAR_END,
            DEFAULT_TOLERANCE,
        );
        assert_eq!(a.status, Status::SeriouslyLagging);
    }
}
