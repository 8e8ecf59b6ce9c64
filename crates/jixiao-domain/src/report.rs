//! A progress report's place in the workflow, and which reports an official figure is made of.
//!
//! The product rule (README, "Official and provisional figures"): the figures an office
//! publishes — scores, rankings, dashboards, 预警, exports — are made of **approved** reports
//! only. A reporter's draft moves nothing; a submitted report that no reviewer has decided yet
//! is shown only under the provisional basis (含待审), marked as such.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a report stands in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    /// 草稿: saved by the unit, not yet sent.
    Draft,
    /// 已提交: sent for review, not yet decided.
    Submitted,
    /// 已审核: approved by a reviewer (or imported as the office's own record).
    Approved,
    /// 已退回: sent back by a reviewer with a reason.
    Returned,
}

impl ReportState {
    /// Every state, in the workflow's order.
    pub const ALL: [ReportState; 4] = [
        ReportState::Draft,
        ReportState::Submitted,
        ReportState::Approved,
        ReportState::Returned,
    ];

    /// The code stored and used in the JSON contract.
    pub fn code(self) -> &'static str {
        match self {
            ReportState::Draft => "draft",
            ReportState::Submitted => "submitted",
            ReportState::Approved => "approved",
            ReportState::Returned => "returned",
        }
    }

    /// The state of a stored code; `None` for anything else.
    pub fn parse(code: &str) -> Option<ReportState> {
        ReportState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            ReportState::Draft => "草稿",
            ReportState::Submitted => "已提交",
            ReportState::Approved => "已审核",
            ReportState::Returned => "已退回",
        }
    }

    /// Whether the unit may still change it.
    pub fn editable(self) -> bool {
        matches!(self, ReportState::Draft | ReportState::Returned)
    }
}

impl fmt::Display for ReportState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// 口径: which reports a figure is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// 正式: approved reports only. What is published; the default everywhere.
    #[default]
    Official,
    /// 含待审: approved and submitted reports; a preview of where the figures are heading,
    /// always shown marked.
    Provisional,
}

impl Basis {
    /// The code used in URLs (`?basis=`), the CLI (`--basis`) and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Basis::Official => "official",
            Basis::Provisional => "provisional",
        }
    }

    /// The basis of a code; `None` for anything else.
    pub fn parse(code: &str) -> Option<Basis> {
        match code {
            "official" => Some(Basis::Official),
            "provisional" => Some(Basis::Provisional),
            _ => None,
        }
    }

    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Basis::Official => "正式",
            Basis::Provisional => "含待审",
        }
    }

    /// Whether a report in `state` counts under this basis. Drafts and returned reports never
    /// count: only a reviewer's act (or the office's own import) makes a figure.
    pub fn counts(self, state: ReportState) -> bool {
        match state {
            ReportState::Approved => true,
            ReportState::Submitted => self == Basis::Provisional,
            ReportState::Draft | ReportState::Returned => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_approved_reports_count_officially_and_submitted_ones_provisionally() {
        let table = [
            (ReportState::Draft, false, false),
            (ReportState::Submitted, false, true),
            (ReportState::Approved, true, true),
            (ReportState::Returned, false, false),
        ];
        for (state, official, provisional) in table {
            assert_eq!(Basis::Official.counts(state), official, "{state}");
            assert_eq!(Basis::Provisional.counts(state), provisional, "{state}");
        }
    }

    #[test]
    fn every_state_and_basis_reads_back_from_its_code() {
        for s in ReportState::ALL {
            assert_eq!(ReportState::parse(s.code()), Some(s));
        }
        for b in [Basis::Official, Basis::Provisional] {
            assert_eq!(Basis::parse(b.code()), Some(b));
        }
        assert_eq!(ReportState::parse("approved "), None);
        assert_eq!(Basis::parse("draft"), None);
    }

    #[test]
    fn the_official_basis_is_the_default() {
        assert_eq!(Basis::default(), Basis::Official);
    }
}
