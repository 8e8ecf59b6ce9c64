//! Status of a task at a period, from completion and time progress.
//!
//! The rule is the product's (product.md, "Status and scoring"); thresholds use `≥`, so a value
//! exactly at a threshold gets the better status. This module knows nothing of prose: callers
//! pass the completion a reader computed and the wording signal it found.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a task stands at a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 超额完成: completion above 1.
    Exceeded,
    /// 已完成: completion exactly 1, or completion wording without numbers.
    Completed,
    /// 进度正常: at or above time progress minus the tolerance.
    OnTrack,
    /// 进度滞后: at or above half the time progress.
    Lagging,
    /// 严重滞后: below half the time progress.
    SeriouslyLagging,
    /// 未填报: no report for the period.
    NotReported,
    /// 待评估: no number and no wording decides; a reviewer grades it.
    NeedsReview,
}

impl Status {
    /// Every status, best first (the order of dashboards and legends).
    pub const ALL: [Status; 7] = [
        Status::Exceeded,
        Status::Completed,
        Status::OnTrack,
        Status::Lagging,
        Status::SeriouslyLagging,
        Status::NeedsReview,
        Status::NotReported,
    ];

    /// The Chinese label, as written in government tables and in the JSON contract.
    pub fn label_zh(self) -> &'static str {
        match self {
            Status::Exceeded => "超额完成",
            Status::Completed => "已完成",
            Status::OnTrack => "进度正常",
            Status::Lagging => "进度滞后",
            Status::SeriouslyLagging => "严重滞后",
            Status::NotReported => "未填报",
            Status::NeedsReview => "待评估",
        }
    }

    /// The stable machine code (snake_case), also the message-catalogue key suffix.
    pub fn code(self) -> &'static str {
        match self {
            Status::Exceeded => "exceeded",
            Status::Completed => "completed",
            Status::OnTrack => "on_track",
            Status::Lagging => "lagging",
            Status::SeriouslyLagging => "seriously_lagging",
            Status::NotReported => "not_reported",
            Status::NeedsReview => "needs_review",
        }
    }

    /// Parses the Chinese label or the code.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL
            .into_iter()
            .find(|st| st.label_zh() == s || st.code() == s)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

/// What the wording of a progress text says when numbers cannot decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Wording {
    /// No completion or in-progress wording.
    #[default]
    None,
    /// 已完成, 全面完成, 已建成, 已建立 …
    Done,
    /// 超额完成 …
    Exceeded,
    /// 正在, 推进中, 按程序实施 …
    InProgress,
}

/// Fraction of the scheme year elapsed at a period's end, in `0.0..=1.0`.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
pub struct TimeProgress(f64);

impl TimeProgress {
    /// The whole year: the default for year-end tables.
    pub const YEAR_END: TimeProgress = TimeProgress(1.0);

    /// Accepts a finite value in `0.0..=1.0`.
    pub fn new(f: f64) -> Option<TimeProgress> {
        (f.is_finite() && (0.0..=1.0).contains(&f)).then_some(TimeProgress(f))
    }

    /// The fraction.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// The default tolerance below time progress that still counts as 进度正常.
pub const DEFAULT_TOLERANCE: f64 = 0.10;

/// How far below a threshold a value may lie and still count as at it: far below any
/// meaningful difference (completions are shown to 0.01 %), far above f64 rounding.
const THRESHOLD_SLACK: f64 = 1e-9;

/// The status of a reported task.
///
/// `completion` is the reader's (or a reviewer's) completion, `None` when no number decides;
/// then the wording decides, and without wording the task waits for a reviewer.
pub fn status_of(
    completion: Option<f64>,
    wording: Wording,
    time_progress: TimeProgress,
    tolerance: f64,
) -> Status {
    let Some(c) = completion.filter(|c| c.is_finite()) else {
        return match wording {
            Wording::Exceeded => Status::Exceeded,
            Wording::Done => Status::Completed,
            // 正在… says work goes on but gives no measure of how far: a reviewer decides.
            Wording::InProgress | Wording::None => Status::NeedsReview,
        };
    };
    let f = time_progress.get();
    // A value exactly at a threshold gets the better status. Thresholds are computed in f64
    // (1.0 − 0.07 is 0.9299999999999999), so "exactly" allows the rounding of a few operations.
    let at_least = |threshold: f64| c >= threshold - THRESHOLD_SLACK;
    if c > 1.0 + THRESHOLD_SLACK {
        Status::Exceeded
    } else if at_least(1.0) {
        Status::Completed
    } else if at_least(f - tolerance) {
        Status::OnTrack
    } else if at_least(f / 2.0) {
        Status::Lagging
    } else {
        Status::SeriouslyLagging
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tp(f: f64) -> TimeProgress {
        TimeProgress::new(f).unwrap()
    }

    #[test]
    fn status_follows_completion_against_time_progress() {
        let cases = [
            (Some(2.0), 1.0, Status::Exceeded, "above one is exceeded"),
            (
                Some(1.0),
                1.0,
                Status::Completed,
                "exactly one is completed",
            ),
            (
                Some(0.65),
                0.75,
                Status::OnTrack,
                "exactly f - tolerance is on track",
            ),
            (
                Some(0.6499),
                0.75,
                Status::Lagging,
                "just under f - tolerance lags",
            ),
            (Some(0.375), 0.75, Status::Lagging, "exactly f / 2 lags"),
            (
                Some(0.3749),
                0.75,
                Status::SeriouslyLagging,
                "under f / 2 is serious",
            ),
            (
                Some(0.1933),
                1.0,
                Status::SeriouslyLagging,
                "the seed's 两癌 task",
            ),
            (
                Some(0.0),
                0.0,
                Status::OnTrack,
                "nothing due yet is on track",
            ),
        ];
        for (completion, f, want, why) in cases {
            assert_eq!(
                status_of(completion, Wording::None, tp(f), DEFAULT_TOLERANCE),
                want,
                "{why}"
            );
        }
    }

    #[test]
    fn a_value_exactly_at_a_threshold_gets_the_better_status() {
        let y = TimeProgress::YEAR_END;
        let cases = [
            (0.95, 0.05, Status::OnTrack, "95% with a 5% tolerance"),
            (
                0.93,
                0.07,
                Status::OnTrack,
                "93% with 7%: 1.0 − 0.07 rounds below 0.93",
            ),
            (0.9299, 0.07, Status::Lagging, "just under"),
            (0.5, 0.1, Status::Lagging, "exactly f / 2"),
            (930.0 / 1000.0, 0.07, Status::OnTrack, "930 of 1000"),
            (
                1.0 + 1e-12,
                0.1,
                Status::Completed,
                "rounding above one is not exceeding",
            ),
        ];
        for (c, tol, want, why) in cases {
            assert_eq!(status_of(Some(c), Wording::None, y, tol), want, "{why}");
        }
    }

    #[test]
    fn wording_decides_only_when_numbers_do_not() {
        let y = TimeProgress::YEAR_END;
        assert_eq!(status_of(None, Wording::Done, y, 0.1), Status::Completed);
        assert_eq!(status_of(None, Wording::Exceeded, y, 0.1), Status::Exceeded);
        assert_eq!(
            status_of(None, Wording::InProgress, y, 0.1),
            Status::NeedsReview
        );
        assert_eq!(status_of(None, Wording::None, y, 0.1), Status::NeedsReview);
        assert_eq!(
            status_of(Some(0.1), Wording::Done, y, 0.1),
            Status::SeriouslyLagging
        );
    }

    #[test]
    fn time_progress_rejects_values_outside_the_year() {
        for bad in [-0.1, 1.01, f64::NAN, f64::INFINITY] {
            assert!(TimeProgress::new(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn labels_and_codes_parse_back() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.label_zh()), Some(s));
            assert_eq!(Status::parse(s.code()), Some(s));
        }
    }
}
