//! A progress report's reading: what is stored beside a progress text, the same for the form,
//! the API, an import and the demo.

use jixiao_domain::reading::assess;
use jixiao_domain::{Period, TimeProgress};
use jixiao_store::StoredReading;

/// The time progress of a period code; a code that is no period reads as the year's end.
pub fn time_progress_of(period_code: &str) -> TimeProgress {
    period_code
        .parse::<Period>()
        .map(|p| p.time_progress())
        .unwrap_or(TimeProgress::YEAR_END)
}

/// What a report's `text` against its task's `target` is stored with at `time_progress` under
/// the scheme's `tolerance`: the reader's pairs and completion as JSON, and the status — a
/// reviewer's `verified` completion for that period decides it when there is one.
pub fn stored_reading(
    target: &str,
    text: &str,
    time_progress: TimeProgress,
    tolerance: f64,
    verified: Option<f64>,
) -> StoredReading {
    let a = assess(target, text, time_progress, tolerance);
    let status = a.status_given(verified, time_progress, tolerance);
    StoredReading {
        json: serde_json::to_string(&a.reading).unwrap_or_default(),
        completion: a.reading.completion,
        status: Some(status.code().to_string()),
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
