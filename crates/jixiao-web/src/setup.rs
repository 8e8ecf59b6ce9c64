//! The office's scoring setup (admins only): a scheme's tolerance and grade table, its
//! adjustment rules (加减分) and veto items (一票否决), copying it into the next year; per
//! unit, entering and withdrawing adjustments and vetoes; per task, the scoring rule and an
//! override of the final score with its reason.
//!
//! Every form here answers 404 for a record out of the user's reach before it answers 403 for
//! a role that may not act, like the rest of the app.

use askama::Template;
use axum::Form;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jixiao_domain::reading::report_status;
use jixiao_domain::scoring::{GradeTable, Override, ScoringRule};
use jixiao_domain::{Name, Period, Points, TimeProgress};
use jixiao_store::{
    AdjustmentRuleRecord, NewVetoEffect, PeriodSpec, SchemeSettings, StoreError, VetoItemRecord,
};
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::{Catalog, Locale};
use crate::pages::{PageResult, id, render};
use crate::views::{self, Frame};
use crate::{AppState, WebError};

/// A store error a form can cause, shown as the form's error; the rest are internal.
fn form_error(e: StoreError, t: &Catalog) -> WebError {
    match e {
        StoreError::Duplicate(name) => {
            WebError::BadRequest(format!("{}「{name}」", t.get("setup.error.duplicate")))
        }
        StoreError::NotFound(_) => WebError::NotFound,
        other => other.into(),
    }
}

/// A decimal a form field holds: empty is `None`; anything else must be a finite number.
fn decimal(raw: &str, field: &str, t: &Catalog) -> Result<Option<f64>, WebError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| {
            WebError::BadRequest(format!("{}「{field}」：{raw}", t.get("setup.error.number")))
        })
}

fn points(raw: &str, field: &str, t: &Catalog) -> Result<Option<Points>, WebError> {
    match decimal(raw, field, t)? {
        None => Ok(None),
        Some(v) => Points::try_from(v).map(Some).map_err(|_| {
            WebError::BadRequest(format!("{}「{field}」：{raw}", t.get("setup.error.points")))
        }),
    }
}

fn name_of(raw: &str, field: &str, t: &Catalog) -> Result<String, WebError> {
    Name::try_from(raw.trim())
        .map(|n| n.to_string())
        .map_err(|_| WebError::BadRequest(format!("{}「{field}」", t.get("setup.error.required"))))
}

struct RuleRow {
    name: String,
    max_addition: String,
    max_deduction: String,
}

struct VetoItemRow {
    name: String,
    effect: String,
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    f: Frame,
    scheme_id: i64,
    title: String,
    next_year: i64,
    next_title: String,
    tolerance: String,
    completion_bound: String,
    grades: [u8; 4],
    rules: Vec<RuleRow>,
    items: Vec<VetoItemRow>,
    notice: Option<String>,
}

fn effect_label(item: &VetoItemRecord, t: &Catalog) -> String {
    match (item.effect.as_str(), item.cap_points, item.grade.as_deref()) {
        ("cap", Some(p), _) => format!("{} {}", t.get("veto.effect.cap"), views::points(p)),
        ("grade", _, Some(g)) => format!("{} {g}", t.get("veto.effect.grade")),
        _ => t.get("veto.effect.zero").to_string(),
    }
}

fn rule_row(r: &AdjustmentRuleRecord) -> RuleRow {
    RuleRow {
        name: r.name.clone(),
        max_addition: r.max_addition.map(views::points).unwrap_or_default(),
        max_deduction: r.max_deduction.map(views::points).unwrap_or_default(),
    }
}

#[derive(Deserialize)]
pub(crate) struct DoneQuery {
    done: Option<String>,
}

/// `GET /schemes/{id}/settings` (admin).
pub(crate) async fn settings(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path(raw): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    let scheme = crate::pages::scheme_for_admin(&s, &session, &raw)
        .await
        .map_err(err)?;
    let scheme_id = scheme.id;
    let t = locale.catalog();
    let rules = s
        .store
        .adjustment_rules(scheme_id)
        .await
        .map_err(|e| err(e.into()))?;
    let items = s
        .store
        .veto_items(scheme_id)
        .await
        .map_err(|e| err(e.into()))?;
    let notice = q
        .done
        .as_deref()
        .filter(|d| ["settings", "rule", "veto"].contains(d))
        .map(|d| t.get(&format!("setup.done.{d}")).to_string());
    render(
        locale,
        &SettingsPage {
            f: Frame::new(locale, &uri, Some(&session)),
            scheme_id,
            tolerance: views::points(scheme.tolerance * 100.0),
            grades: crate::scores::grade_table(&scheme).percents(),
            completion_bound: views::points(scheme.completion_bound * 100.0),
            next_year: scheme.year + 1,
            next_title: scheme
                .title
                .replace(&scheme.year.to_string(), &(scheme.year + 1).to_string()),
            title: scheme.title,
            rules: rules.iter().map(rule_row).collect(),
            items: items
                .iter()
                .map(|i| VetoItemRow {
                    name: i.name.clone(),
                    effect: effect_label(i, t),
                })
                .collect(),
            notice,
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct SettingsForm {
    csrf: String,
    tolerance: String,
    excellent: String,
    good: String,
    fair: String,
    poor: String,
    /// Percent; empty keeps the scheme's.
    #[serde(default)]
    completion_bound: String,
}

fn percent_field(raw: &str, field: &str, t: &Catalog) -> Result<u8, WebError> {
    raw.trim()
        .parse::<u8>()
        .ok()
        .filter(|v| *v <= 100)
        .ok_or_else(|| {
            WebError::BadRequest(format!(
                "{}「{field}」：{raw}",
                t.get("setup.error.percent")
            ))
        })
}

/// `POST /schemes/{id}/settings` (admin): tolerance and grade table; stored statuses are
/// recomputed under the new tolerance in the same transaction.
pub(crate) async fn save_settings(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<SettingsForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        let scheme_id = id(&raw)?;
        session.require_admin()?;
        let scheme = s.store.scheme(scheme_id).await?.ok_or(WebError::NotFound)?;
        let completion_bound = match decimal(&form.completion_bound, t.get("setup.bound"), t)? {
            None => scheme.completion_bound,
            Some(v) if (100.0..=100_000.0).contains(&v) => v / 100.0,
            Some(_) => {
                return Err(WebError::BadRequest(format!(
                    "{}「{}」：{}",
                    t.get("setup.error.bound"),
                    t.get("setup.bound"),
                    form.completion_bound.trim()
                )));
            }
        };
        let tolerance = decimal(&form.tolerance, t.get("setup.tolerance"), t)?
            .filter(|v| (0.0..=100.0).contains(v))
            .ok_or_else(|| {
                WebError::BadRequest(format!(
                    "{}「{}」",
                    t.get("setup.error.percent"),
                    t.get("setup.tolerance")
                ))
            })?
            / 100.0;
        let grades = [
            percent_field(&form.excellent, "优秀", t)?,
            percent_field(&form.good, "良好", t)?,
            percent_field(&form.fair, "一般", t)?,
            percent_field(&form.poor, "较差", t)?,
        ];
        GradeTable::new(grades[0], grades[1], grades[2], grades[3])
            .map_err(|_| WebError::BadRequest(t.get("setup.error.grade_order").to_string()))?;
        let settings = SchemeSettings {
            tolerance,
            grades: grades.map(i64::from),
            completion_bound,
        };
        let status_of = |r: &jixiao_store::StatusInput, tolerance: f64| {
            let tp = r
                .period_code
                .parse::<Period>()
                .map(|p| p.time_progress())
                .unwrap_or(TimeProgress::YEAR_END);
            let status = report_status(&r.target, &r.text, r.verified_completion, tp, tolerance);
            Some(status.code().to_string())
        };
        s.store
            .set_scheme_settings(&session.user.actor(), scheme_id, &settings, status_of)
            .await?;
        Ok::<_, WebError>(
            Redirect::to(&format!("/schemes/{scheme_id}/settings?done=settings")).into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct RuleForm {
    csrf: String,
    name: String,
    #[serde(default)]
    max_addition: String,
    #[serde(default)]
    max_deduction: String,
}

/// `POST /schemes/{id}/adjustment-rules` (admin).
pub(crate) async fn add_rule(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<RuleForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        let scheme_id = id(&raw)?;
        session.require_admin()?;
        s.store.scheme(scheme_id).await?.ok_or(WebError::NotFound)?;
        let name = name_of(&form.name, t.get("setup.rule.name"), t)?;
        let add = points(&form.max_addition, t.get("setup.rule.max_addition"), t)?;
        let ded = points(&form.max_deduction, t.get("setup.rule.max_deduction"), t)?;
        s.store
            .add_adjustment_rule(
                &session.user.actor(),
                scheme_id,
                &name,
                add.map(Points::get),
                ded.map(Points::get),
            )
            .await
            .map_err(|e| form_error(e, t))?;
        Ok::<_, WebError>(
            Redirect::to(&format!("/schemes/{scheme_id}/settings?done=rule")).into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct VetoItemForm {
    csrf: String,
    name: String,
    effect: String,
    #[serde(default)]
    cap: String,
    #[serde(default)]
    grade: String,
}

/// `POST /schemes/{id}/veto-items` (admin).
pub(crate) async fn add_veto_item(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<VetoItemForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        let scheme_id = id(&raw)?;
        session.require_admin()?;
        s.store.scheme(scheme_id).await?.ok_or(WebError::NotFound)?;
        let name = name_of(&form.name, t.get("setup.veto.name"), t)?;
        let effect = match form.effect.as_str() {
            "zero" => NewVetoEffect::Zero,
            "cap" => NewVetoEffect::Cap(
                points(&form.cap, t.get("veto.effect.cap"), t)?
                    .ok_or_else(|| {
                        WebError::BadRequest(format!(
                            "{}「{}」",
                            t.get("setup.error.required"),
                            t.get("veto.effect.cap")
                        ))
                    })?
                    .get(),
            ),
            "grade" => NewVetoEffect::Grade(name_of(&form.grade, t.get("veto.effect.grade"), t)?),
            other => return Err(WebError::BadRequest(other.to_string())),
        };
        s.store
            .add_veto_item(&session.user.actor(), scheme_id, &name, &effect)
            .await
            .map_err(|e| form_error(e, t))?;
        Ok::<_, WebError>(
            Redirect::to(&format!("/schemes/{scheme_id}/settings?done=veto")).into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct CopyForm {
    csrf: String,
    title: String,
    year: String,
}

/// The periods of `year` that match the scheme's periods (2023Q3 → 2024Q3), oldest first.
pub fn periods_for_year(periods: &[jixiao_store::PeriodRecord], year: i32) -> Vec<PeriodSpec> {
    periods
        .iter()
        .filter_map(|p| p.period()?.with_year(year))
        .map(|p| PeriodSpec {
            code: p.code(),
            ends_on: p.ends_on().to_string(),
        })
        .collect()
}

/// `POST /schemes/{id}/copy` (admin): the scheme into a new year without progress.
pub(crate) async fn copy(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<CopyForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        let scheme_id = id(&raw)?;
        session.require_admin()?;
        s.store.scheme(scheme_id).await?.ok_or(WebError::NotFound)?;
        let title = name_of(&form.title, t.get("setup.copy.title_field"), t)?;
        let year = form
            .year
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=2100).contains(y))
            .ok_or_else(|| {
                WebError::BadRequest(format!("{}：{}", t.get("setup.error.year"), form.year))
            })?;
        let periods = periods_for_year(&s.store.periods(scheme_id).await?, year);
        let new_id = s
            .store
            .copy_scheme(
                &session.user.actor(),
                scheme_id,
                &title,
                i64::from(year),
                &periods,
            )
            .await
            .map_err(|e| form_error(e, t))?;
        Ok::<_, WebError>(Redirect::to(&format!("/schemes/{new_id}")).into_response())
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct AdjustmentForm {
    csrf: String,
    rule: String,
    /// 加分 or 扣分.
    kind: String,
    amount: String,
    reason: String,
}

/// The unit's score page, where adjustments and vetoes are shown and entered.
fn score_page(scheme_id: i64, unit_id: i64) -> String {
    format!("/schemes/{scheme_id}/units/{unit_id}/score")
}

async fn unit_in_reach(
    s: &AppState,
    session: &Session,
    raw_scheme: &str,
    raw_unit: &str,
) -> Result<(i64, i64), WebError> {
    let (scheme_id, unit_id) = (id(raw_scheme)?, id(raw_unit)?);
    if !session.reaches(unit_id) {
        return Err(WebError::NotFound);
    }
    let assessed = s
        .store
        .scheme_units(scheme_id)
        .await?
        .iter()
        .any(|u| u.unit_id == unit_id);
    if !assessed {
        return Err(WebError::NotFound);
    }
    Ok((scheme_id, unit_id))
}

fn reason_of(raw: &str, t: &Catalog) -> Result<String, WebError> {
    let r = raw.trim();
    if r.is_empty() {
        Err(WebError::BadRequest(
            t.get("setup.error.reason").to_string(),
        ))
    } else {
        Ok(r.to_string())
    }
}

/// `POST /schemes/{id}/units/{unit}/adjustments` (admin): a 加分 or 扣分 under a rule.
pub(crate) async fn add_adjustment(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path((raw_scheme, raw_unit)): Path<(String, String)>,
    Form(form): Form<AdjustmentForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        let (scheme_id, unit_id) = unit_in_reach(&s, &session, &raw_scheme, &raw_unit).await?;
        session.require_admin()?;
        let rule = id(&form.rule)?;
        let amount = points(&form.amount, t.get("adjust.amount"), t)?
            .filter(|p| p.get() > 0.0)
            .ok_or_else(|| WebError::BadRequest(t.get("setup.error.amount").to_string()))?
            .get();
        let signed = match form.kind.as_str() {
            "add" => amount,
            "deduct" => -amount,
            other => return Err(WebError::BadRequest(other.to_string())),
        };
        let reason = reason_of(&form.reason, t)?;
        s.store
            .add_adjustment(
                &session.user.actor(),
                scheme_id,
                unit_id,
                rule,
                signed,
                &reason,
            )
            .await
            .map_err(|e| form_error(e, t))?;
        Ok::<_, WebError>(Redirect::to(&score_page(scheme_id, unit_id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct VetoForm {
    csrf: String,
    item: String,
    reason: String,
}

/// `POST /schemes/{id}/units/{unit}/vetoes` (admin): a veto item found to apply.
pub(crate) async fn add_veto(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path((raw_scheme, raw_unit)): Path<(String, String)>,
    Form(form): Form<VetoForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        let (scheme_id, unit_id) = unit_in_reach(&s, &session, &raw_scheme, &raw_unit).await?;
        session.require_admin()?;
        let item = id(&form.item)?;
        let reason = reason_of(&form.reason, t)?;
        s.store
            .add_veto(&session.user.actor(), scheme_id, unit_id, item, &reason)
            .await
            .map_err(|e| form_error(e, t))?;
        Ok::<_, WebError>(Redirect::to(&score_page(scheme_id, unit_id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    csrf: String,
}

/// `POST /adjustments/{id}/delete` (admin).
pub(crate) async fn delete_adjustment(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        session.check_csrf(&form.csrf)?;
        let a = s
            .store
            .adjustment(id(&raw)?)
            .await?
            .ok_or(WebError::NotFound)?;
        if !session.reaches(a.unit_id) {
            return Err(WebError::NotFound);
        }
        session.require_admin()?;
        s.store
            .delete_adjustment(&session.user.actor(), a.id)
            .await?;
        Ok::<_, WebError>(Redirect::to(&score_page(a.scheme_id, a.unit_id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

/// `POST /vetoes/{id}/delete` (admin).
pub(crate) async fn delete_veto(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let result = async {
        session.check_csrf(&form.csrf)?;
        let v = s.store.veto(id(&raw)?).await?.ok_or(WebError::NotFound)?;
        if !session.reaches(v.unit_id) {
            return Err(WebError::NotFound);
        }
        session.require_admin()?;
        s.store.delete_veto(&session.user.actor(), v.id).await?;
        Ok::<_, WebError>(Redirect::to(&score_page(v.scheme_id, v.unit_id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct TaskRuleForm {
    csrf: String,
    #[serde(default)]
    rule: String,
}

/// `POST /tasks/{id}/rule` (admin): the task's scoring rule, or back to the default.
pub(crate) async fn set_rule(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<TaskRuleForm>,
) -> Response {
    let result = async {
        session.check_csrf(&form.csrf)?;
        let d = crate::task_page::task_in_reach(&s, &session, id(&raw)?).await?;
        session.require_admin()?;
        let rule = match form.rule.trim() {
            "" => None,
            code => Some(
                ScoringRule::from_code(code, GradeTable::default())
                    .ok_or_else(|| WebError::BadRequest(code.to_string()))?
                    .code(),
            ),
        };
        s.store
            .set_task_rule(&session.user.actor(), d.task.id, rule)
            .await?;
        Ok::<_, WebError>(Redirect::to(&format!("/tasks/{}?done=rule", d.task.id)).into_response())
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct OverrideForm {
    csrf: String,
    period: String,
    #[serde(default)]
    points: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    action: String,
}

/// `POST /tasks/{id}/override` (admin): sets the task's final score for a period, with a
/// reason, within `0..=weight`; `action=clear` removes it.
pub(crate) async fn set_override(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<OverrideForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        let d = crate::task_page::task_in_reach(&s, &session, id(&raw)?).await?;
        session.require_admin()?;
        let period_id = s
            .store
            .period_id(d.scheme.id, &form.period)
            .await?
            .ok_or(WebError::NotFound)?;
        let value = if form.action == "clear" {
            None
        } else {
            let p = points(&form.points, t.get("override.points"), t)?
                .ok_or_else(|| WebError::BadRequest(t.get("setup.error.points").to_string()))?;
            if p.get() > d.task.weight + 1e-9 {
                return Err(WebError::BadRequest(format!(
                    "{}（0–{}）",
                    t.get("override.error.range"),
                    views::points(d.task.weight)
                )));
            }
            let o = Override::new(p, &form.reason)
                .map_err(|_| WebError::BadRequest(t.get("setup.error.reason").to_string()))?;
            Some((o.points().get(), o.reason().to_string()))
        };
        s.store
            .set_override(
                &session.user.actor(),
                d.task.id,
                period_id,
                value.as_ref().map(|(p, r)| (*p, r.as_str())),
            )
            .await?;
        Ok::<_, WebError>(
            Redirect::to(&format!(
                "/tasks/{}?period={}&done=override",
                d.task.id,
                views::query_escape(&form.period)
            ))
            .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}
