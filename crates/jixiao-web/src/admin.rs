//! Running the system, apart from the appraisal (三员分立): the 系统管理员 keeps accounts of the
//! appraisal's roles and the units; the 安全管理员 gives those accounts their roles and lifts
//! locks. Neither may touch an administrator's account (those are made on the command line), so
//! none of the three can take another's place; the audit log is `audit_log.rs`, the auditor's.

use askama::Template;
use axum::Form;
use axum::extract::{OriginalUri, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jixiao_domain::access::Username;
use jixiao_domain::{Duty, Role};
use jixiao_store::{NewUser, StoreError, UnitRecord, UnitTypeRecord, UserRecord};
use serde::Deserialize;

use crate::auth::{self, Session};
use crate::error::LocalizedError;
use crate::i18n::Locale;
use crate::pages::{PageResult, id, render};
use crate::views::Frame;
use crate::{AppState, WebError};

struct UnitRow {
    unit: UnitRecord,
    depth: usize,
}

/// Units depth first under their parents.
fn unit_tree(units: &[UnitRecord]) -> Vec<UnitRow> {
    fn walk(all: &[UnitRecord], parent: Option<i64>, depth: usize, out: &mut Vec<UnitRow>) {
        if depth > 32 {
            return;
        }
        for u in all.iter().filter(|u| u.parent_id == parent) {
            out.push(UnitRow {
                unit: u.clone(),
                depth,
            });
            walk(all, Some(u.id), depth + 1, out);
        }
    }
    let mut out = Vec::new();
    walk(units, None, 0, &mut out);
    // Units whose parent chain is broken still show, at the end.
    for u in units {
        if !out.iter().any(|r| r.unit.id == u.id) {
            out.push(UnitRow {
                unit: u.clone(),
                depth: 0,
            });
        }
    }
    out
}

struct UserRow {
    user: UserRecord,
    unit: String,
    role: String,
    /// One of the three administrators: no action on it from this page.
    system: bool,
    /// Locked after failed logins, or counting towards it.
    locked: bool,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    f: Frame,
    units: Vec<UnitRow>,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, String)>,
    /// The office's list of unit types, with how many units have each.
    unit_types: Vec<UnitTypeRecord>,
    notice: Option<String>,
    /// The 系统管理员: accounts and units.
    accounts: bool,
    /// What could not be done, shown at the top of the page the form is on.
    problem: Option<String>,
    /// What was typed in the form that failed, shown again.
    typed: Typed,
}

/// The unit and unit-type forms as typed, kept when a save is refused.
#[derive(Default)]
struct Typed {
    unit_name: String,
    unit_parent: String,
    unit_kind: String,
    new_type: String,
}

async fn admin_page(
    s: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    notice: Option<String>,
) -> PageResult {
    admin_page_with(s, locale, uri, session, notice, None, Typed::default()).await
}

async fn admin_page_with(
    s: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    notice: Option<String>,
    problem: Option<String>,
    typed: Typed,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    let duty = session.user.role().duty();
    if !matches!(duty, Some(Duty::Accounts | Duty::Security)) {
        return Err(err(WebError::Forbidden));
    }
    let t = locale.catalog();
    let units = s.store.units().await.map_err(|e| err(e.into()))?;
    let unit_types = s.store.unit_types().await.map_err(|e| err(e.into()))?;
    let users = s
        .store
        .users()
        .await
        .map_err(|e| err(e.into()))?
        .into_iter()
        .map(|u| UserRow {
            unit: units
                .iter()
                .find(|x| x.id == u.unit_id)
                .map(|x| x.name.clone())
                .unwrap_or_default(),
            role: t.get(&format!("role.{}", u.role().code())).to_string(),
            system: !u.role().is_business(),
            locked: u.failed_logins > 0 || u.locked_until.is_some(),
            user: u,
        })
        .collect();
    render(
        locale,
        &AdminPage {
            f: Frame::new(locale, uri, Some(session)),
            units: unit_tree(&units),
            users,
            roles: Role::BUSINESS
                .iter()
                .map(|r| (r.code(), t.get(&format!("role.{}", r.code())).to_string()))
                .collect(),
            unit_types,
            notice,
            accounts: duty == Some(Duty::Accounts),
            problem,
            typed,
        },
    )
}

#[derive(Deserialize)]
pub(crate) struct AdminQuery {
    done: Option<String>,
}

pub(crate) async fn page(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    axum::extract::Query(q): axum::extract::Query<AdminQuery>,
) -> PageResult {
    let t = locale.catalog();
    let notice = q.done.as_deref().and_then(|d| match d {
        "unit" | "unit_type" => Some(t.get(&format!("admin.done.{d}")).to_string()),
        _ => None,
    });
    admin_page(&s, locale, &uri, &session, notice).await
}

/// The office's page again with `problem` at the top (422): the form it came from is there,
/// with what was typed.
async fn admin_problem(
    s: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    problem: String,
    typed: Typed,
) -> Result<Response, WebError> {
    let Html(page) = admin_page_with(s, locale, uri, session, None, Some(problem), typed)
        .await
        .map_err(|LocalizedError(_, e)| e)?;
    Ok((axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response())
}

#[derive(Deserialize)]
pub(crate) struct UnitForm {
    csrf: String,
    name: String,
    #[serde(default)]
    parent: String,
    #[serde(default)]
    kind: String,
}

/// `POST /admin/units`: adds a unit (or moves an existing one) under a parent, with its type
/// chosen from the office's list (empty: left as it is).
pub(crate) async fn add_unit(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Form(form): Form<UnitForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        session.require_duty(Duty::Accounts)?;
        let name = form.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            let problem = t.get("admin.error.unit_name").to_string();
            return admin_problem(&s, locale, &uri, &session, problem, typed_unit(&form)).await;
        }
        let parent = match form.parent.trim() {
            "" => None,
            p => Some(id(p)?),
        };
        let kind = form.kind.trim();
        // A type outside the list (a forged form, a type removed meanwhile) changes nothing.
        if !kind.is_empty() && s.store.unit_type_named(kind).await?.is_none() {
            let problem = t.fill("admin.unit_type.error.unknown", &[("name", kind)]);
            return admin_problem(&s, locale, &uri, &session, problem, typed_unit(&form)).await;
        }
        let by = session.user.actor();
        let unit = s.store.ensure_unit(&by, name, parent).await?;
        if !kind.is_empty() {
            s.store.set_unit_kind(&by, unit, kind).await?;
        }
        Ok(Redirect::to("/admin?done=unit#units").into_response())
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct UnitTypeForm {
    csrf: String,
    #[serde(default)]
    name: String,
    /// `rename` or `remove` (on `/admin/unit-types/{id}`).
    #[serde(default)]
    action: String,
}

/// `POST /admin/unit-types`: adds a type to the office's list.
pub(crate) async fn add_unit_type(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Form(form): Form<UnitTypeForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        session.require_duty(Duty::Accounts)?;
        let problem = match jixiao_store::unit_type_name(&form.name) {
            Err(_) => Some(unit_type_name_problem(t)),
            Ok(name) => match s.store.add_unit_type(&session.user.actor(), name).await {
                Ok(_) => None,
                Err(StoreError::Duplicate(name)) => {
                    Some(t.fill("admin.unit_type.error.duplicate", &[("name", &name)]))
                }
                Err(e) => return Err(e.into()),
            },
        };
        match problem {
            Some(p) => {
                let typed = Typed {
                    new_type: form.name.chars().take(60).collect(),
                    ..Typed::default()
                };
                admin_problem(&s, locale, &uri, &session, p, typed).await
            }
            None => Ok(Redirect::to("/admin?done=unit_type#unit-types").into_response()),
        }
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

/// The unit form as typed.
fn typed_unit(form: &UnitForm) -> Typed {
    Typed {
        unit_name: form.name.chars().take(120).collect(),
        unit_parent: form.parent.trim().to_string(),
        unit_kind: form.kind.trim().to_string(),
        new_type: String::new(),
    }
}

fn unit_type_name_problem(t: &crate::i18n::Catalog) -> String {
    t.fill(
        "admin.unit_type.error.name",
        &[("max", &jixiao_store::UNIT_TYPE_MAX_CHARS.to_string())],
    )
}

/// `POST /admin/unit-types/{id}`: renames a type (its units with it) or removes an unused one.
pub(crate) async fn change_unit_type(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<UnitTypeForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        session.require_duty(Duty::Accounts)?;
        let type_id = id(&raw)?;
        let types = s.store.unit_types().await?;
        let current = types
            .iter()
            .find(|k| k.id == type_id)
            .ok_or(WebError::NotFound)?;
        let by = session.user.actor();
        let problem = match form.action.as_str() {
            "rename" => match jixiao_store::unit_type_name(&form.name) {
                Err(_) => Some(unit_type_name_problem(t)),
                Ok(name) => match s.store.rename_unit_type(&by, type_id, name).await {
                    Ok(()) => None,
                    Err(StoreError::Duplicate(name)) => {
                        Some(t.fill("admin.unit_type.error.duplicate", &[("name", &name)]))
                    }
                    Err(e) => return Err(e.into()),
                },
            },
            "remove" if current.units > 0 => Some(t.fill(
                "admin.unit_type.error.in_use",
                &[
                    ("name", &current.name),
                    ("count", &current.units.to_string()),
                ],
            )),
            "remove" => {
                s.store.remove_unit_type(&by, type_id).await?;
                None
            }
            other => {
                return Err(WebError::BadRequest(
                    t.fill("admin.unit_type.error.action", &[("action", other)]),
                ));
            }
        };
        match problem {
            Some(p) => admin_problem(&s, locale, &uri, &session, p, Typed::default()).await,
            None => Ok(Redirect::to("/admin?done=unit_type#unit-types").into_response()),
        }
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct UserForm {
    csrf: String,
    username: String,
    #[serde(default)]
    display_name: String,
    role: String,
    unit: String,
}

/// `POST /admin/users`: creates an account with a generated password, shown once.
pub(crate) async fn add_user(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Form(form): Form<UserForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        session.require_duty(Duty::Accounts)?;
        let username = Username::try_from(form.username.as_str())
            .map_err(|e| WebError::BadRequest(e.to_string()))?;
        // The appraisal's roles only: an administrator's account is the command line's.
        let role = Role::parse(&form.role)
            .filter(|r| r.is_business())
            .ok_or_else(|| WebError::BadRequest(t.get("admin.error.role").to_string()))?;
        let unit_id = id(&form.unit)?;
        s.store.unit(unit_id).await?.ok_or(WebError::NotFound)?;
        let password = auth::new_password()?;
        let hash = auth::hash_password(password.clone()).await?;
        let display = form.display_name.trim();
        let new = NewUser {
            username: username.to_string(),
            display_name: if display.is_empty() {
                username.to_string()
            } else {
                display.chars().take(50).collect()
            },
            password_hash: hash,
            role,
            unit_id,
            must_change_password: true,
        };
        match s.store.create_user(&session.user.actor(), &new).await {
            Ok(_) => {}
            Err(StoreError::Duplicate(name)) => {
                return Err(WebError::BadRequest(
                    t.fill("admin.error.duplicate", &[("name", &name)]),
                ));
            }
            Err(e) => return Err(e.into()),
        }
        let notice = t.fill(
            "admin.created",
            &[("name", &new.username), ("password", &password)],
        );
        admin_page(&s, locale, &uri, &session, Some(notice))
            .await
            .map(|Html(h)| Html(h).into_response())
            .map_err(|LocalizedError(_, e)| e)
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

#[derive(Deserialize)]
pub(crate) struct UserActionForm {
    csrf: String,
    action: String,
    /// The new role, for `action=role`.
    #[serde(default)]
    role: String,
}

/// `POST /admin/users/{id}`: deactivate, activate, or reset the password (shown once).
pub(crate) async fn user_action(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<UserActionForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        // Refused before the account is looked up: nobody else learns which ids exist.
        if !matches!(
            session.user.role().duty(),
            Some(Duty::Accounts | Duty::Security)
        ) {
            return Err(WebError::Forbidden);
        }
        let user_id = id(&raw)?;
        let target = s.store.user(user_id).await?.ok_or(WebError::NotFound)?;
        // Each action is one administrator's, and only on the appraisal's accounts: an
        // administrator's account cannot be reset, deactivated or re-roled from here.
        let duty = match form.action.as_str() {
            "role" | "unlock" => Duty::Security,
            _ => Duty::Accounts,
        };
        session.require_duty(duty)?;
        if !target.role().is_business() {
            return Err(WebError::Refused(
                t.get("admin.error.system_account").to_string(),
            ));
        }
        let by = session.user.actor();
        let notice = match form.action.as_str() {
            "role" => {
                let role = Role::parse(&form.role)
                    .filter(|r| r.is_business())
                    .ok_or_else(|| WebError::BadRequest(t.get("admin.error.role").to_string()))?;
                s.store.set_user_role(&by, user_id, role).await?;
                Some(t.fill(
                    "admin.role_set",
                    &[
                        ("name", &target.username),
                        ("role", t.get(&format!("role.{}", role.code()))),
                    ],
                ))
            }
            "unlock" => {
                s.store.unlock_user(&by, user_id).await?;
                Some(t.fill("admin.unlocked", &[("name", &target.username)]))
            }
            "deactivate" if user_id == session.user.id => {
                // The office's page again, saying why: the list is where the next step is.
                let problem = Some(t.get("admin.error.self").to_string());
                let Html(page) =
                    admin_page_with(&s, locale, &uri, &session, None, problem, Typed::default())
                        .await
                        .map_err(|LocalizedError(_, e)| e)?;
                return Ok(
                    (axum::http::StatusCode::UNPROCESSABLE_ENTITY, Html(page)).into_response()
                );
            }
            "deactivate" => {
                s.store.set_user_active(&by, user_id, false).await?;
                None
            }
            "activate" => {
                s.store.set_user_active(&by, user_id, true).await?;
                None
            }
            "reset" => {
                let password = auth::new_password()?;
                let hash = auth::hash_password(password.clone()).await?;
                s.store
                    .set_password_hash(&by, user_id, &hash, &jixiao_store::PasswordChange::Reset)
                    .await?;
                Some(t.fill("admin.reset", &[("password", &password)]))
            }
            other => return Err(WebError::BadRequest(other.to_string())),
        };
        match notice {
            Some(n) => admin_page(&s, locale, &uri, &session, Some(n))
                .await
                .map(|Html(h)| Html(h).into_response())
                .map_err(|LocalizedError(_, e)| e),
            None => Ok(Redirect::to("/admin").into_response()),
        }
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}
