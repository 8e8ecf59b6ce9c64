//! The task page: target, every report with the reader's work shown, and the forms of the
//! workflow — a reporter writes and submits, a reviewer approves or returns with a reason.
//! A stale save gets the conflict page with both versions; nothing typed is lost.

use askama::Template;
use axum::Form;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use jixiao_app::reports::time_progress_of;
use jixiao_domain::Points;
use jixiao_domain::reading::assess;
use jixiao_domain::scoring::ScoringRule;
use jixiao_store::{
    AttachmentInfo, Decision, ReportDraft, ReportRecord, StoreError, StoredReading, TaskDetail,
};
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::{Catalog, Locale};
use crate::pages::{PageResult, id, render};
use crate::views::{self, Frame, Segment};
use crate::{AppState, WebError};

#[derive(Clone)]
struct PairView {
    what: String,
    unit: String,
    target: String,
    actual: String,
    ratio: String,
    rule: String,
}

#[derive(Clone)]
struct AttachmentView {
    id: i64,
    name: String,
    size: String,
}

#[derive(Clone)]
struct ReportView {
    period: String,
    period_code: String,
    /// The first figure read from the progress (what, value and unit), for the comparison.
    figure: String,
    state_code: String,
    state: String,
    status: Option<(String, String)>,
    completion: String,
    time_progress: String,
    self_score: Option<String>,
    return_reason: Option<String>,
    verified: Option<(String, String)>,
    attachments: Vec<AttachmentView>,
    target: Vec<Segment>,
    progress: Vec<Segment>,
    pairs: Vec<PairView>,
    explanation: Vec<String>,
    updated_at: String,
}

/// What the report form shows: the stored draft, or what the user just typed.
struct FormView {
    period_code: String,
    period_label: String,
    version: String,
    text: String,
    self_score: String,
    note: String,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    f: Frame,
    task_id: i64,
    scheme_id: i64,
    scheme_title: String,
    unit_id: i64,
    unit: String,
    path: Vec<String>,
    name: String,
    target: String,
    weight: String,
    /// The report of the period shown, read first.
    current_report: Option<ReportView>,
    /// Every period's report, newest first, for the comparison table.
    compare: Vec<ReportView>,
    /// The other periods' reports, folded.
    others: Vec<ReportView>,
    /// Where this report stands in the reviewer's queue.
    queue: Option<QueueView>,
    flash: Option<String>,
    form: Option<FormView>,
    review: Option<(i64, i64)>,
    /// A decision that could not be taken, and the reason as typed (shown again in the bar).
    review_error: Option<String>,
    review_reason: String,
    review_note: Option<String>,
    history: Vec<EventView>,
    findings: Vec<String>,
    note: Option<String>,
    reviewing_unit: Option<String>,
    verify: Option<(i64, i64, String)>,
    grade: Option<GradeView>,
    scoring: Option<ScoringView>,
    admin: Option<AdminView>,
    upload: Option<i64>,
    lock: Option<LockView>,
    period_code: String,
}

/// The checks' findings on report `r` of task `d`, in the reader's words (computed again, so
/// that they follow the scheme's bound and the earlier report as they are now).
fn findings_of(d: &TaskDetail, r: &ReportRecord, t: &Catalog) -> Vec<String> {
    use jixiao_domain::checks::{Checked, Finding, findings};
    let now = jixiao_domain::prose::assess(&d.task.target, &r.text);
    let earlier = earlier_report(d, &r.period_ends_on)
        .map(|e| (e, jixiao_domain::prose::assess(&d.task.target, &e.text)));
    let found = findings(
        Checked {
            progress: &r.text,
            reading: &now,
        },
        earlier.as_ref().map(|(e, reading)| {
            (
                e.period_code.as_str(),
                Checked {
                    progress: &e.text,
                    reading,
                },
            )
        }),
        d.scheme.completion_bound,
    );
    found
        .iter()
        .map(|f| match f {
            Finding::FellBack {
                what,
                unit,
                period,
                before,
                now,
            } => t.fill(
                "check.fell_back",
                &[
                    ("what", what),
                    ("now", &format!("{}{unit}", number(Some(*now)))),
                    ("period", &views::period_label(period, t)),
                    ("before", &format!("{}{unit}", number(Some(*before)))),
                ],
            ),
            Finding::AboveBound { completion, bound } => t.fill(
                "check.above_bound",
                &[
                    ("completion", &views::percent(*completion)),
                    ("bound", &views::percent(*bound)),
                ],
            ),
            Finding::NoFigure => t.get("check.no_figure").to_string(),
        })
        .collect()
}

/// Where a report stands in a reviewer's queue, with links to its neighbours.
struct QueueView {
    position: usize,
    total: usize,
    prev: Option<String>,
    next: Option<String>,
}

fn queue_view(items: &[(i64, String)], task_id: i64, period: &str) -> Option<QueueView> {
    let at = items
        .iter()
        .position(|(t, p)| *t == task_id && p == period)?;
    let link = |i: usize| {
        items
            .get(i)
            .map(|(t, p)| format!("/tasks/{t}?period={}", views::query_escape(p)))
    };
    Some(QueueView {
        position: at + 1,
        total: items.len(),
        prev: at.checked_sub(1).and_then(link),
        next: link(at + 1),
    })
}

/// One line of the review history: a submission or a step decided.
struct EventView {
    at: String,
    period: String,
    step: String,
    event: String,
    who: String,
    reason: String,
}

/// Every submission and decision of the task's reports, newest first, in Beijing time.
fn history_view(d: &TaskDetail, t: &Catalog) -> Vec<EventView> {
    d.history
        .iter()
        .rev()
        .map(|e| EventView {
            at: chrono::DateTime::parse_from_rfc3339(&e.at)
                .map(|at| jixiao_domain::deadline::local_minute(at.with_timezone(&chrono::Utc)))
                .unwrap_or_else(|_| e.at.clone()),
            period: d
                .reports
                .iter()
                .find(|r| r.id == e.report_id)
                .map(|r| r.period_code.clone())
                .unwrap_or_default(),
            step: e
                .review_step()
                .map(|s| t.get(&format!("review.step.{}", s.code())).to_string())
                .unwrap_or_default(),
            event: match e.event.as_str() {
                "submitted" | "approved" | "returned" => {
                    t.get(&format!("review.event.{}", e.event)).to_string()
                }
                other => other.to_string(),
            },
            who: e.actor.clone(),
            reason: e.reason.clone().unwrap_or_default(),
        })
        .collect()
}

/// A refused review, said in the reader's language.
fn review_refused(t: &Catalog, e: jixiao_app::reports::ReviewError) -> WebError {
    use jixiao_app::reports::ReviewError;
    use jixiao_domain::review::NotYours;
    match e {
        ReviewError::NotWaiting => WebError::BadRequest(t.get("report.error.state").to_string()),
        ReviewError::NotYours(NotYours::OtherDecider(step)) => WebError::Refused(t.fill(
            "review.error.other",
            &[
                ("step", t.get(&format!("review.step.{}", step.code()))),
                ("who", t.get(&format!("review.who.{}", step.code()))),
            ],
        )),
        ReviewError::NotYours(NotYours::AlreadyDecided) => {
            WebError::Refused(t.get("review.error.already").to_string())
        }
        ReviewError::NotYours(NotYours::OwnSubmission) => {
            WebError::Refused(t.get("review.error.own").to_string())
        }
        ReviewError::Store(e) => e.into(),
    }
}

/// The reviewer's scoring form: a grade under the graded rule, points under the manual rule.
struct GradeView {
    report_id: i64,
    version: i64,
    current: String,
    graded: bool,
    manual: bool,
    points: String,
    /// 优秀 100%、良好 85% …, from the scheme's table.
    table: String,
}

/// The task's scores for the period shown.
struct ScoringView {
    rule: String,
    self_score: String,
    reviewer_score: String,
    final_score: String,
    explanation: Vec<String>,
    override_reason: Option<String>,
}

/// The admin's forms: the rule (empty: default) and the override for the period shown.
struct AdminView {
    rule: String,
    default_rule: String,
    rules: Vec<(String, String)>,
    period_code: Option<String>,
    override_points: String,
    override_reason: String,
    has_override: bool,
}

fn number(v: Option<f64>) -> String {
    match v {
        Some(v) => {
            let s = format!("{v:.4}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        None => "—".to_string(),
    }
}

/// A report with the reader's work shown: the numbers used, marked in both texts, each pair's
/// ratio, and the status at the report's period.
fn report_view(
    r: &ReportRecord,
    attachments: &[AttachmentInfo],
    target: &str,
    tolerance: f64,
    t: &Catalog,
) -> ReportView {
    let time_progress = time_progress_of(&r.period_code);
    let a = assess(target, &r.text, time_progress, tolerance);
    let status = a.status_given(r.verified_completion, time_progress, tolerance);
    let mut target_marks = Vec::new();
    let mut progress_marks = Vec::new();
    for p in &a.reading.pairs {
        let class = if p.ratio.is_some() {
            "q-used"
        } else {
            "q-open"
        };
        if let Some(span) = &p.target_span {
            target_marks.push((span.clone(), class));
        }
        if let Some(span) = &p.actual_span {
            progress_marks.push((span.clone(), class));
        }
    }
    ReportView {
        period: views::period_label(&r.period_code, t),
        period_code: r.period_code.clone(),
        figure: a
            .reading
            .pairs
            .iter()
            .find(|p| p.actual.is_some())
            .map(|p| format!("{} {}{}", p.what, number(p.actual), p.unit))
            .unwrap_or_else(|| "—".to_string()),
        state_code: r.state.clone(),
        state: t.get(&format!("report.state.{}", r.state)).to_string(),
        status: views::status_label(status.code(), t),
        completion: r
            .verified_completion
            .or(a.reading.completion)
            .map(views::percent)
            .unwrap_or_else(|| t.get("reading.no_completion").to_string()),
        time_progress: views::percent(time_progress.get()),
        self_score: r.self_score.map(views::score),
        return_reason: r.return_reason.clone().filter(|_| r.state == "returned"),
        attachments: attachments
            .iter()
            .filter(|a| a.report_id == r.id)
            .map(|a| AttachmentView {
                id: a.id,
                name: a.file_name.clone(),
                size: format!("{:.1} KB", a.size as f64 / 1024.0),
            })
            .collect(),
        verified: r.verified_completion.map(|c| {
            (
                views::percent(c),
                r.verified_reason.clone().unwrap_or_default(),
            )
        }),
        target: views::segments(target, &target_marks),
        progress: views::segments(&r.text, &progress_marks),
        pairs: a
            .reading
            .pairs
            .iter()
            .map(|p| PairView {
                what: p.what.clone(),
                unit: p.unit.clone(),
                target: number(p.target),
                actual: number(p.actual),
                ratio: p.ratio.map(views::percent).unwrap_or_else(|| "—".into()),
                rule: t.get(&format!("rule.{}", p.rule)).to_string(),
            })
            .collect(),
        explanation: a.reading.explanation.clone(),
        updated_at: r
            .updated_at
            .chars()
            .take(16)
            .collect::<String>()
            .replace('T', " "),
    }
}

#[derive(Deserialize)]
pub(crate) struct TaskQuery {
    period: Option<String>,
    done: Option<String>,
}

/// The reading a report of `d` for `period` with `text` is stored with: the reader's pairs and
/// completion, the status (a reviewer's verified completion for that period decides it when
/// there is one) and the checks' findings. Shared by the form and the API.
pub(crate) fn reading_for(
    d: &TaskDetail,
    period: &jixiao_store::PeriodRecord,
    text: &str,
) -> StoredReading {
    let verified = d
        .reports
        .iter()
        .find(|r| r.period_id == period.id)
        .and_then(|r| r.verified_completion);
    jixiao_app::reports::checked_reading(
        &d.task.target,
        text,
        time_progress_of(&period.code),
        d.scheme.tolerance,
        verified,
        earlier_report(d, &period.ends_on).map(|r| jixiao_app::reports::Earlier {
            period: &r.period_code,
            text: &r.text,
        }),
        d.scheme.completion_bound,
    )
    .0
}

/// The task's latest report of a period that ends before `ends_on` (what the checks compare
/// with; the year and its fourth quarter end on the same day, and neither is the other's
/// earlier period).
fn earlier_report<'a>(d: &'a TaskDetail, ends_on: &str) -> Option<&'a ReportRecord> {
    d.reports
        .iter()
        .filter(|r| r.period_ends_on.as_str() < ends_on)
        .max_by(|a, b| {
            (a.period_ends_on.as_str(), a.period_code.as_str())
                .cmp(&(b.period_ends_on.as_str(), b.period_code.as_str()))
        })
}

/// The longest progress text accepted (a table cell, not a report document).
pub(crate) const MAX_REPORT_CHARS: usize = 20_000;

/// The task, if it exists and the session reaches its unit (otherwise it does not exist).
pub(crate) async fn task_in_reach(
    s: &AppState,
    session: &Session,
    task_id: i64,
) -> Result<TaskDetail, WebError> {
    let d = s.store.task(task_id).await?.ok_or(WebError::NotFound)?;
    if !session.sees_task(d.unit.id, d.reviewing_unit.as_ref().map(|u| u.id)) {
        return Err(WebError::NotFound);
    }
    Ok(d)
}

/// A report a reviewer acts on: it exists, its unit is in reach (else it does not exist for
/// this user), and the role may review.
async fn report_to_review(
    s: &AppState,
    session: &Session,
    raw: &str,
) -> Result<(ReportRecord, TaskDetail), WebError> {
    let report = s.store.report(id(raw)?).await?.ok_or(WebError::NotFound)?;
    let d = task_in_reach(s, session, report.task_id).await?;
    if !session.user.role().may_review() {
        return Err(WebError::Forbidden);
    }
    Ok((report, d))
}

/// A report whose completion a reviewer verifies or grades: as [`report_to_review`], and the
/// reviewer is the task's — its 考核主体 where named, else the unit's 主管部门 — or the office.
async fn report_to_score(
    s: &AppState,
    session: &Session,
    raw: &str,
) -> Result<(ReportRecord, TaskDetail), WebError> {
    let (report, d) = report_to_review(s, session, raw).await?;
    let deciders = session
        .asker()
        .deciders(d.unit.id, d.reviewing_unit.as_ref().map(|u| u.id));
    if !jixiao_domain::ReviewStep::Owner.may_decide(&deciders) {
        return Err(WebError::Forbidden);
    }
    Ok((report, d))
}

/// The period a form works on: the one asked for, or the scheme's latest.
async fn period_of(
    s: &AppState,
    scheme_id: i64,
    asked: Option<&str>,
) -> Result<Option<jixiao_store::PeriodRecord>, WebError> {
    let periods = s.store.periods(scheme_id).await?;
    Ok(match asked.filter(|a| !a.is_empty()) {
        Some(code) => periods.into_iter().find(|p| p.code == code),
        None => periods.into_iter().last(),
    })
}

/// What the deadline means for this task now.
struct LockView {
    deadline: Option<String>,
    locked: bool,
    extensions: Vec<ExtensionView>,
    can_request: bool,
    can_unlock: bool,
}

struct ExtensionView {
    id: i64,
    reason: String,
    until: String,
    state: String,
    pending: bool,
}

#[allow(clippy::too_many_arguments)]
async fn render_task(
    s: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    d: TaskDetail,
    asked_period: Option<&str>,
    flash: Option<&str>,
    typed: Option<FormView>,
    review_typed: Option<(String, String)>,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    let t = locale.catalog();
    let role = session.user.role();
    let period_record = period_of(s, d.scheme.id, asked_period).await.map_err(err)?;
    let period = period_record.as_ref().map(|p| p.code.clone());
    let current = period
        .as_ref()
        .and_then(|code| d.reports.iter().find(|r| &r.period_code == code));
    let locked = match &period_record {
        Some(p) => crate::deadlines::task_locked(s, d.task.id, p)
            .await
            .map_err(err)?,
        None => false,
    };
    let lock = match &period_record {
        Some(p) => {
            let extensions = s
                .store
                .extensions(d.task.id, p.id)
                .await
                .map_err(|e| err(e.into()))?
                .into_iter()
                .map(|e| ExtensionView {
                    id: e.id,
                    pending: e.state == "pending",
                    state: t.get(&format!("extension.state.{}", e.state)).to_string(),
                    until: chrono::DateTime::parse_from_rfc3339(&e.until)
                        .map(|u| {
                            jixiao_domain::deadline::date_of(u.with_timezone(&chrono::Utc))
                                .to_string()
                        })
                        .unwrap_or(e.until),
                    reason: e.reason,
                })
                .collect::<Vec<_>>();
            Some(LockView {
                deadline: crate::deadlines::deadline_date(p),
                locked,
                can_request: locked
                    && role.may_report()
                    && !role.may_review()
                    && !extensions.iter().any(|e| e.pending),
                can_unlock: locked && role.may_review() && session.reaches(d.unit.id),
                extensions,
            })
        }
        None => None,
    };
    let editable = !locked && current.is_none_or(|r| r.state == "draft" || r.state == "returned");
    let form = match (typed, &period) {
        (Some(f), _) => Some(f),
        (None, Some(code)) if role.may_report() && editable => Some(FormView {
            period_code: code.clone(),
            period_label: views::period_label(code, t),
            version: current.map(|r| r.version.to_string()).unwrap_or_default(),
            text: current.map(|r| r.text.clone()).unwrap_or_default(),
            self_score: current
                .and_then(|r| r.self_score)
                .map(views::points)
                .unwrap_or_default(),
            note: current.and_then(|r| r.note.clone()).unwrap_or_default(),
            error: None,
        }),
        _ => None,
    };
    let mut attachments = Vec::new();
    for r in &d.reports {
        attachments.extend(s.store.attachments(r.id).await.map_err(|e| err(e.into()))?);
    }
    // Evidence can be added while the unit's own report for the period is editable.
    let upload = current
        .filter(|r| !locked && role.may_report() && (r.state == "draft" || r.state == "returned"))
        .map(|r| r.id);
    // The step the report waits for, and whether this person decides it.
    let asker = session.asker();
    let waiting = match current {
        Some(r) => jixiao_app::reports::waiting_step(&d, r).map_err(|e| err(e.into()))?,
        None => None,
    };
    let review = current
        .filter(|r| role.may_review() && r.state == "submitted")
        .filter(|r| jixiao_app::reports::may_decide(&asker, &d, r).is_ok())
        .map(|r| (r.id, r.version));
    let review_note = waiting.map(|at| {
        let step = at.step.code();
        let mut note = t.fill(
            "review.waiting",
            &[
                ("step", t.get(&format!("review.step.{step}"))),
                ("n", &(at.index + 1).to_string()),
                ("of", &at.of.to_string()),
            ],
        );
        if review.is_none() && role.may_review() {
            note.push_str(" · ");
            note.push_str(&t.fill(
                "review.not_yours",
                &[("who", t.get(&format!("review.who.{step}")))],
            ));
        }
        note
    });
    let history = history_view(&d, t);
    let views_all: Vec<ReportView> = d
        .reports
        .iter()
        .rev()
        .map(|r| report_view(r, &attachments, &d.task.target, d.scheme.tolerance, t))
        .collect();
    // The reviewer's queue (待办 order), for 上一条 / 下一条 while deciding.
    let queue = match (review, &period) {
        (Some(_), Some(code)) => {
            // The office's queue is the province's: its first 1,000, as 待办 pages it.
            let items = if session.everything {
                s.store
                    .review_todo_page(
                        &jixiao_store::ReviewFilter::default(),
                        jixiao_store::TodoSort::Deadline,
                        (1000, 0),
                    )
                    .await
                    .map_err(|e| err(e.into()))?
                    .0
            } else {
                s.store
                    .review_todo(session.reach_list())
                    .await
                    .map_err(|e| err(e.into()))?
            };
            let mine: Vec<(i64, String)> = items
                .iter()
                .filter(|i| jixiao_app::reports::listed_step(&asker, i).is_some())
                .map(|i| (i.task_id, i.period.clone()))
                .collect();
            queue_view(&mine, d.task.id, code)
        }
        _ => None,
    };
    let findings = current.map(|r| findings_of(&d, r, t)).unwrap_or_default();
    let note = current.and_then(|r| r.note.clone());
    // The task as scoring sees it for the period shown.
    let grades = crate::scores::grade_table(&d.scheme);
    let mut line = d.task.clone();
    line.report = current.cloned();
    line.score_override = period_record
        .as_ref()
        .and_then(|p| d.overrides.iter().find(|o| o.period_id == p.id).cloned());
    let rule = crate::scores::rule_of(&line, grades);
    let pending = t.get("score.pending");
    let shown = |sc: &jixiao_domain::scoring::Score| {
        sc.points()
            .map(|p| views::score(p.get()))
            .unwrap_or_else(|| pending.to_string())
    };
    // Official: only a reviewer's act (or the office's import) makes 评审分. A report waiting
    // for review also shows what approving it would give, marked as such.
    let score_under = |basis| {
        crate::scores::task_input(&line, grades, basis)
            .ok()
            .and_then(|i| jixiao_domain::scoring::score_task(&i).ok())
    };
    let if_approved = current
        .filter(|r| r.report_state() == Some(jixiao_domain::ReportState::Submitted))
        .and_then(|_| score_under(jixiao_domain::Basis::Provisional))
        .map(|ts| t.fill("score.if_approved", &[("points", &shown(&ts.final_score))]));
    let scoring = score_under(jixiao_domain::Basis::Official).map(|ts| ScoringView {
        rule: t.get(&format!("rule.{}", rule.code())).to_string(),
        self_score: shown(&ts.self_score),
        reviewer_score: shown(&ts.reviewer_score),
        final_score: shown(&ts.final_score),
        explanation: views::whys(t, &ts.explanation)
            .into_iter()
            .chain(if_approved)
            .collect(),
        override_reason: line.score_override.as_ref().map(|o| o.reason.clone()),
    });
    let table_text = jixiao_domain::scoring::Grade::ALL
        .iter()
        .map(|g| format!("{} {}%", g.label_zh(), grades.percent(*g)))
        .collect::<Vec<_>>()
        .join("、");
    // Verifying and grading belong to the task's reviewer (see `report_to_review`).
    let scores_it = role.may_review()
        && jixiao_domain::ReviewStep::Owner
            .may_decide(&asker.deciders(d.unit.id, d.reviewing_unit.as_ref().map(|u| u.id)));
    let grade = current
        .filter(|_| scores_it)
        .filter(|_| matches!(rule, ScoringRule::Graded(_) | ScoringRule::Manual))
        .map(|r| GradeView {
            report_id: r.id,
            version: r.version,
            current: r.grade.clone().unwrap_or_default(),
            graded: matches!(rule, ScoringRule::Graded(_)),
            manual: matches!(rule, ScoringRule::Manual),
            points: r.reviewer_points.map(views::points).unwrap_or_default(),
            table: table_text.clone(),
        });
    let admin = role.may_administer().then(|| {
        let default_rule = {
            let mut plain = line.clone();
            plain.rule = None;
            crate::scores::rule_of(&plain, grades)
        };
        AdminView {
            rule: d.task.rule.clone().unwrap_or_default(),
            default_rule: t.get(&format!("rule.{}", default_rule.code())).to_string(),
            rules: ScoringRule::CODES
                .iter()
                .map(|c| (c.to_string(), t.get(&format!("rule.{c}")).to_string()))
                .collect(),
            period_code: period.clone(),
            override_points: line
                .score_override
                .as_ref()
                .map(|o| views::points(o.points))
                .unwrap_or_default(),
            override_reason: line
                .score_override
                .as_ref()
                .map(|o| o.reason.clone())
                .unwrap_or_default(),
            has_override: line.score_override.is_some(),
        }
    });
    let verify = current.filter(|_| scores_it).map(|r| {
        let shown = r
            .verified_completion
            .map(|c| format!("{:.1}", c * 100.0))
            .unwrap_or_default();
        (r.id, r.version, shown)
    });
    let flash = flash.and_then(|key| match key {
        "saved" | "submitted" | "approved" | "passed" | "returned" | "verified" | "attached"
        | "detached" | "graded" | "rule" | "override" | "routed" => {
            Some(t.get(&format!("report.done.{key}")).to_string())
        }
        _ => None,
    });
    render(
        locale,
        &TaskPage {
            f: Frame::new(locale, uri, Some(session)),
            task_id: d.task.id,
            scheme_id: d.scheme.id,
            scheme_title: d.scheme.title.clone(),
            unit_id: d.unit.id,
            unit: d.unit.name.clone(),
            path: d.path.iter().map(|i| i.name.clone()).collect(),
            name: d.task.name.clone(),
            target: d.task.target.clone(),
            weight: views::points(d.task.weight),
            current_report: views_all
                .iter()
                .find(|r| Some(&r.period_code) == period.as_ref())
                .cloned(),
            others: views_all
                .iter()
                .filter(|r| Some(&r.period_code) != period.as_ref())
                .cloned()
                .collect(),
            compare: if views_all.len() > 1 {
                views_all
            } else {
                Vec::new()
            },
            queue,
            flash,
            form,
            review,
            review_error: review_typed.as_ref().map(|(e, _)| e.clone()),
            review_reason: review_typed.map(|(_, r)| r).unwrap_or_default(),
            review_note,
            history,
            findings,
            note,
            reviewing_unit: d.reviewing_unit.as_ref().map(|u| u.name.clone()),
            verify,
            grade,
            scoring,
            admin,
            upload,
            lock,
            period_code: period.clone().unwrap_or_default(),
        },
    )
}

pub(crate) async fn task(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path(raw): Path<String>,
    Query(q): Query<TaskQuery>,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    let task_id = id(&raw).map_err(err)?;
    let d = task_in_reach(&s, &session, task_id).await.map_err(err)?;
    render_task(
        &s,
        locale,
        &uri,
        &session,
        d,
        q.period.as_deref(),
        q.done.as_deref(),
        None,
        None,
    )
    .await
}

/// The task page again with the form as typed and its error (422).
async fn form_again(
    s: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    task_id: i64,
    period: &str,
    typed: FormView,
) -> Result<Response, WebError> {
    let d = task_in_reach(s, session, task_id).await?;
    let page = render_task(
        s,
        locale,
        uri,
        session,
        d,
        Some(period),
        None,
        Some(typed),
        None,
    )
    .await
    .map_err(|LocalizedError(_, e)| e)?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

#[derive(Deserialize)]
pub(crate) struct ReportForm {
    csrf: String,
    period: String,
    #[serde(default)]
    version: String,
    text: String,
    #[serde(default)]
    self_score: String,
    /// 情况说明.
    #[serde(default)]
    note: String,
    #[serde(default)]
    action: String,
}

#[derive(Template)]
#[template(path = "conflict.html")]
struct ConflictPage {
    f: Frame,
    task_id: i64,
    name: String,
    period_code: String,
    current_version: i64,
    yours: String,
    your_score: String,
    your_note: String,
    theirs: String,
}

pub(crate) async fn save_report(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<ReportForm>,
) -> Response {
    match save(&s, locale, &uri, &session, &raw, form).await {
        Ok(r) => r,
        Err(e) => LocalizedError(locale, e).into_response(),
    }
}

async fn save(
    s: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    raw: &str,
    form: ReportForm,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf)?;
    let task_id = id(raw)?;
    // One query for what a save needs (the task page's full context only when shown again).
    let c = s
        .store
        .save_context(task_id, &form.period)
        .await?
        .filter(|c| session.sees_task(c.unit_id, c.reviewing_unit_id))
        .ok_or(WebError::NotFound)?;
    // A 考核主体's reviewer sees the task but writes nothing for the unit.
    if !session.reaches(c.unit_id) || !session.user.role().may_report() {
        return Err(WebError::Forbidden);
    }
    let t = locale.catalog();
    let period_record = c.period.clone().ok_or(WebError::NotFound)?;
    let period_id = period_record.id;
    if crate::deadlines::task_locked(s, task_id, &period_record).await? {
        return Err(WebError::BadRequest(t.get("deadline.locked").to_string()));
    }
    let text = form.text.trim().to_string();
    let weight = Points::try_from(c.weight).unwrap_or(Points::ZERO);
    let score = form.self_score.trim();
    let self_score = if score.is_empty() {
        Ok(None)
    } else {
        score
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && (0.0..=weight.get()).contains(v))
            .map(Some)
            .ok_or(())
    };
    let error = if text.is_empty() {
        Some(t.get("report.error.empty").to_string())
    } else if text.chars().count() > MAX_REPORT_CHARS {
        Some(t.fill(
            "report.error.long",
            &[("max", &MAX_REPORT_CHARS.to_string())],
        ))
    } else if self_score.is_err() {
        Some(t.fill("report.error.score", &[("max", &weight.to_string())]))
    } else if form.note.trim().chars().count() > jixiao_app::reports::MAX_NOTE_CHARS {
        Some(t.fill(
            "report.error.note_long",
            &[("max", &jixiao_app::reports::MAX_NOTE_CHARS.to_string())],
        ))
    } else {
        None
    };
    // What was typed, shown again with the error: nothing typed is lost.
    let typed = |version: String, error: String| FormView {
        period_label: views::period_label(&form.period, t),
        period_code: form.period.clone(),
        version,
        text: form.text.clone(),
        self_score: form.self_score.clone(),
        note: form.note.clone(),
        error: Some(error),
    };
    if let Some(error) = error {
        let again = typed(form.version.clone(), error);
        return form_again(s, locale, uri, session, task_id, &form.period, again).await;
    }
    let (reading, _) = jixiao_app::reports::checked_reading(
        &c.target,
        &text,
        time_progress_of(&form.period),
        c.tolerance,
        c.verified_completion,
        c.earlier
            .as_ref()
            .map(|(period, text)| jixiao_app::reports::Earlier { period, text }),
        c.completion_bound,
    );
    let note = form.note.trim();
    let draft = ReportDraft {
        task_id,
        period_id,
        text: text.clone(),
        self_score: self_score.unwrap_or(None),
        expected_version: form.version.trim().parse().ok(),
        reading: Some(reading),
        note: (!note.is_empty()).then(|| note.to_string()),
    };
    let actor = session.user.actor();
    let saved = match s.store.save_report(&actor, &draft).await {
        Ok(r) => r,
        Err(StoreError::Conflict { current }) => {
            // Read again: the page was loaded before the other save committed.
            let fresh = s.store.task(task_id).await?;
            let theirs = fresh
                .iter()
                .flat_map(|d| &d.reports)
                .find(|r| r.period_code == form.period)
                .map(|r| r.text.clone())
                .unwrap_or_default();
            let page = ConflictPage {
                f: Frame::new(locale, uri, Some(session)),
                task_id,
                name: c.name.clone(),
                period_code: form.period.clone(),
                current_version: current,
                yours: form.text.clone(),
                your_score: form.self_score.clone(),
                your_note: form.note.clone(),
                theirs,
            };
            let html = page.render()?;
            return Ok((StatusCode::CONFLICT, Html(html)).into_response());
        }
        Err(StoreError::WrongState { .. }) => {
            return Err(WebError::BadRequest(
                t.get("report.error.state").to_string(),
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let done = if form.action == "submit" {
        if jixiao_app::reports::may_submit(&saved).is_err() {
            // Saved as a draft; the findings are on the page, the note is what is missing.
            let again = typed(
                saved.version.to_string(),
                t.get("report.error.unexplained").to_string(),
            );
            return form_again(s, locale, uri, session, task_id, &form.period, again).await;
        }
        match s.store.submit_report(&actor, saved.id, saved.version).await {
            Ok(_) => "submitted",
            Err(StoreError::Conflict { .. } | StoreError::WrongState { .. }) => {
                return Err(WebError::BadRequest(
                    t.get("report.error.state").to_string(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
    } else {
        "saved"
    };
    Ok(Redirect::to(&format!(
        "/tasks/{task_id}?period={}&done={done}",
        views::query_escape(&form.period)
    ))
    .into_response())
}

#[derive(Deserialize)]
pub(crate) struct ReviewForm {
    csrf: String,
    version: i64,
    decision: String,
    #[serde(default)]
    reason: String,
}

pub(crate) async fn review_report(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<ReviewForm>,
) -> Response {
    match review(&s, locale, &uri, &session, &raw, form).await {
        Ok(r) => r,
        Err(e) => LocalizedError(locale, e).into_response(),
    }
}

async fn review(
    s: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    raw: &str,
    form: ReviewForm,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf)?;
    let t = locale.catalog();
    let (report, d) = report_to_review(s, session, raw).await?;
    let decision = match form.decision.as_str() {
        "approve" => Decision::Approve,
        "return" if !form.reason.trim().is_empty() => Decision::Return {
            reason: form.reason.trim().to_string(),
        },
        "return" => {
            // The task page again with the decision bar saying why, not a page of its own.
            let d = task_in_reach(s, session, d.task.id).await?;
            let typed = (t.get("report.error.reason").to_string(), form.reason);
            let page = render_task(
                s,
                locale,
                uri,
                session,
                d,
                Some(&report.period_code),
                None,
                None,
                Some(typed),
            )
            .await
            .map_err(|LocalizedError(_, e)| e)?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
        _ => return Err(WebError::BadRequest(form.decision.clone())),
    };
    let asker = session.asker();
    let decided = jixiao_app::reports::review(
        &s.store,
        &asker,
        &session.user.actor(),
        &d,
        &report,
        form.version,
        &decision,
    )
    .await
    .map_err(|e| review_refused(t, e))?;
    let done = match decision {
        Decision::Approve if decided.state == "submitted" => "passed",
        Decision::Approve => "approved",
        Decision::Return { .. } => "returned",
    };
    Ok(Redirect::to(&format!(
        "/tasks/{}?period={}&done={done}",
        d.task.id,
        views::query_escape(&report.period_code)
    ))
    .into_response())
}

#[derive(Deserialize)]
pub(crate) struct VerifyForm {
    csrf: String,
    version: i64,
    /// Percent; empty clears the correction.
    #[serde(default)]
    completion: String,
    #[serde(default)]
    reason: String,
}

pub(crate) async fn verify_report(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<VerifyForm>,
) -> Response {
    match verify(&s, locale, &session, &raw, form).await {
        Ok(r) => r,
        Err(e) => LocalizedError(locale, e).into_response(),
    }
}

/// A reviewer corrects the completion the reader found (完成审核值), with a reason; the
/// correction wins and is kept until a reviewer changes or clears it.
async fn verify(
    s: &AppState,
    locale: Locale,
    session: &Session,
    raw: &str,
    form: VerifyForm,
) -> Result<Response, WebError> {
    session.check_csrf(&form.csrf)?;
    let t = locale.catalog();
    let (report, d) = report_to_score(s, session, raw).await?;
    let text = form.completion.trim().trim_end_matches(['%', '％']);
    let completion = if text.is_empty() {
        None
    } else {
        let v = text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && (0.0..=1000.0).contains(v))
            .ok_or_else(|| WebError::BadRequest(t.get("verify.error.value").to_string()))?;
        Some(v / 100.0)
    };
    if completion.is_some() && form.reason.trim().is_empty() {
        return Err(WebError::BadRequest(
            t.get("verify.error.reason").to_string(),
        ));
    }
    let time_progress = time_progress_of(&report.period_code);
    let status = jixiao_domain::reading::report_status(
        &d.task.target,
        &report.text,
        completion,
        time_progress,
        d.scheme.tolerance,
    );
    match s
        .store
        .verify_report(
            &session.user.actor(),
            report.id,
            form.version,
            completion,
            form.reason.trim(),
            status.code(),
        )
        .await
    {
        Ok(_) => {}
        Err(StoreError::Conflict { .. }) => {
            return Err(WebError::BadRequest(
                t.get("report.error.state").to_string(),
            ));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Redirect::to(&format!(
        "/tasks/{}?period={}&done=verified",
        d.task.id,
        views::query_escape(&report.period_code)
    ))
    .into_response())
}

#[derive(Deserialize)]
pub(crate) struct GradeForm {
    csrf: String,
    version: i64,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    points: String,
}

/// `POST /reports/{id}/grade` (reviewer): grades a qualitative task (优秀/良好/一般/较差), or
/// clears the grade.
pub(crate) async fn grade_report(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<GradeForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        let (report, d) = report_to_score(&s, &session, &raw).await?;
        // A reviewer scores what was submitted; a draft is still the reporter's to change.
        if report.state != "submitted" && report.state != "approved" {
            return Err(WebError::BadRequest(t.get("grade.error.state").to_string()));
        }
        let rule = crate::scores::rule_of(&d.task, crate::scores::grade_table(&d.scheme));
        let graded = matches!(rule, jixiao_domain::scoring::ScoringRule::Graded(_));
        let manual = matches!(rule, jixiao_domain::scoring::ScoringRule::Manual);
        if (!form.grade.trim().is_empty() && !graded) || (!form.points.trim().is_empty() && !manual)
        {
            return Err(WebError::BadRequest(t.get("grade.error.rule").to_string()));
        }
        let grade = match form.grade.trim() {
            "" => None,
            g => Some(
                jixiao_domain::scoring::Grade::parse(g)
                    .ok_or_else(|| WebError::BadRequest(g.to_string()))?
                    .label_zh(),
            ),
        };
        let points = match form.points.trim() {
            "" => None,
            raw => Some(
                raw.parse::<f64>()
                    .ok()
                    .filter(|p| p.is_finite() && *p >= 0.0 && *p <= d.task.weight + 1e-9)
                    .ok_or_else(|| {
                        WebError::BadRequest(format!(
                            "{}（0–{}）：{raw}",
                            t.get("override.error.range"),
                            views::points(d.task.weight)
                        ))
                    })?,
            ),
        };
        match s
            .store
            .grade_report(
                &session.user.actor(),
                report.id,
                form.version,
                grade,
                points,
            )
            .await
        {
            Ok(_) => {}
            Err(StoreError::Conflict { .. }) => {
                return Err(WebError::BadRequest(
                    t.get("report.error.state").to_string(),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        Ok::<_, WebError>(
            Redirect::to(&format!(
                "/tasks/{}?period={}&done=graded",
                d.task.id,
                views::query_escape(&report.period_code)
            ))
            .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}
