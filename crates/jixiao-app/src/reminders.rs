//! 催报: who is reminded of what, in which words, and the worker that delivers the e-mails
//! and webhook posts in the background.
//!
//! A sending never waits for a mail server: [`remind`] stores the batch, the units (their
//! 待办 shows it at once) and the deliveries in one transaction and returns. The [`Worker`]
//! claims due deliveries, hands each to a [`Courier`] with a time limit, and records the
//! outcome; a failure is tried again after a growing delay and, after the last attempt, shown
//! as failed on the 催报记录 page. The transport (SMTP, HTTP) is the courier's: this crate
//! holds no network client.

use std::future::Future;
use std::time::Duration;

use jixiao_domain::Period;
use jixiao_store::{
    Actor, Delivery, NewReminder, PeriodRecord, ReminderKind, SchemeRecord, Store, StoreError,
    scheduled_key,
};

/// Where reminders go besides the app, as the server is configured.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Channels {
    /// An SMTP relay is configured: e-mail each reporter who has an address.
    pub email: bool,
    /// A group robot's webhook (企业微信 / 钉钉 take the same text message).
    pub webhook: Option<String>,
}

/// Delivers one e-mail or webhook post.
pub trait Courier: Send + Sync {
    /// Sends `d`; the error's text is shown to the office as the reason it failed.
    fn deliver(&self, d: &Delivery) -> impl Future<Output = Result<(), String>> + Send;
}

/// When a failed delivery is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The wait after the first failure; each later wait is four times the one before.
    pub first_wait: Duration,
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// How long one attempt may take.
    pub timeout: Duration,
}

impl Default for RetryPolicy {
    /// 1 min, 4 min, 16 min, 64 min: five attempts over about an hour and a half.
    fn default() -> Self {
        RetryPolicy {
            first_wait: Duration::from_secs(60),
            attempts: 5,
            timeout: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// The wait before the next attempt after `made` failed attempts, or `None` after the last.
    pub fn wait_after(&self, made: u32) -> Option<Duration> {
        if made >= self.attempts {
            return None;
        }
        let factor = 4_u32.saturating_pow(made.saturating_sub(1));
        Some(self.first_wait.saturating_mul(factor))
    }
}

/// A period as a Chinese reader writes it: 2026年第4季度, 2026年11月, 2026年度.
pub fn period_words(code: &str) -> String {
    use jixiao_domain::PeriodKind;
    match code.parse::<Period>() {
        Ok(p) => match p.kind() {
            PeriodKind::Year => format!("{}年度", p.year()),
            PeriodKind::Quarter(n) => format!("{}年第{n}季度", p.year()),
            PeriodKind::Month(n) => format!("{}年{n}月", p.year()),
        },
        Err(_) => code.to_string(),
    }
}

/// The deadline as offices write it (Beijing date), if the period has one.
fn deadline_words(period: &PeriodRecord) -> Option<String> {
    let at = chrono::DateTime::parse_from_rfc3339(period.deadline.as_deref()?).ok()?;
    let day = jixiao_domain::deadline::date_of(at.with_timezone(&chrono::Utc));
    Some(day.format("%Y年%m月%d日").to_string())
}

/// The reminder's text, the e-mail's subject and the webhook's message (the units named, as
/// many as fit the 2,048 bytes a group robot accepts).
pub fn wording(
    scheme: &SchemeRecord,
    period: &PeriodRecord,
    kind: ReminderKind,
    note: &str,
    unit_names: &[&str],
) -> (String, String, String) {
    let when = period_words(&period.code);
    let by = deadline_words(period)
        .map(|d| format!("请于{d}前"))
        .unwrap_or_else(|| "请尽快".to_string());
    let mut message = match kind {
        ReminderKind::Missing => {
            format!(
                "「{}」{when}尚有任务未报送进展，{by}登录系统填报并提交。",
                scheme.title
            )
        }
        ReminderKind::Scheduled => format!(
            "「{}」{when}报送截止临近，尚有任务未报送进展，{by}登录系统填报并提交（系统自动提醒）。",
            scheme.title
        ),
        ReminderKind::Lagging => format!(
            "「{}」{when}有任务进度滞后于时序进度，请核实进展、加快推进，并及时报送。",
            scheme.title
        ),
    };
    let note = note.trim();
    if !note.is_empty() {
        message.push_str("附言：");
        message.push_str(note);
    }
    let subject = format!("【催报】{}{when}", scheme.title);
    let head = format!(
        "{subject}\n{message}\n催报单位（{} 个）：",
        unit_names.len()
    );
    // 企业微信 and 钉钉 cut a text message at 2,048 bytes: name units while they fit.
    let mut named = String::new();
    let mut shown = 0;
    for name in unit_names {
        let sep = if shown == 0 { "" } else { "、" };
        if head.len() + named.len() + sep.len() + name.len() + 40 > 2_000 {
            break;
        }
        named.push_str(sep);
        named.push_str(name);
        shown += 1;
    }
    if shown < unit_names.len() {
        named.push_str(&format!("等 {} 个单位", unit_names.len()));
    }
    let webhook = serde_json::json!({
        "msgtype": "text",
        "text": { "content": format!("{head}{named}") },
    })
    .to_string();
    (message, subject, webhook)
}

/// Reminds `units` (id and name) of `period`: stored at once, delivered by the worker. Answers
/// the batch's id, or `None` for a scheduled sending already made.
#[allow(clippy::too_many_arguments)]
pub async fn remind(
    store: &Store,
    by: &Actor,
    scheme: &SchemeRecord,
    period: &PeriodRecord,
    kind: ReminderKind,
    note: &str,
    units: &[(i64, String)],
    channels: &Channels,
) -> Result<Option<i64>, StoreError> {
    let names: Vec<&str> = units.iter().map(|(_, n)| n.as_str()).collect();
    let (message, subject, webhook) = wording(scheme, period, kind, note, &names);
    let ids: Vec<i64> = units.iter().map(|(id, _)| *id).collect();
    let dedupe = match kind {
        ReminderKind::Scheduled => store
            .reminder_schedule(scheme.id)
            .await?
            .map(|days| scheduled_key(period.id, days)),
        _ => None,
    };
    store
        .send_reminder(
            by,
            &NewReminder {
                scheme_id: scheme.id,
                period_id: period.id,
                kind,
                message: &message,
                subject: &subject,
                units: &ids,
                email: channels.email,
                webhook: channels.webhook.as_deref().map(|url| (url, webhook)),
                dedupe,
            },
        )
        .await
}

/// The scheduler's name in the records.
pub const SCHEDULER: &str = "系统（定时催报）";

/// Sends the scheduled reminders that are due: for each period of an active scheme whose
/// deadline is as near as the scheme's lead time, the units still missing reports. Answers
/// how many sendings it made.
pub async fn send_scheduled(store: &Store, channels: &Channels) -> Result<usize, StoreError> {
    send_scheduled_skipping(store, channels, &mut |_| true).await
}

/// [`send_scheduled`], asking `check(period_id)` before counting a period's units (a province's
/// count takes a second): the worker checks a period with nothing to send once an hour, not
/// every round.
async fn send_scheduled_skipping(
    store: &Store,
    channels: &Channels,
    check: &mut (dyn FnMut(i64) -> bool + Send),
) -> Result<usize, StoreError> {
    let mut sent = 0;
    for (scheme_id, period_id, _days) in store.periods_to_remind().await? {
        if !check(period_id) {
            continue;
        }
        let (Some(scheme), Some(period)) = (
            store.scheme(scheme_id).await?,
            store.period(period_id).await?,
        ) else {
            continue;
        };
        let units: Vec<(i64, String)> = store
            .completeness(scheme_id, period_id, None)
            .await?
            .into_iter()
            .filter(|c| c.missing > 0)
            .map(|c| (c.unit_id, c.unit))
            .collect();
        if units.is_empty() {
            continue;
        }
        let by = Actor {
            id: None,
            name: SCHEDULER.to_string(),
        };
        let outcome = remind(
            store,
            &by,
            &scheme,
            &period,
            ReminderKind::Scheduled,
            "",
            &units,
            channels,
        )
        .await?;
        sent += usize::from(outcome.is_some());
    }
    Ok(sent)
}

/// What one round of the worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    /// Scheduled sendings made.
    pub scheduled: usize,
    /// Deliveries sent.
    pub delivered: usize,
    /// Deliveries that failed and wait for another attempt.
    pub retrying: usize,
    /// Deliveries that failed for good.
    pub failed: usize,
}

/// Delivers what is due, on every instance: each claims its deliveries in the database, so
/// none is sent twice.
#[derive(Debug)]
pub struct Worker<C> {
    store: Store,
    courier: C,
    channels: Channels,
    policy: RetryPolicy,
    /// When each due period was last found with nothing to send.
    checked: std::sync::Mutex<std::collections::HashMap<i64, std::time::Instant>>,
}

/// How long a period found with every unit reported is left before it is counted again.
const RECHECK: Duration = Duration::from_secs(3_600);

/// Deliveries claimed per round.
const CLAIM: i64 = 50;

impl<C: Courier> Worker<C> {
    /// A worker for this instance.
    pub fn new(store: Store, courier: C, channels: Channels, policy: RetryPolicy) -> Worker<C> {
        Worker {
            store,
            courier,
            channels,
            policy,
            checked: std::sync::Mutex::new(std::collections::HashMap::new()),
        }
    }

    /// One round: scheduled sendings, then the due deliveries.
    pub async fn round(&self) -> Result<Round, StoreError> {
        // A period is counted at most once an hour; one that sends is not due again anyway.
        let now = std::time::Instant::now();
        let mut check = |period: i64| {
            let mut seen = self.checked.lock().unwrap_or_else(|e| e.into_inner());
            match seen.get(&period) {
                Some(at) if now.duration_since(*at) < RECHECK => false,
                _ => {
                    seen.insert(period, now);
                    true
                }
            }
        };
        let mut round = Round {
            scheduled: send_scheduled_skipping(&self.store, &self.channels, &mut check).await?,
            ..Round::default()
        };
        // Held a little longer than every attempt of the claim could take, so a slow round
        // is not claimed again by another instance while it still sends.
        let hold = self
            .policy
            .timeout
            .as_secs()
            .saturating_mul(CLAIM as u64 + 1);
        let due = self
            .store
            .claim_deliveries(CLAIM, i64::try_from(hold).unwrap_or(i64::MAX))
            .await?;
        for d in due {
            let outcome =
                match tokio::time::timeout(self.policy.timeout, self.courier.deliver(&d)).await {
                    Ok(r) => r,
                    Err(_) => Err(format!("超时（{} 秒）", self.policy.timeout.as_secs())),
                };
            match outcome {
                Ok(()) => {
                    self.store.finish_delivery(d.id, Ok(())).await?;
                    round.delivered += 1;
                }
                Err(e) => {
                    let made = u32::try_from(d.attempts + 1).unwrap_or(u32::MAX);
                    let wait = self.policy.wait_after(made);
                    tracing::warn!(delivery = d.id, channel = %d.channel, attempt = made,
                        error = %e, "reminder delivery failed");
                    let retry = wait.map(|w| i64::try_from(w.as_secs()).unwrap_or(i64::MAX));
                    self.store.finish_delivery(d.id, Err((&e, retry))).await?;
                    if retry.is_some() {
                        round.retrying += 1;
                    } else {
                        round.failed += 1;
                    }
                }
            }
        }
        Ok(round)
    }

    /// Rounds every `every`, forever; a failed round is logged and the next one tries again.
    pub async fn run(self, every: Duration) {
        loop {
            if let Err(e) = self.round().await {
                tracing::error!(error = %e, "reminder round failed");
            }
            tokio::time::sleep(every).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme() -> SchemeRecord {
        SchemeRecord {
            id: 1,
            title: "2026年度目标责任".into(),
            year: 2026,
            state: "active".into(),
            tolerance: 0.1,
            grade_excellent: 90,
            grade_good: 80,
            grade_fair: 60,
            grade_poor: 0,
            review_chain: "owner".into(),
            completion_bound: 3.0,
        }
    }

    fn period(deadline: Option<&str>) -> PeriodRecord {
        PeriodRecord {
            id: 7,
            code: "2026Q4".into(),
            ends_on: "2026-12-31".into(),
            deadline: deadline.map(str::to_string),
        }
    }

    #[test]
    fn a_reminder_names_the_period_and_the_beijing_deadline() {
        // 2027-01-10 23:59:59.999 CST is 15:59:59.999 UTC the same day.
        let (message, subject, _) = wording(
            &scheme(),
            &period(Some("2027-01-10T15:59:59.999Z")),
            ReminderKind::Missing,
            "",
            &["甲镇"],
        );
        assert_eq!(subject, "【催报】2026年度目标责任2026年第4季度");
        assert_eq!(
            message,
            "「2026年度目标责任」2026年第4季度尚有任务未报送进展，请于2027年01月10日前登录系统填报并提交。"
        );
    }

    #[test]
    fn the_senders_note_follows_and_a_period_without_deadline_says_as_soon_as_possible() {
        let (message, _, _) = wording(
            &scheme(),
            &period(None),
            ReminderKind::Lagging,
            "  周五前回复 ",
            &["甲镇"],
        );
        assert!(message.contains("进度滞后"), "{message}");
        assert!(message.ends_with("附言：周五前回复"), "{message}");
        let (missing, _, _) = wording(
            &scheme(),
            &period(None),
            ReminderKind::Missing,
            "",
            &["甲镇"],
        );
        assert!(missing.contains("请尽快登录"), "{missing}");
    }

    #[test]
    fn the_webhook_message_stays_under_the_robots_limit_and_says_how_many_units() {
        let names: Vec<String> = (0..500).map(|i| format!("第{i}号乡镇人民政府")).collect();
        let refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let (_, _, webhook) = wording(&scheme(), &period(None), ReminderKind::Missing, "", &refs);
        let v: serde_json::Value = serde_json::from_str(&webhook).unwrap();
        assert_eq!(v["msgtype"], "text");
        let content = v["text"]["content"].as_str().unwrap();
        assert!(content.len() <= 2_048, "{} bytes", content.len());
        assert!(content.contains("催报单位（500 个）"), "{content}");
        assert!(content.ends_with("等 500 个单位"), "{content}");
        assert!(content.contains("第0号乡镇人民政府、第1号乡镇人民政府"));
        let (_, _, few) = wording(
            &scheme(),
            &period(None),
            ReminderKind::Missing,
            "",
            &refs[..2],
        );
        assert!(
            few.contains("第0号乡镇人民政府、第1号乡镇人民政府\""),
            "{few}"
        );
    }

    #[test]
    fn retries_wait_longer_each_time_and_stop_after_the_last_attempt() {
        let p = RetryPolicy {
            first_wait: Duration::from_secs(60),
            attempts: 4,
            timeout: Duration::from_secs(5),
        };
        let waits: Vec<Option<u64>> = (1..=5)
            .map(|made| p.wait_after(made).map(|d| d.as_secs()))
            .collect();
        assert_eq!(waits, [Some(60), Some(240), Some(960), None, None]);
    }

    #[test]
    fn periods_read_as_chinese_words() {
        for (code, words) in [
            ("2026", "2026年度"),
            ("2026Q3", "2026年第3季度"),
            ("2026-11", "2026年11月"),
            ("odd", "odd"),
        ] {
            assert_eq!(period_words(code), words, "{code}");
        }
    }
}
