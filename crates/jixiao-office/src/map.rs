//! The column mapping a user gives for a table the reader cannot understand by itself:
//! "进展情况=progress,项目=task" says which header plays which role. A mapped header is matched
//! after the same normalisation as the synonyms (whitespace, full-width letters, a trailing
//! parenthesis), and takes its role whatever its name.

use std::fmt;
use std::str::FromStr;

use crate::table::normalize_header;

/// What a mapped column is to the reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnRole {
    /// The task's name (任务要点名称).
    Task,
    /// The target (年度目标).
    Target,
    /// The progress (进度情况).
    Progress,
    /// The weight in points (分值权重).
    Weight,
    /// 一级指标.
    Level1,
    /// 二级指标.
    Level2,
    /// A stated completion rate (完成率), read into [`crate::Row::stated_completion`].
    Completion,
    /// The responsible unit (责任单位), read into [`crate::Row::responsible`].
    Responsible,
    /// The measure word of the target and progress numbers (单位).
    Unit,
    /// A column to leave out altogether (not even kept as an attribute).
    Ignore,
}

impl ColumnRole {
    /// Every role, in the order the error message lists them.
    pub const ALL: [ColumnRole; 10] = [
        ColumnRole::Task,
        ColumnRole::Target,
        ColumnRole::Progress,
        ColumnRole::Weight,
        ColumnRole::Level1,
        ColumnRole::Level2,
        ColumnRole::Completion,
        ColumnRole::Responsible,
        ColumnRole::Unit,
        ColumnRole::Ignore,
    ];

    /// The role's name in a mapping: "task", "progress", …
    pub fn key(self) -> &'static str {
        match self {
            ColumnRole::Task => "task",
            ColumnRole::Target => "target",
            ColumnRole::Progress => "progress",
            ColumnRole::Weight => "weight",
            ColumnRole::Level1 => "level1",
            ColumnRole::Level2 => "level2",
            ColumnRole::Completion => "completion",
            ColumnRole::Responsible => "responsible",
            ColumnRole::Unit => "unit",
            ColumnRole::Ignore => "ignore",
        }
    }

    /// What the role means, in Chinese (also accepted in a mapping: "进展情况=进度").
    pub fn label(self) -> &'static str {
        match self {
            ColumnRole::Task => "任务",
            ColumnRole::Target => "目标",
            ColumnRole::Progress => "进度",
            ColumnRole::Weight => "分值",
            ColumnRole::Level1 => "一级指标",
            ColumnRole::Level2 => "二级指标",
            ColumnRole::Completion => "完成率",
            ColumnRole::Responsible => "责任单位",
            ColumnRole::Unit => "单位",
            ColumnRole::Ignore => "忽略",
        }
    }

    fn parse(text: &str) -> Option<ColumnRole> {
        let t = text.trim();
        ColumnRole::ALL
            .into_iter()
            .find(|r| r.key().eq_ignore_ascii_case(t) || r.label() == t)
    }
}

impl fmt::Display for ColumnRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Which header plays which role, for tables whose headers the reader does not know
/// (see [`crate::read_bytes_with`]). Parsed from "进展情况=progress,项目=task": entries separated
/// by commas or semicolons (half- or full-width) or new lines, each `header=role` with the role
/// by its [`ColumnRole::key`] or [`ColumnRole::label`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ColumnMap {
    /// (header as written, header normalised, role), in the order given.
    entries: Vec<(String, String, ColumnRole)>,
}

impl ColumnMap {
    /// An empty mapping: the reader goes by header names alone.
    pub fn new() -> ColumnMap {
        ColumnMap::default()
    }

    /// True when nothing is mapped.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Maps `header` to `role`, replacing an earlier role for the same (normalised) header.
    pub fn insert(&mut self, header: &str, role: ColumnRole) {
        let key = normalize_header(header);
        self.entries.retain(|(_, k, _)| *k != key);
        self.entries.push((header.trim().to_string(), key, role));
    }

    /// The role mapped to a header cell, matched after normalisation.
    pub fn role_of(&self, header: &str) -> Option<ColumnRole> {
        let key = normalize_header(header);
        if key.is_empty() {
            return None;
        }
        self.entries
            .iter()
            .find(|(_, k, _)| *k == key)
            .map(|(_, _, r)| *r)
    }

    /// The entries as (header as written, role), in the order given.
    pub fn iter(&self) -> impl Iterator<Item = (&str, ColumnRole)> {
        self.entries.iter().map(|(h, _, r)| (h.as_str(), *r))
    }
}

/// A mapping that could not be read. `Display` is one Chinese sentence naming the bad entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnMapError {
    /// An entry without "=".
    #[error("列对应「{entry}」缺少“=”。请写成「表头=角色」，如「进展情况=progress」")]
    MissingEquals {
        /// The entry as written.
        entry: String,
    },
    /// An entry with nothing before "=".
    #[error("列对应「{entry}」没有写表头。请写成「表头=角色」，如「进展情况=progress」")]
    EmptyHeader {
        /// The entry as written.
        entry: String,
    },
    /// A role that is none of [`ColumnRole::ALL`].
    #[error(
        "列对应「{entry}」中的角色「{role}」无法识别。可用的角色：{}",
        valid_roles()
    )]
    UnknownRole {
        /// The entry as written.
        entry: String,
        /// The role as written.
        role: String,
    },
    /// The same header given two different roles.
    #[error("表头「{header}」被指定了两个角色（{first}、{second}），请只保留一个")]
    Conflict {
        /// The header as written.
        header: String,
        /// The role given first.
        first: ColumnRole,
        /// The role given later.
        second: ColumnRole,
    },
}

/// "task（任务）、target（目标）、…".
fn valid_roles() -> String {
    ColumnRole::ALL
        .iter()
        .map(|r| format!("{}（{}）", r.key(), r.label()))
        .collect::<Vec<_>>()
        .join("、")
}

impl FromStr for ColumnMap {
    type Err = ColumnMapError;

    fn from_str(s: &str) -> Result<ColumnMap, ColumnMapError> {
        let mut map = ColumnMap::new();
        for entry in s.split([',', '，', ';', '；', '\n']) {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let Some((header, role)) = entry.split_once(['=', '＝']) else {
                return Err(ColumnMapError::MissingEquals {
                    entry: entry.into(),
                });
            };
            if normalize_header(header).is_empty() {
                return Err(ColumnMapError::EmptyHeader {
                    entry: entry.into(),
                });
            }
            let Some(role) = ColumnRole::parse(role) else {
                return Err(ColumnMapError::UnknownRole {
                    entry: entry.into(),
                    role: role.trim().into(),
                });
            };
            if let Some(first) = map.role_of(header).filter(|r| *r != role) {
                return Err(ColumnMapError::Conflict {
                    header: header.trim().into(),
                    first,
                    second: role,
                });
            }
            map.insert(header, role);
        }
        Ok(map)
    }
}

impl fmt::Display for ColumnMap {
    /// "进展情况=progress,项目=task": reads back to the same mapping.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (header, _, role)) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{header}={role}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mapping_reads_header_role_pairs_with_any_separator_and_role_names_in_either_language() {
        for (text, want) in [
            (
                "进展情况=progress,项目=task",
                vec![
                    ("进展情况", ColumnRole::Progress),
                    ("项目", ColumnRole::Task),
                ],
            ),
            (
                " 事项 ＝ 任务；目标数=target\n备注=IGNORE，",
                vec![
                    ("事项", ColumnRole::Task),
                    ("目标数", ColumnRole::Target),
                    ("备注", ColumnRole::Ignore),
                ],
            ),
            ("", vec![]),
        ] {
            let map: ColumnMap = text.parse().unwrap();
            assert_eq!(map.iter().collect::<Vec<_>>(), want, "{text}");
        }
    }

    #[test]
    fn a_mapped_header_matches_after_the_same_normalisation_as_synonyms() {
        let map: ColumnMap = "目标任务（万元）=target, 牵头 单位=responsible"
            .parse()
            .unwrap();
        assert_eq!(map.role_of("目标任务"), Some(ColumnRole::Target));
        assert_eq!(map.role_of("目标任务(亿元)"), Some(ColumnRole::Target));
        assert_eq!(map.role_of("牵头单位"), Some(ColumnRole::Responsible));
        assert_eq!(map.role_of("单位"), None);
        assert_eq!(map.role_of(""), None);
    }

    #[test]
    fn a_bad_entry_is_an_error_that_names_it_and_lists_the_roles() {
        for (text, want, words) in [
            (
                "进展情况=progres",
                ColumnMapError::UnknownRole {
                    entry: "进展情况=progres".into(),
                    role: "progres".into(),
                },
                vec![
                    "进展情况=progres",
                    "「progres」",
                    "task（任务）",
                    "ignore（忽略）",
                ],
            ),
            (
                "进展情况",
                ColumnMapError::MissingEquals {
                    entry: "进展情况".into(),
                },
                vec!["进展情况", "缺少"],
            ),
            (
                "=task",
                ColumnMapError::EmptyHeader {
                    entry: "=task".into(),
                },
                vec!["=task", "没有写表头"],
            ),
            (
                "项目=task,项目=target",
                ColumnMapError::Conflict {
                    header: "项目".into(),
                    first: ColumnRole::Task,
                    second: ColumnRole::Target,
                },
                vec!["「项目」", "task、target"],
            ),
        ] {
            let err = text.parse::<ColumnMap>().unwrap_err();
            assert_eq!(err, want, "{text}");
            let message = err.to_string();
            for w in words {
                assert!(message.contains(w), "{message} lacks {w}");
            }
        }
    }

    #[test]
    fn a_mapping_prints_back_to_text_that_reads_the_same() {
        let map: ColumnMap = "进展情况=进度,项目=task,项目=task".parse().unwrap();
        assert_eq!(map.to_string(), "进展情况=progress,项目=task");
        assert_eq!(map.to_string().parse::<ColumnMap>().unwrap(), map);
    }
}
