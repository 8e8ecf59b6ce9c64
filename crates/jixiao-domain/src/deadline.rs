//! Deadlines: when a period locks, and how an extension reopens it.
//!
//! Offices give deadlines as dates; a date means the end of that day in China Standard Time
//! (UTC+8), whatever the server's clock zone. Instants are compared in UTC.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone, Utc};

/// China Standard Time.
fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("a valid offset")
}

/// The instant a deadline date ends: 23:59:59.999 CST of that day.
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let next = date
        .succ_opt()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|dt| cst().from_local_datetime(&dt).single())
        .map(|dt| dt.with_timezone(&Utc));
    match next {
        Some(midnight) => midnight - Duration::milliseconds(1),
        None => DateTime::<Utc>::MAX_UTC,
    }
}

/// The date (CST) an instant falls on, for display.
pub fn date_of(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&cst()).date_naive()
}

/// Whether reporting for a task is closed at `now`: the period's deadline has passed and no
/// approved extension for the task runs until `now` or later.
pub fn is_locked(
    deadline: Option<DateTime<Utc>>,
    extension_until: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> bool {
    match deadline {
        None => false,
        Some(d) if now <= d => false,
        Some(_) => extension_until.is_none_or(|until| now > until),
    }
}

/// Where a deadline stands at `now`, as a to-do list says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Passed: 已逾期.
    Overdue,
    /// Today or later, with the days left counted in calendar days (CST): 0 is today.
    DaysLeft(i64),
}

/// Where `deadline` stands at `now`, in CST calendar days.
pub fn due(deadline: DateTime<Utc>, now: DateTime<Utc>) -> Due {
    if now > deadline {
        Due::Overdue
    } else {
        Due::DaysLeft((date_of(deadline) - date_of(now)).num_days())
    }
}

/// An instant as offices read it: its date and minute in CST (`2026-11-30 23:59`).
pub fn local_minute(instant: DateTime<Utc>) -> String {
    instant
        .with_timezone(&cst())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_deadline_date_ends_at_midnight_china_time() {
        let d = NaiveDate::from_ymd_opt(2022, 10, 10).unwrap();
        assert_eq!(end_of_day(d), at("2022-10-10T15:59:59.999Z"));
        assert_eq!(date_of(end_of_day(d)), d);
    }

    #[test]
    fn a_period_locks_after_its_deadline_unless_extended() {
        let deadline = Some(at("2022-10-10T15:59:59.999Z"));
        let cases = [
            (
                None,
                None,
                "2030-01-01T00:00:00Z",
                false,
                "no deadline never locks",
            ),
            (
                deadline,
                None,
                "2022-10-10T15:59:59.999Z",
                false,
                "exactly at the deadline is open",
            ),
            (
                deadline,
                None,
                "2022-10-10T16:00:00Z",
                true,
                "just after locks",
            ),
            (
                deadline,
                Some(at("2022-10-15T15:59:59.999Z")),
                "2022-10-12T00:00:00Z",
                false,
                "extended",
            ),
            (
                deadline,
                Some(at("2022-10-15T15:59:59.999Z")),
                "2022-10-16T00:00:00Z",
                true,
                "extension over",
            ),
        ];
        for (deadline, ext, now, locked, why) in cases {
            assert_eq!(is_locked(deadline, ext, at(now)), locked, "{why}");
        }
    }

    #[test]
    fn a_deadline_is_due_in_beijing_calendar_days_and_overdue_once_passed() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        // The end of 30 November in Beijing is 15:59:59.999 UTC.
        let deadline = at("2026-11-30T15:59:59.999Z");
        let cases = [
            ("2026-11-30T15:59:59.999Z", Due::DaysLeft(0)),
            ("2026-11-30T16:00:00Z", Due::Overdue),
            // 29 November 07:00 in Beijing is still 28 November in UTC: one day left, not two.
            ("2026-11-28T23:00:00Z", Due::DaysLeft(1)),
            ("2026-11-20T00:00:00Z", Due::DaysLeft(10)),
        ];
        for (now, want) in cases {
            assert_eq!(due(deadline, at(now)), want, "{now}");
        }
        assert_eq!(local_minute(deadline), "2026-11-30 23:59");
    }
}
