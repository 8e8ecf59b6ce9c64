//! Reporting periods (填报周期): the whole year, a quarter or a month of a scheme's year.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

use crate::status::TimeProgress;

/// A scheme year, 2000–2100 (outside that range it is a typo, not a year).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Year(i32);

impl Year {
    /// The year number.
    pub fn get(self) -> i32 {
        self.0
    }

    /// Finds the scheme year in a document title: "2022年度服务高质量发展…" → 2022.
    pub fn in_title(title: &str) -> Option<Year> {
        let chars: Vec<char> = title.chars().collect();
        chars.windows(5).find_map(|w| {
            let digits: String = w[..4].iter().collect();
            (w[4] == '年' && w[..4].iter().all(|c| c.is_ascii_digit()))
                .then(|| {
                    digits
                        .parse::<i32>()
                        .ok()
                        .and_then(|y| Year::try_from(y).ok())
                })
                .flatten()
        })
    }
}

impl TryFrom<i32> for Year {
    type Error = PeriodError;
    fn try_from(y: i32) -> Result<Self, Self::Error> {
        if (2000..=2100).contains(&y) {
            Ok(Year(y))
        } else {
            Err(PeriodError::YearOutOfRange(y))
        }
    }
}

impl fmt::Display for Year {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Which part of the year a period covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "n")]
pub enum PeriodKind {
    /// 全年.
    Year,
    /// 第 n 季度, 1–4.
    Quarter(u8),
    /// n 月, 1–12.
    Month(u8),
}

/// A period of a scheme year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    year: Year,
    kind: PeriodKind,
}

/// Why a period cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PeriodError {
    /// Not one of the forms we read.
    #[error("无法识别的填报周期「{0}」，可写 2022、2022Q3 或 2022-09")]
    Unrecognised(String),
    /// A year outside 2000–2100.
    #[error("年份 {0} 超出范围（2000–2100）")]
    YearOutOfRange(i32),
}

impl Period {
    /// A period; quarter and month numbers are checked.
    pub fn new(year: Year, kind: PeriodKind) -> Result<Period, PeriodError> {
        let ok = match kind {
            PeriodKind::Year => true,
            PeriodKind::Quarter(q) => (1..=4).contains(&q),
            PeriodKind::Month(m) => (1..=12).contains(&m),
        };
        if ok {
            Ok(Period { year, kind })
        } else {
            Err(PeriodError::Unrecognised(format!("{year} {kind:?}")))
        }
    }

    /// The whole year.
    pub fn whole_year(year: Year) -> Period {
        Period {
            year,
            kind: PeriodKind::Year,
        }
    }

    /// The same part of another year (2023Q3 → 2024Q3); `None` when that year is out of range.
    pub fn with_year(self, year: i32) -> Option<Period> {
        Some(Period {
            year: Year::try_from(year).ok()?,
            kind: self.kind,
        })
    }

    /// The year.
    pub fn year(self) -> Year {
        self.year
    }

    /// The part of the year.
    pub fn kind(self) -> PeriodKind {
        self.kind
    }

    /// The stable code: `2022`, `2022Q3`, `2022-09`. Used in URLs, the CLI and the database.
    pub fn code(self) -> String {
        match self.kind {
            PeriodKind::Year => format!("{}", self.year),
            PeriodKind::Quarter(q) => format!("{}Q{q}", self.year),
            PeriodKind::Month(m) => format!("{}-{m:02}", self.year),
        }
    }

    /// The Chinese label: `2022年全年`, `2022年第3季度`, `2022年9月`.
    pub fn label_zh(self) -> String {
        match self.kind {
            PeriodKind::Year => format!("{}年全年", self.year),
            PeriodKind::Quarter(q) => format!("{}年第{q}季度", self.year),
            PeriodKind::Month(m) => format!("{}年{m}月", self.year),
        }
    }

    /// The last day of the period.
    pub fn ends_on(self) -> NaiveDate {
        let y = self.year.get();
        let last_month = match self.kind {
            PeriodKind::Year => 12,
            PeriodKind::Quarter(q) => u32::from(q) * 3,
            PeriodKind::Month(m) => u32::from(m),
        };
        let first_of_next = if last_month == 12 {
            NaiveDate::from_ymd_opt(y + 1, 1, 1)
        } else {
            NaiveDate::from_ymd_opt(y, last_month + 1, 1)
        };
        first_of_next
            .and_then(|d| d.pred_opt())
            .expect("a valid year and month always have a last day")
    }

    /// Days elapsed in the year at the period's end ÷ days in the year (Q3 → 0.75 or so).
    pub fn time_progress(self) -> TimeProgress {
        let end = self.ends_on();
        let days_in_year = if NaiveDate::from_ymd_opt(self.year.get(), 2, 29).is_some() {
            366.0
        } else {
            365.0
        };
        let f = f64::from(end.ordinal()) / days_in_year;
        TimeProgress::new(f.min(1.0)).expect("ordinal ÷ days in year lies in 0..=1")
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl FromStr for Period {
    type Err = PeriodError;

    /// Reads `2022`, `2022全年`, `2022Q3`, `2022-Q3`, `2022q3`, `2022-09`, `2022-9`, `2022M09`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unrecognised = || PeriodError::Unrecognised(s.to_string());
        let t = s.trim();
        let (year_part, rest) = t.split_at(t.len().min(4));
        if year_part.len() != 4 || !year_part.chars().all(|c| c.is_ascii_digit()) {
            return Err(unrecognised());
        }
        let year = Year::try_from(year_part.parse::<i32>().map_err(|_| unrecognised())?)?;
        let rest = rest.trim_start_matches(['-', '年', ' ']);
        let kind = if rest.is_empty() || rest == "全年" {
            PeriodKind::Year
        } else if let Some(q) = rest.strip_prefix(['Q', 'q']) {
            PeriodKind::Quarter(q.parse().map_err(|_| unrecognised())?)
        } else {
            let m = rest.strip_prefix(['M', 'm']).unwrap_or(rest);
            let m = m.strip_suffix('月').unwrap_or(m);
            PeriodKind::Month(m.parse().map_err(|_| unrecognised())?)
        };
        Period::new(year, kind).map_err(|_| unrecognised())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_moves_to_another_year_keeping_its_part() {
        let q3: Period = "2023Q3".parse().unwrap();
        assert_eq!(q3.with_year(2024).unwrap().code(), "2024Q3");
        let m: Period = "2023-02".parse().unwrap();
        assert_eq!(
            m.with_year(2024).unwrap().ends_on().to_string(),
            "2024-02-29"
        );
        assert!(q3.with_year(99999).is_none());
    }

    #[test]
    fn periods_parse_from_the_usual_spellings() {
        let cases = [
            ("2022", "2022"),
            ("2022全年", "2022"),
            ("2022Q3", "2022Q3"),
            ("2022-q3", "2022Q3"),
            ("2022-09", "2022-09"),
            ("2022-9", "2022-09"),
            ("2022年9月", "2022-09"),
            ("2022M12", "2022-12"),
        ];
        for (input, code) in cases {
            assert_eq!(input.parse::<Period>().unwrap().code(), code, "{input}");
        }
    }

    #[test]
    fn impossible_periods_are_refused() {
        for bad in [
            "2022Q5", "2022-13", "2022-00", "22Q1", "1999", "abcd", "", "2022Q",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }

    #[test]
    fn time_progress_is_the_elapsed_fraction_of_the_year() {
        let q3: Period = "2022Q3".parse().unwrap();
        assert!((q3.time_progress().get() - 273.0 / 365.0).abs() < 1e-9);
        let year: Period = "2024".parse().unwrap();
        assert_eq!(year.time_progress().get(), 1.0);
        let feb: Period = "2024-02".parse().unwrap();
        assert_eq!(feb.ends_on(), NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
    }

    #[test]
    fn the_year_is_found_in_a_title() {
        assert_eq!(
            Year::in_title("2022年度服务高质量发展绩效考核").map(Year::get),
            Some(2022)
        );
        assert_eq!(Year::in_title("第十四个五年规划"), None);
    }
}
