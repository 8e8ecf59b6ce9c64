//! Who decides a submitted report, in how many steps (审核流程).
//!
//! Two lines of authority meet on a task. The unit tree: a 主管部门 reviews the units under it.
//! The indicator: an indicator (or one task) may name its 考核主体 / 牵头单位, the functional
//! department that reviews it in every unit (人社局 checks 就业 in every township), and which
//! then sees those tasks and nothing else of those units.
//!
//! A scheme chains the steps a report passes before it is approved, e.g.
//! 主管部门 初审 → 考核主体 复审 → 考核办 审定. The default chain has one step, [`ReviewStep::Owner`]:
//! the 考核主体 where the task names one, the 主管部门 otherwise — so a scheme that names no
//! 考核主体 works as a plain one-step review.
//!
//! Rules of a chain (each tested below):
//! - a task that names no 考核主体 skips the 复审 step when the chain also has 初审 (the 主管部门
//!   would otherwise decide twice); in a chain without 初审, the 主管部门 takes the 复审 step;
//! - the office (考核办) may decide any step, for a department that cannot; each step is still
//!   recorded with who decided it;
//! - in a chain of several steps, one person decides at most one step of a submission (the
//!   four-eyes rule), so a multi-step sign-off always has as many people as steps;
//! - nobody decides a report they submitted themselves (the office filling in for a unit
//!   cannot also approve it);
//! - returning at any step sends the report back to the unit; its next submission starts again
//!   at the first step.

use std::fmt;

use serde::Serialize;

/// One step of review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStep {
    /// 主管部门 初审: a reviewer whose subtree holds the unit.
    Supervisor,
    /// 考核主体 复审: a reviewer of the department the task names (the 主管部门 when it names
    /// none and the chain has no 初审).
    Owner,
    /// 考核办 审定: the office.
    Office,
}

impl ReviewStep {
    /// Every step, in their usual order.
    pub const ALL: [ReviewStep; 3] = [
        ReviewStep::Supervisor,
        ReviewStep::Owner,
        ReviewStep::Office,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            ReviewStep::Supervisor => "supervisor",
            ReviewStep::Owner => "owner",
            ReviewStep::Office => "office",
        }
    }

    /// The step of a stored code, an English or a Chinese name.
    pub fn parse(s: &str) -> Option<ReviewStep> {
        let s = s.trim();
        ReviewStep::ALL.into_iter().find(|step| {
            step.code() == s
                || step.label_zh() == s
                || step.who_zh() == s
                || match step {
                    ReviewStep::Supervisor => s == "初审",
                    ReviewStep::Owner => s == "复审" || s == "牵头单位",
                    ReviewStep::Office => s == "审定",
                }
        })
    }

    /// The Chinese name of the step.
    pub fn label_zh(self) -> &'static str {
        match self {
            ReviewStep::Supervisor => "主管部门初审",
            ReviewStep::Owner => "考核主体审核",
            ReviewStep::Office => "考核办审定",
        }
    }

    /// The English name of the step.
    pub fn label_en(self) -> &'static str {
        match self {
            ReviewStep::Supervisor => "supervising department's first review",
            ReviewStep::Owner => "reviewing department's review",
            ReviewStep::Office => "assessment office's approval",
        }
    }

    /// Who decides it, in Chinese.
    pub fn who_zh(self) -> &'static str {
        match self {
            ReviewStep::Supervisor => "主管部门",
            ReviewStep::Owner => "考核主体",
            ReviewStep::Office => "考核办",
        }
    }

    /// Whether `who` may decide this step of a task (see the module's rules).
    pub fn may_decide(self, who: &Deciders) -> bool {
        if who.office {
            return true;
        }
        match self {
            ReviewStep::Supervisor => who.reviews_unit,
            ReviewStep::Owner => match who.owner_named {
                true => who.reviews_owner,
                false => who.reviews_unit,
            },
            ReviewStep::Office => false,
        }
    }
}

impl fmt::Display for ReviewStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What is known of one person and one task when asking who may decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Deciders {
    /// The person is the office (考核办).
    pub office: bool,
    /// The person reviews the task's unit through the unit tree (its 主管部门).
    pub reviews_unit: bool,
    /// The task names a 考核主体.
    pub owner_named: bool,
    /// The person reviews for that 考核主体.
    pub reviews_owner: bool,
}

/// A scheme's chain of review steps: at least one, each at most once, in the order given.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct ReviewChain(Vec<ReviewStep>);

/// Why a chain is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// No step.
    #[error("审核流程至少要有一步")]
    Empty,
    /// A name that is no step.
    #[error("未知审核步骤「{0}」，可用：初审（主管部门）、复审（考核主体）、审定（考核办）")]
    Unknown(String),
    /// A step twice.
    #[error("审核步骤「{0}」重复")]
    Repeated(&'static str),
}

impl Default for ReviewChain {
    fn default() -> Self {
        ReviewChain(vec![ReviewStep::Owner])
    }
}

impl TryFrom<&str> for ReviewChain {
    type Error = ChainError;

    /// Reads `supervisor,owner,office`, `初审→复审→审定` and the like.
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        let mut steps = Vec::new();
        for part in s
            .split([',', '，', '、', '>', '→', ' '])
            .map(|p| p.trim().trim_start_matches('-'))
            .filter(|p| !p.is_empty())
        {
            let step = ReviewStep::parse(part).ok_or_else(|| ChainError::Unknown(part.into()))?;
            if steps.contains(&step) {
                return Err(ChainError::Repeated(step.label_zh()));
            }
            steps.push(step);
        }
        if steps.is_empty() {
            return Err(ChainError::Empty);
        }
        Ok(ReviewChain(steps))
    }
}

impl ReviewChain {
    /// The steps as configured.
    pub fn steps(&self) -> &[ReviewStep] {
        &self.0
    }

    /// The stored code: step codes joined by commas.
    pub fn code(&self) -> String {
        self.0
            .iter()
            .map(|s| s.code())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The chain in Chinese, e.g. 主管部门初审 → 考核主体审核 → 考核办审定.
    pub fn label_zh(&self) -> String {
        self.0
            .iter()
            .map(|s| s.label_zh())
            .collect::<Vec<_>>()
            .join(" → ")
    }

    /// The steps a report of a task passes: the 考核主体 step is skipped for a task that names
    /// none when the chain also has the 主管部门's.
    pub fn steps_for(&self, owner_named: bool) -> Vec<ReviewStep> {
        let supervised = self.0.contains(&ReviewStep::Supervisor);
        self.0
            .iter()
            .copied()
            .filter(|s| *s != ReviewStep::Owner || owner_named || !supervised)
            .collect()
    }

    /// Where a submitted report stands: the step to decide after `passed` steps, or `None`
    /// when every step has passed.
    pub fn next(&self, owner_named: bool, passed: usize) -> Option<StepAt> {
        let steps = self.steps_for(owner_named);
        steps.get(passed).map(|&step| StepAt {
            step,
            index: passed,
            last: passed + 1 == steps.len(),
            of: steps.len(),
        })
    }
}

/// The step a submitted report waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StepAt {
    /// The step.
    pub step: ReviewStep,
    /// How many steps have passed before it.
    pub index: usize,
    /// How many steps the task's chain has.
    pub of: usize,
    /// Approving it approves the report.
    pub last: bool,
}

/// Why a person may not decide the step a report waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotYours {
    /// Another department (or the office) decides this step.
    #[error("此步骤（{}）应由{}办理", .0.label_zh(), .0.who_zh())]
    OtherDecider(ReviewStep),
    /// The person decided an earlier step of this submission.
    #[error("同一份报告的多个审核步骤须由不同人员办理，您已办理过本次提交的前一步骤")]
    AlreadyDecided,
    /// The person submitted it: nobody approves their own report (职责分离).
    #[error("不能审核自己提交的报告，请由其他审核人员办理")]
    OwnSubmission,
}

impl StepAt {
    /// Whether `who` may decide this step, given whether that person already decided an earlier
    /// step of the same submission, or submitted it.
    pub fn check(
        &self,
        who: &Deciders,
        decided_earlier: bool,
        submitted_it: bool,
    ) -> Result<(), NotYours> {
        if !self.step.may_decide(who) {
            return Err(NotYours::OtherDecider(self.step));
        }
        if submitted_it {
            return Err(NotYours::OwnSubmission);
        }
        if decided_earlier && self.of > 1 {
            return Err(NotYours::AlreadyDecided);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReviewStep::*;

    fn chain(s: &str) -> ReviewChain {
        ReviewChain::try_from(s).unwrap()
    }

    #[test]
    fn chains_are_read_from_codes_and_chinese_names_alike() {
        let cases: &[(&str, &[ReviewStep])] = &[
            ("owner", &[Owner]),
            ("supervisor,owner,office", &[Supervisor, Owner, Office]),
            ("初审→复审→审定", &[Supervisor, Owner, Office]),
            ("主管部门、考核办", &[Supervisor, Office]),
            (" 考核主体 ， 审定 ", &[Owner, Office]),
        ];
        for (text, want) in cases {
            assert_eq!(chain(text).steps(), *want, "{text}");
        }
    }

    #[test]
    fn a_chain_with_no_step_an_unknown_step_or_a_repeated_step_is_refused() {
        assert_eq!(ReviewChain::try_from(" , "), Err(ChainError::Empty));
        assert_eq!(
            ReviewChain::try_from("初审,终审"),
            Err(ChainError::Unknown("终审".into()))
        );
        assert_eq!(
            ReviewChain::try_from("office,审定"),
            Err(ChainError::Repeated("考核办审定"))
        );
    }

    #[test]
    fn the_stored_code_reads_back_as_the_same_chain() {
        for text in ["owner", "supervisor,office", "初审→复审→审定"] {
            let c = chain(text);
            assert_eq!(chain(&c.code()), c);
        }
        assert_eq!(ReviewChain::default().code(), "owner");
    }

    #[test]
    fn a_task_without_a_reviewing_department_skips_its_step_only_when_the_supervisor_has_one() {
        let cases: &[(&str, bool, &[ReviewStep])] = &[
            (
                "supervisor,owner,office",
                true,
                &[Supervisor, Owner, Office],
            ),
            ("supervisor,owner,office", false, &[Supervisor, Office]),
            ("owner", false, &[Owner]),
            ("owner,office", false, &[Owner, Office]),
            ("supervisor", true, &[Supervisor]),
        ];
        for (text, named, want) in cases {
            assert_eq!(chain(text).steps_for(*named), *want, "{text} named={named}");
        }
    }

    #[test]
    fn the_next_step_counts_the_steps_passed_and_knows_the_last() {
        let c = chain("初审,复审,审定");
        let at = |passed| c.next(true, passed).map(|s| (s.step, s.last));
        assert_eq!(at(0), Some((Supervisor, false)));
        assert_eq!(at(1), Some((Owner, false)));
        assert_eq!(at(2), Some((Office, true)));
        assert_eq!(at(3), None);
        assert_eq!(c.next(false, 1).map(|s| (s.step, s.of)), Some((Office, 2)));
    }

    #[test]
    fn who_decides_each_step_follows_the_unit_tree_the_indicator_and_the_office() {
        let office = Deciders {
            office: true,
            ..Deciders::default()
        };
        let supervisor = Deciders {
            reviews_unit: true,
            owner_named: true,
            ..Deciders::default()
        };
        let owner = Deciders {
            reviews_owner: true,
            owner_named: true,
            ..Deciders::default()
        };
        let supervisor_no_owner = Deciders {
            reviews_unit: true,
            ..Deciders::default()
        };
        let stranger = Deciders {
            owner_named: true,
            ..Deciders::default()
        };
        // (who, supervisor step, owner step, office step)
        let cases = [
            ("office", office, [true, true, true]),
            ("supervisor", supervisor, [true, false, false]),
            ("owner", owner, [false, true, false]),
            (
                "supervisor, no owner named",
                supervisor_no_owner,
                [true, true, false],
            ),
            ("stranger", stranger, [false, false, false]),
        ];
        for (name, who, want) in cases {
            let got = [Supervisor, Owner, Office].map(|s| s.may_decide(&who));
            assert_eq!(got, want, "{name}");
        }
    }

    #[test]
    fn nobody_decides_a_report_they_submitted_themselves() {
        let office = Deciders {
            office: true,
            ..Deciders::default()
        };
        let one = ReviewChain::default().next(false, 0).unwrap();
        assert_eq!(
            one.check(&office, false, true),
            Err(NotYours::OwnSubmission)
        );
    }

    #[test]
    fn one_person_decides_one_step_of_a_submission_only_when_there_are_several() {
        let office = Deciders {
            office: true,
            ..Deciders::default()
        };
        let three = chain("初审,复审,审定").next(true, 2).unwrap();
        assert_eq!(three.check(&office, false, false), Ok(()));
        assert_eq!(
            three.check(&office, true, false),
            Err(NotYours::AlreadyDecided)
        );
        let one = ReviewChain::default().next(false, 0).unwrap();
        assert_eq!(one.check(&office, true, false), Ok(()));
        let stranger = Deciders::default();
        assert_eq!(
            one.check(&stranger, false, false),
            Err(NotYours::OtherDecider(Owner))
        );
    }
}
