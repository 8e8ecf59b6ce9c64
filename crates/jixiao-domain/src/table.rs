//! A scheme's indicator tree with one unit's tasks: the shape of the progress table offices file.
//!
//! The importer reads rows (one per task, with the path of indicator names above it); this module
//! turns them into a tree, keeping the document's order, and checks the weights.

use serde::Serialize;
use std::fmt;

use crate::points::{Points, points_in_name};

/// A trimmed, non-empty name of a thing a person reads (indicator, task, unit, scheme).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Name(String);

/// A name that is empty once trimmed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("名称不能为空")]
pub struct EmptyName;

impl Name {
    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<&str> for Name {
    type Error = EmptyName;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        let t = s.trim();
        if t.is_empty() {
            Err(EmptyName)
        } else {
            Ok(Name(t.to_string()))
        }
    }
}

impl TryFrom<String> for Name {
    type Error = EmptyName;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Name::try_from(s.as_str())
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// One task row as a reader found it, before it becomes part of a tree.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRow {
    /// Indicator names from level 1 down; empty levels are left out.
    pub path: Vec<String>,
    /// 任务要点名称.
    pub task: String,
    /// 年度目标.
    pub target: String,
    /// 进度情况 (may be empty: nothing reported).
    pub progress: String,
    /// 分值权重.
    pub weight: f64,
}

/// A task key point (任务要点): a leaf of the tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaskSpec {
    /// 任务要点名称.
    pub name: Name,
    /// 年度目标, as written.
    pub target: String,
    /// 进度情况, as written; empty when nothing was reported.
    pub progress: String,
    /// 分值权重.
    pub weight: Points,
}

/// An indicator (指标) and what hangs below it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorNode {
    /// The name as written, e.g. "围绕中心履职尽责（400分）".
    pub name: Name,
    /// Points read from the name, if it carries them.
    pub points: Option<Points>,
    /// Sub-indicators, in document order.
    pub children: Vec<IndicatorNode>,
    /// Tasks directly below this indicator, in document order.
    pub tasks: Vec<TaskSpec>,
}

impl IndicatorNode {
    fn new(name: Name) -> IndicatorNode {
        IndicatorNode {
            points: points_in_name(name.as_str()),
            name,
            children: Vec::new(),
            tasks: Vec::new(),
        }
    }

    /// The sum of every task weight below this indicator.
    pub fn weight_sum(&self) -> Points {
        Points::sum(
            self.tasks
                .iter()
                .map(|t| t.weight)
                .chain(self.children.iter().map(IndicatorNode::weight_sum)),
        )
    }

    /// Number of tasks below this indicator, at any depth.
    pub fn task_count(&self) -> usize {
        self.tasks.len()
            + self
                .children
                .iter()
                .map(IndicatorNode::task_count)
                .sum::<usize>()
    }
}

/// An indicator whose points differ from the weights of the tasks below it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightMismatch {
    /// Indicator names from level 1 down to the one that does not add up.
    pub path: Vec<String>,
    /// The points the indicator carries.
    pub points: Points,
    /// The sum of the task weights below it.
    pub sum: Points,
}

impl fmt::Display for WeightMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "指标「{}」为 {} 分，其下任务分值合计 {} 分",
            self.path.join(" / "),
            self.points,
            self.sum
        )
    }
}

/// The indicator tree of a table with its tasks, in document order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorTree {
    /// Level-1 indicators.
    pub roots: Vec<IndicatorNode>,
}

/// Why rows cannot form a tree.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TreeError {
    /// A row without a task name.
    #[error("第{row}条任务没有任务要点名称")]
    EmptyTask {
        /// 1-based index among the rows.
        row: usize,
    },
    /// A row with no indicator above it.
    #[error("任务「{task}」没有所属的一级指标")]
    NoIndicator {
        /// The task name.
        task: String,
    },
    /// A weight that is not a number of points.
    #[error("任务「{task}」的分值无效：{source}")]
    Weight {
        /// The task name.
        task: String,
        /// What is wrong with it.
        source: crate::points::PointsError,
    },
}

impl IndicatorTree {
    /// Builds the tree from rows; rows sharing a path prefix share indicators.
    pub fn from_rows(rows: &[TaskRow]) -> Result<IndicatorTree, TreeError> {
        let mut roots: Vec<IndicatorNode> = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            let name = Name::try_from(row.task.as_str())
                .map_err(|_| TreeError::EmptyTask { row: i + 1 })?;
            let weight = Points::try_from(row.weight).map_err(|source| TreeError::Weight {
                task: name.to_string(),
                source,
            })?;
            let path: Vec<Name> = row
                .path
                .iter()
                .filter_map(|p| Name::try_from(p.as_str()).ok())
                .collect();
            let Some((first, rest)) = path.split_first() else {
                return Err(TreeError::NoIndicator {
                    task: name.to_string(),
                });
            };
            let mut node = child_named(&mut roots, first);
            for level in rest {
                node = child_named(&mut node.children, level);
            }
            node.tasks.push(TaskSpec {
                name,
                target: row.target.trim().to_string(),
                progress: row.progress.trim().to_string(),
                weight,
            });
        }
        Ok(IndicatorTree { roots })
    }

    /// Every indicator whose points do not equal the weights below it, depth first.
    pub fn weight_mismatches(&self) -> Vec<WeightMismatch> {
        fn walk(node: &IndicatorNode, path: &mut Vec<String>, out: &mut Vec<WeightMismatch>) {
            path.push(node.name.to_string());
            if let Some(points) = node.points {
                let sum = node.weight_sum();
                if !points.approx_eq(sum) {
                    out.push(WeightMismatch {
                        path: path.clone(),
                        points,
                        sum,
                    });
                }
            }
            for child in &node.children {
                walk(child, path, out);
            }
            path.pop();
        }
        let mut out = Vec::new();
        for root in &self.roots {
            walk(root, &mut Vec::new(), &mut out);
        }
        out
    }

    /// Number of tasks in the tree.
    pub fn task_count(&self) -> usize {
        self.roots.iter().map(IndicatorNode::task_count).sum()
    }
}

/// The last node of `nodes` with this name, or a new one. Only the last counts, so a name that
/// comes back after another indicator starts a new node, as the document shows it.
fn child_named<'a>(nodes: &'a mut Vec<IndicatorNode>, name: &Name) -> &'a mut IndicatorNode {
    let reuse = nodes.last().is_some_and(|n| &n.name == name);
    if !reuse {
        nodes.push(IndicatorNode::new(name.clone()));
    }
    nodes.last_mut().expect("a node was just ensured")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(path: &[&str], task: &str, weight: f64) -> TaskRow {
        TaskRow {
            path: path.iter().map(|s| s.to_string()).collect(),
            task: task.into(),
            target: "目标".into(),
            progress: String::new(),
            weight,
        }
    }

    #[test]
    fn rows_with_the_same_path_share_their_indicators() {
        let tree = IndicatorTree::from_rows(&[
            row(&["履职（60分）", "重点工作"], "甲", 30.0),
            row(&["履职（60分）", "重点工作"], "乙", 30.0),
        ])
        .unwrap();
        assert_eq!(tree.roots.len(), 1);
        assert_eq!(tree.roots[0].children.len(), 1);
        assert_eq!(tree.roots[0].children[0].tasks.len(), 2);
        assert_eq!(tree.roots[0].points.map(Points::get), Some(60.0));
        assert!(tree.weight_mismatches().is_empty());
    }

    #[test]
    fn weights_that_do_not_add_up_to_the_points_are_reported() {
        let tree = IndicatorTree::from_rows(&[
            row(&["履职（400分）", "重点工作"], "甲", 30.0),
            row(&["履职（400分）"], "乙", 25.0),
        ])
        .unwrap();
        let m = tree.weight_mismatches();
        assert_eq!(m.len(), 1);
        assert_eq!(m[0].sum.get(), 55.0);
        assert_eq!(
            m[0].to_string(),
            "指标「履职（400分）」为 400 分，其下任务分值合计 55 分"
        );
    }

    #[test]
    fn a_row_without_task_or_indicator_is_refused() {
        assert_eq!(
            IndicatorTree::from_rows(&[row(&["履职"], " ", 1.0)]),
            Err(TreeError::EmptyTask { row: 1 })
        );
        assert!(matches!(
            IndicatorTree::from_rows(&[row(&[" "], "甲", 1.0)]),
            Err(TreeError::NoIndicator { .. })
        ));
        assert!(matches!(
            IndicatorTree::from_rows(&[row(&["履职"], "甲", -1.0)]),
            Err(TreeError::Weight { .. })
        ));
    }
}
