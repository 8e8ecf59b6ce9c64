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
use jixiao_store::{NewUser, StoreError, UnitRecord, UserRecord};
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
    notice: Option<String>,
    /// The 系统管理员: accounts and units.
    accounts: bool,
}

async fn admin_page(
    s: &AppState,
    locale: Locale,
    uri: &OriginalUri,
    session: &Session,
    notice: Option<String>,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    let duty = session.user.role().duty();
    if !matches!(duty, Some(Duty::Accounts | Duty::Security)) {
        return Err(err(WebError::Forbidden));
    }
    let t = locale.catalog();
    let units = s.store.units().await.map_err(|e| err(e.into()))?;
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
            notice,
            accounts: duty == Some(Duty::Accounts),
        },
    )
}

pub(crate) async fn page(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
) -> PageResult {
    admin_page(&s, locale, &uri, &session, None).await
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

/// `POST /admin/units`: adds a unit (or moves an existing one) under a parent, with its type.
pub(crate) async fn add_unit(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Form(form): Form<UnitForm>,
) -> Response {
    let t = locale.catalog();
    let result = async {
        session.check_csrf(&form.csrf)?;
        session.require_duty(Duty::Accounts)?;
        let name = form.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(WebError::BadRequest(
                t.get("admin.error.unit_name").to_string(),
            ));
        }
        let parent = match form.parent.trim() {
            "" => None,
            p => Some(id(p)?),
        };
        let by = session.user.actor();
        let unit = s.store.ensure_unit(&by, name, parent).await?;
        if !form.kind.trim().is_empty() {
            s.store.set_unit_kind(&by, unit, form.kind.trim()).await?;
        }
        Ok(Redirect::to("/admin").into_response())
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
                return Err(WebError::BadRequest(t.get("admin.error.self").to_string()));
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
