//! Points: the currency of appraisal. Weights of tasks and points of indicators.

use serde::{Serialize, Serializer};
use std::fmt;

/// A non-negative, finite number of points (分).
///
/// Stored as `f64` because real schemes use half points (2.5分); display trims trailing zeros.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct Points(f64);

/// Why a value is not a number of points.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PointsError {
    /// Negative values are adjustments, not weights.
    #[error("分值不能为负数：{0}")]
    Negative(f64),
    /// NaN or infinite.
    #[error("分值不是有限数值")]
    NotFinite,
}

impl Points {
    /// Zero points.
    pub const ZERO: Points = Points(0.0);

    /// The value in points.
    pub fn get(self) -> f64 {
        self.0
    }

    /// Sums points; the sum of valid points is valid.
    pub fn sum<I: IntoIterator<Item = Points>>(iter: I) -> Points {
        Points(iter.into_iter().map(|p| p.0).sum())
    }

    /// Whether two amounts agree to the hundredth of a point (sums of decimals drift).
    pub fn approx_eq(self, other: Points) -> bool {
        (self.0 - other.0).abs() < 0.005
    }
}

impl TryFrom<f64> for Points {
    type Error = PointsError;
    fn try_from(v: f64) -> Result<Self, Self::Error> {
        if !v.is_finite() {
            Err(PointsError::NotFinite)
        } else if v < 0.0 {
            Err(PointsError::Negative(v))
        } else {
            // -0.0 becomes 0.0 so that it prints as "0".
            Ok(Points(v + 0.0))
        }
    }
}

impl fmt::Display for Points {
    /// `30`, `2.5`, `33.33`: at most two decimals, no trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = format!("{:.2}", self.0);
        let s = s.trim_end_matches('0').trim_end_matches('.');
        f.write_str(s)
    }
}

/// A weight or an indicator's points as the scheme writes them: `30`, `2.5`, `33.33` (at most
/// two decimals, no trailing zeros).
pub fn weight_text(v: f64) -> String {
    let s = format!("{:.2}", v + 0.0);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// A score (得分, 自评/评审/最终, 总分, an indicator's sum, 加减分) as every page, export and
/// text prints it: always two decimals, as offices write an official total (134.83, 675.00),
/// so scores in one column line up and "675" never stands beside "685.7". Weights and an
/// indicator's points are the scheme's own figures and keep [`weight_text`].
pub fn score_text(v: f64) -> String {
    let s = format!("{:.2}", v + 0.0);
    if s == "-0.00" { "0.00".into() } else { s }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0)
    }
}

/// Reads the points an indicator carries in its name: "围绕中心履职尽责（400分）" → 400.
///
/// Offices write the points in brackets at the end of the name, full- or half-width.
pub fn points_in_name(name: &str) -> Option<Points> {
    let name = name.trim_end();
    let inner = name.strip_suffix('）').or_else(|| name.strip_suffix(')'))?;
    let open = inner.rfind(['（', '('])?;
    let inside = &inner[open..];
    let inside = inside
        .trim_start_matches('（')
        .trim_start_matches('(')
        .trim();
    let number = inside.strip_suffix('分')?.trim();
    let v: f64 = number.parse().ok()?;
    Points::try_from(v).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_are_read_from_the_end_of_an_indicator_name() {
        let cases = [
            ("围绕中心履职尽责（400分）", Some(400.0)),
            ("党的建设(100分)", Some(100.0)),
            ("加分项目（ 5.5分 ）", Some(5.5)),
            ("重点（职能）工作", None),
            ("围绕中心履职尽责", None),
            ("奖励（若干分）", None),
        ];
        for (name, want) in cases {
            assert_eq!(points_in_name(name).map(Points::get), want, "{name}");
        }
    }

    #[test]
    fn points_display_without_trailing_zeros() {
        for (v, s) in [(30.0, "30"), (2.5, "2.5"), (33.333, "33.33"), (0.0, "0")] {
            assert_eq!(Points::try_from(v).unwrap().to_string(), s);
        }
    }

    #[test]
    fn negative_and_non_finite_points_are_refused() {
        assert!(Points::try_from(-1.0).is_err());
        assert!(Points::try_from(f64::NAN).is_err());
    }
}
