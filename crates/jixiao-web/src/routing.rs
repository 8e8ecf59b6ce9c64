//! Who reviews what (admins only): a scheme's review steps (审核流程) and each indicator's
//! 考核主体. The rules themselves are `jixiao_domain::review`; this module only edits them.
//!
//! A feature module with its own `router()`, merged into the app's in `pages::router`.

use askama::Template;
use axum::extract::{OriginalUri, Path, Query, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::{Form, Router};
use jixiao_domain::{ReviewChain, ReviewStep};
use jixiao_store::RouteTarget;
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::{Catalog, Locale};
use crate::pages::{PageResult, id, render};
use crate::views::Frame;
use crate::{AppState, WebError};

/// The routes of this feature.
pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/schemes/{id}/review-routing", get(page))
        .route("/schemes/{id}/review-chain", post(set_chain))
        .route(
            "/schemes/{id}/indicators/{indicator}/reviewing-unit",
            post(set_indicator_unit),
        )
        .route("/tasks/{id}/reviewing-unit", post(set_task_unit))
}

/// The chains an office chooses from: the usual county arrangements.
const CHAINS: [&str; 5] = [
    "owner",
    "supervisor,owner",
    "owner,office",
    "supervisor,office",
    "supervisor,owner,office",
];

/// A chain in the reader's language.
pub(crate) fn chain_label(chain: &ReviewChain, t: &Catalog) -> String {
    chain
        .steps()
        .iter()
        .map(|s| step_label(*s, t))
        .collect::<Vec<_>>()
        .join(" → ")
}

fn step_label(step: ReviewStep, t: &Catalog) -> &str {
    t.get(match step {
        ReviewStep::Supervisor => "review.step.supervisor",
        ReviewStep::Owner => "review.step.owner",
        ReviewStep::Office => "review.step.office",
    })
}

struct IndicatorRow {
    id: i64,
    indent: String,
    name: String,
    unit: String,
    tasks: i64,
}

#[derive(Template)]
#[template(path = "review_routing.html")]
struct RoutingPage {
    f: Frame,
    scheme_id: i64,
    title: String,
    chain: String,
    chains: Vec<(String, String)>,
    indicators: Vec<IndicatorRow>,
    notice: Option<String>,
}

#[derive(Deserialize)]
struct DoneQuery {
    done: Option<String>,
}

/// `GET /schemes/{id}/review-routing` (admin).
async fn page(
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
    let chain = scheme.review_chain().map_err(|e| err(e.into()))?;
    let routes = s
        .store
        .indicator_routes(scheme_id)
        .await
        .map_err(|e| err(e.into()))?;
    let notice = q
        .done
        .as_deref()
        .filter(|d| ["chain", "unit"].contains(d))
        .map(|d| t.get(&format!("routing.done.{d}")).to_string());
    render(
        locale,
        &RoutingPage {
            f: Frame::new(locale, &uri, Some(&session)),
            scheme_id,
            title: scheme.title.clone(),
            chain: chain.code(),
            chains: CHAINS
                .iter()
                .filter_map(|c| ReviewChain::try_from(*c).ok())
                .map(|c| (c.code(), chain_label(&c, t)))
                .collect(),
            indicators: routes
                .into_iter()
                .map(|r| IndicatorRow {
                    id: r.id,
                    indent: "　".repeat(usize::try_from(r.level - 1).unwrap_or(0)),
                    name: r.name,
                    unit: r.reviewing_unit.unwrap_or_default(),
                    tasks: r.tasks,
                })
                .collect(),
            notice,
        },
    )
}

#[derive(Deserialize)]
struct ChainForm {
    csrf: String,
    chain: String,
}

/// `POST /schemes/{id}/review-chain` (admin).
async fn set_chain(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<ChainForm>,
) -> Result<Redirect, LocalizedError> {
    let save = async {
        session.check_csrf(&form.csrf)?;
        let scheme = crate::pages::scheme_for_admin(&s, &session, &raw).await?;
        let chain = ReviewChain::try_from(form.chain.as_str())
            .map_err(|e| WebError::BadRequest(format!("审核流程：{e}")))?;
        s.store
            .set_review_chain(&session.user.actor(), scheme.id, &chain)
            .await?;
        Ok(done(scheme.id, "chain"))
    };
    save.await.map_err(|e| LocalizedError(locale, e))
}

/// Back to the routing page, saying what was saved.
fn done(scheme_id: i64, what: &str) -> Redirect {
    Redirect::to(&format!("/schemes/{scheme_id}/review-routing?done={what}"))
}

#[derive(Deserialize)]
struct UnitForm {
    csrf: String,
    /// The department's name as the unit list has it; empty clears.
    #[serde(default)]
    unit: String,
}

/// The unit a form names, `None` for an empty field; a name that is no unit is the field's
/// error, said with the name typed.
async fn named_unit(s: &AppState, raw: &str, t: &Catalog) -> Result<Option<i64>, WebError> {
    let name = raw.trim();
    if name.is_empty() {
        return Ok(None);
    }
    match s.store.unit_by_name(name).await? {
        Some(u) => Ok(Some(u.id)),
        None => Err(WebError::BadRequest(
            t.fill("routing.error.unit", &[("name", name)]),
        )),
    }
}

/// `POST /schemes/{id}/indicators/{indicator}/reviewing-unit` (admin): the indicator and
/// every task under it.
async fn set_indicator_unit(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path((raw, raw_indicator)): Path<(String, String)>,
    Form(form): Form<UnitForm>,
) -> Result<Redirect, LocalizedError> {
    let save = async {
        session.check_csrf(&form.csrf)?;
        let scheme = crate::pages::scheme_for_admin(&s, &session, &raw).await?;
        let target = RouteTarget::Indicator(id(&raw_indicator)?);
        let unit = named_unit(&s, &form.unit, locale.catalog()).await?;
        s.store
            .set_reviewing_unit(&session.user.actor(), scheme.id, target, unit)
            .await?;
        Ok(done(scheme.id, "unit"))
    };
    save.await.map_err(|e| LocalizedError(locale, e))
}

/// `POST /tasks/{id}/reviewing-unit` (admin): one task's 考核主体, different from its
/// indicator's.
async fn set_task_unit(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path(raw): Path<String>,
    Form(form): Form<UnitForm>,
) -> Result<Redirect, LocalizedError> {
    let save = async {
        session.check_csrf(&form.csrf)?;
        let d = crate::task_page::task_in_reach(&s, &session, id(&raw)?).await?;
        session.require_admin()?;
        let unit = named_unit(&s, &form.unit, locale.catalog()).await?;
        let target = RouteTarget::Task(d.task.id);
        s.store
            .set_reviewing_unit(&session.user.actor(), d.scheme.id, target, unit)
            .await?;
        Ok(Redirect::to(&format!("/tasks/{}?done=routed", d.task.id)))
    };
    save.await.map_err(|e| LocalizedError(locale, e))
}
