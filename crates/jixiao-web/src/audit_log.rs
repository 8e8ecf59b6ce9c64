//! The audit log for the 审计管理员 (and nobody else, 三员分立): searched by action, person, dates and record, paged, and
//! exported as .xlsx (the export itself is a logged security event). Entries read in words —
//! each action's name in the page's language with its code beside it, Beijing time, the
//! record's data folded.

use askama::Template;
use axum::Router;
use axum::extract::{OriginalUri, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use jixiao_store::{AuditEntry, AuditFilter};
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::{Catalog, Locale};
use crate::pages::{PageResult, Pager, render};
use crate::views::{self, Frame};
use crate::{AppState, WebError};

/// The routes of this feature.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/audit", get(page))
        .route("/admin/audit/export", get(export))
}

/// Entries a page shows.
const PER_PAGE: usize = 100;
/// Entries an export holds at most.
const EXPORT_ROWS: i64 = 100_000;

/// Every action code the log holds, with its catalogue key (`audit.action.*`).
const AUDIT_ACTIONS: [&str; 50] = [
    "adjustment.add",
    "adjustment.delete",
    "adjustment_rule.add",
    "attachment.add",
    "audit.export",
    "attachment.delete",
    "bulk.load",
    "extension.approve",
    "extension.grant",
    "extension.refuse",
    "extension.request",
    "import",
    "login.failure",
    "login.success",
    "logout",
    "period.set",
    "reminder.send",
    "report.approve",
    "report.grade",
    "report.pass_step",
    "report.return",
    "report.save",
    "report.submit",
    "report.verify",
    "route.reviewing_unit",
    "scheme.copy",
    "scheme.reminder_schedule",
    "scheme.review_chain",
    "scheme.settings",
    "task.override",
    "task.rule",
    "token.create",
    "token.revoke",
    "unit.create",
    "unit.kind",
    "unit.move",
    "unit_type.add",
    "unit_type.remove",
    "unit_type.rename",
    "user.activate",
    "user.create",
    "user.deactivate",
    "user.email",
    "user.lock",
    "user.password",
    "user.role",
    "user.unlock",
    "veto.add",
    "veto.delete",
    "veto_item.add",
];

/// The search as the form sends it; every field optional.
#[derive(Debug, Default, Deserialize)]
struct AuditQuery {
    action: Option<String>,
    actor: Option<String>,
    /// A Beijing date, `YYYY-MM-DD`: from its start.
    from: Option<String>,
    /// A Beijing date: to its end.
    to: Option<String>,
    entity: Option<String>,
    entity_id: Option<String>,
    page: Option<String>,
}

impl AuditQuery {
    /// The store's filter; a date or id that is none is said with the field's name.
    fn filter(&self, t: &Catalog) -> Result<AuditFilter, WebError> {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
        };
        let date =
            |v: &Option<String>, field: &str| -> Result<Option<chrono::NaiveDate>, WebError> {
                match text(v) {
                    None => Ok(None),
                    Some(d) => chrono::NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                        .map(Some)
                        .map_err(|_| {
                            WebError::BadRequest(t.fill(
                                "audit.search.bad_date",
                                &[("field", t.get(field)), ("typed", &d)],
                            ))
                        }),
                }
            };
        let stamp = |d: chrono::DateTime<chrono::Utc>| {
            d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        let from = date(&self.from, "audit.search.from")?.map(|d| {
            // The first instant of the Beijing day: just after the end of the day before.
            stamp(
                jixiao_domain::deadline::end_of_day(d.pred_opt().unwrap_or(d))
                    + chrono::Duration::milliseconds(1),
            )
        });
        let to = date(&self.to, "audit.search.to")?
            .map(|d| stamp(jixiao_domain::deadline::end_of_day(d)));
        let entity_id = match text(&self.entity_id) {
            None => None,
            Some(raw) => Some(raw.parse::<i64>().map_err(|_| {
                WebError::BadRequest(t.fill("audit.search.bad_id", &[("typed", &raw)]))
            })?),
        };
        Ok(AuditFilter {
            action: text(&self.action),
            actor: text(&self.actor),
            from,
            to,
            entity: text(&self.entity),
            entity_id,
        })
    }

    /// The query string of this search, without the page.
    fn query(&self) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("action", &self.action),
            ("actor", &self.actor),
            ("from", &self.from),
            ("to", &self.to),
            ("entity", &self.entity),
            ("entity_id", &self.entity_id),
        ] {
            if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                q.append_pair(k, v);
            }
        }
        q.finish()
    }
}

/// An action's name in the page's language, or its code when it has none.
fn action_words(code: &str, t: &Catalog) -> String {
    if AUDIT_ACTIONS.contains(&code) {
        t.get(&format!("audit.action.{code}")).to_string()
    } else {
        code.to_string()
    }
}

/// One entry as the office reads it.
struct AuditRow {
    entry: AuditEntry,
    at: String,
    action: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    f: Frame,
    entries: Vec<AuditRow>,
    /// (code, name) of every action, for the select.
    actions: Vec<(&'static str, String)>,
    action: String,
    actor: String,
    from: String,
    to: String,
    entity: String,
    entity_id: String,
    /// 共 N 条, or 超过 N 条.
    count: String,
    export: String,
    pager: Pager,
    pager_label: String,
}

/// `GET /admin/audit`: the entries matching the search, newest first, 100 a page.
async fn page(
    State(s): State<AppState>,
    locale: Locale,
    uri: OriginalUri,
    session: Session,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let err = |e: WebError| LocalizedError(locale, e);
    session
        .require_duty(jixiao_domain::Duty::Audit)
        .map_err(err)?;
    let t = locale.catalog();
    let filter = q.filter(t).map_err(err)?;
    let asked = q
        .page
        .as_deref()
        .and_then(|p| p.parse::<usize>().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let offset = i64::try_from(asked.saturating_sub(1).saturating_mul(PER_PAGE)).unwrap_or(0);
    let (entries, total) = s
        .store
        .audit_search(&filter, (PER_PAGE as i64, offset))
        .await
        .map_err(|e| err(e.into()))?;
    let capped = total > jixiao_store::COUNT_CAP;
    let count = if capped {
        t.fill(
            "audit.search.more_than",
            &[("n", &jixiao_store::COUNT_CAP.to_string())],
        )
    } else {
        t.fill("audit.search.count", &[("n", &total.to_string())])
    };
    let query = q.query();
    let shown = usize::try_from(total.min(jixiao_store::COUNT_CAP)).unwrap_or(0);
    let pager = Pager::new(Some(&asked.to_string()), shown, PER_PAGE, query.clone());
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    render(
        locale,
        &AuditPage {
            f: Frame::new(locale, &uri, Some(&session)),
            entries: entries
                .into_iter()
                .map(|entry| AuditRow {
                    at: views::beijing_minute(Some(&entry.at)),
                    action: action_words(&entry.action, t),
                    entry,
                })
                .collect(),
            actions: AUDIT_ACTIONS
                .iter()
                .map(|code| (*code, action_words(code, t)))
                .collect(),
            action: text(&q.action),
            actor: text(&q.actor),
            from: text(&q.from),
            to: text(&q.to),
            entity: text(&q.entity),
            entity_id: text(&q.entity_id),
            count,
            export: if query.is_empty() {
                "/admin/audit/export".to_string()
            } else {
                format!("/admin/audit/export?{query}")
            },
            pager_label: pager.label(t),
            pager,
        },
    )
}

/// `GET /admin/audit/export`: the entries matching the search as .xlsx (at most 100,000, the
/// newest), with the export itself logged: who took which part of the log, from where.
async fn export(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    headers: HeaderMap,
    peer: Option<axum::Extension<axum::extract::ConnectInfo<std::net::SocketAddr>>>,
    Query(q): Query<AuditQuery>,
) -> Result<Response, LocalizedError> {
    let err = |e: WebError| LocalizedError(locale, e);
    session
        .require_duty(jixiao_domain::Duty::Audit)
        .map_err(err)?;
    let t = locale.catalog();
    let filter = q.filter(t).map_err(err)?;
    let (entries, _) = s
        .store
        .audit_search(&filter, (EXPORT_ROWS, 0))
        .await
        .map_err(|e| err(e.into()))?;
    let col = |k: &str| t.get(k).to_string();
    let table = jixiao_office::export::ListTable {
        title: t.get("admin.audit").to_string(),
        headers: vec![
            "#".to_string(),
            col("admin.audit.at"),
            col("admin.audit.actor"),
            col("admin.audit.action"),
            col("audit.search.code"),
            col("admin.audit.entity"),
            col("audit.search.before"),
            col("admin.audit.after"),
        ],
        rows: entries
            .iter()
            .map(|e| {
                vec![
                    e.id.to_string(),
                    views::beijing_minute(Some(&e.at)),
                    e.actor.clone(),
                    action_words(&e.action, t),
                    e.action.clone(),
                    match e.entity_id {
                        Some(id) => format!("{} {id}", e.entity),
                        None => e.entity.clone(),
                    },
                    e.before.clone().unwrap_or_default(),
                    e.after.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    };
    let download = views::xlsx_download(&table, "audit-log.xlsx").map_err(err)?;
    let source = peer
        .map(|axum::Extension(c)| {
            crate::auth::client_ip(c.0.ip(), &headers, &s.config.trusted_proxies)
        })
        .map(|ip| ip.to_string());
    s.store
        .record_security_event(
            Some(session.user.id),
            &session.user.actor().name,
            "audit.export",
            source.as_deref(),
            &format!("{} rows; {}", entries.len(), q.query()),
        )
        .await
        .map_err(|e| err(e.into()))?;
    Ok(download)
}
