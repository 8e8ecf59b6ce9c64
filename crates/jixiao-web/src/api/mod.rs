//! The JSON API at `/api/v1`, for the systems around jixiao (a statistics platform pulling
//! completion, a portal showing rankings, a script uploading tables), with the web app's
//! permissions: a record outside the caller's reach is 404, an action its role may not take
//! 403, a read-only token's write 403 `insufficient_scope`.
//!
//! The OpenAPI 3.1 document (`/api/v1/openapi.json`) is generated from the handlers: every
//! route is registered through `utoipa_axum::routes!`, so what is served and what is documented
//! are the same list. Errors are `application/problem+json` with a stable `code`
//! ([`problem::Problem`]).

pub mod extract;
pub mod problem;
mod read;
mod reports;
mod results;
mod transfer;

use axum::Json;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::{IntoParams, IntoResponses, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
pub use extract::{ApiLimiter, Scope, TOKEN_PREFIX};
use problem::{Problem, ProblemBody};

/// Errors any read may answer.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub(crate) enum ReadErrors {
    /// 请求格式错误 / malformed request (`invalid_request`).
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(ProblemBody),
    /// 未登录或令牌无效 / no or an invalid token (`unauthenticated`, `invalid_token`); with
    /// `WWW-Authenticate`.
    #[response(status = 401, content_type = "application/problem+json")]
    Unauthorized(ProblemBody),
    /// 角色无权、令牌只读或缺 CSRF / the role may not (`forbidden`), a read-only token writes
    /// (`insufficient_scope`), a session write lacks `X-CSRF-Token` (`csrf_required`), a write
    /// from another site (`cross_origin`).
    #[response(status = 403, content_type = "application/problem+json")]
    Forbidden(ProblemBody),
    /// 不存在或无权查看 / no such record, or not in reach (`not_found`).
    #[response(status = 404, content_type = "application/problem+json")]
    NotFound(ProblemBody),
    /// 请求过于频繁 / the token's budget is spent (`rate_limited`); see `Retry-After`.
    #[response(status = 429, content_type = "application/problem+json")]
    TooMany(ProblemBody),
}

/// Errors a write may answer besides the read errors.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub(crate) enum WriteErrors {
    /// 版本冲突或状态不允许 / stale version or wrong state (`version_conflict` with
    /// `current_version`, `wrong_state`, `locked`, `exists`, `duplicate`, `would_replace`).
    #[response(status = 409, content_type = "application/problem+json")]
    Conflict(ProblemBody),
    /// If-Match 与当前版本不符 / `If-Match` is not the current version (`precondition_failed`).
    #[response(status = 412, content_type = "application/problem+json")]
    PreconditionFailed(ProblemBody),
    /// 请求体过大 / the body is too large (`too_large`).
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(ProblemBody),
    /// 须为 JSON / the body must be JSON (`unsupported_media_type`).
    #[response(status = 415, content_type = "application/problem+json")]
    UnsupportedMediaType(ProblemBody),
    /// 内容不合要求 / the content is not acceptable (`validation_failed`, `import_failed`).
    #[response(status = 422, content_type = "application/problem+json")]
    Unprocessable(ProblemBody),
    /// 须给出版本 / a version is required (`version_required`).
    #[response(status = 428, content_type = "application/problem+json")]
    PreconditionRequired(ProblemBody),
}

/// Paging of a list: `page` from 1, `per_page` from 1 to 500 (default 50).
#[derive(Debug, Clone, Copy, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct Paging {
    /// 页码，从 1 开始 / page, from 1.
    #[param(minimum = 1, maximum = 1000000)]
    page: Option<i64>,
    /// 每页条数（1–500，默认 50）/ items per page (1–500, default 50).
    #[param(minimum = 1, maximum = 500)]
    per_page: Option<i64>,
}

impl Paging {
    /// (limit, offset, page, per_page), checked.
    fn window(self) -> Result<(i64, i64, i64, i64), Problem> {
        let page = self.page.unwrap_or(1);
        let per_page = self.per_page.unwrap_or(50);
        if !(1..=1_000_000).contains(&page) {
            return Err(Problem::bad_request("page 须在 1–1000000 之间"));
        }
        if !(1..=500).contains(&per_page) {
            return Err(Problem::bad_request("per_page 须在 1–500 之间"));
        }
        Ok((per_page, (page - 1) * per_page, page, per_page))
    }
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Page<T> {
    /// 本页条目 / the items.
    items: Vec<T>,
    /// 页码 / the page.
    page: i64,
    /// 每页条数 / items per page.
    per_page: i64,
    /// 总条数 / items in all pages.
    total: i64,
}

type ApiResult<T> = Result<Json<T>, Problem>;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut bearer = Http::new(HttpAuthScheme::Bearer);
        bearer.description = Some(
            "个人 API 令牌（在“我的账户”中创建，jx_ 开头）/ a personal API token (created under \
             My account, starting with jx_)"
                .into(),
        );
        components.add_security_scheme("token", SecurityScheme::Http(bearer));
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::SESSION_COOKIE,
                "浏览器会话；写入须带 X-CSRF-Token 请求头 / the browser session; writes need \
                 the X-CSRF-Token header",
            ))),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "jixiao API",
        version = "1",
        description = "绩效考核系统的 JSON 接口：方案、指标、任务、单位、填报周期、进度报告、得分、排名与导入。\
                       权限与网页相同：看不到的记录答 404，角色不允许的操作答 403。错误为 \
                       application/problem+json，带稳定的 code。\n\n\
                       The JSON API of jixiao: schemes, indicators, tasks, units, periods, progress \
                       reports, scores, rankings and imports, with the web app's permissions: a \
                       record out of reach answers 404, an action the role may not take 403. Errors \
                       are application/problem+json with a stable code."
    ),
    modifiers(&Security),
    security(("token" = []), ("session" = [])),
    tags(
        (name = "account", description = "调用者 / the caller"),
        (name = "schemes", description = "方案、指标、周期 / schemes, indicators, periods"),
        (name = "units", description = "单位 / units"),
        (name = "tasks", description = "任务要点 / tasks"),
        (name = "reports", description = "进度报告与审核 / progress reports and review"),
        (name = "results", description = "得分与排名 / scores and rankings"),
        (name = "imports", description = "导入进度表 / importing tables"),
    )
)]
struct ApiDoc;

/// The API's routes under `/api/v1`, and the OpenAPI document they make.
pub(crate) fn router() -> (axum::Router<AppState>, utoipa::openapi::OpenApi) {
    let api = OpenApiRouter::new()
        .routes(routes!(read::me))
        .routes(routes!(read::schemes))
        .routes(routes!(read::scheme))
        .routes(routes!(read::indicators))
        .routes(routes!(read::periods))
        .routes(routes!(read::units))
        .routes(routes!(read::unit))
        .routes(routes!(read::tasks))
        .routes(routes!(read::task))
        .routes(routes!(reports::list, reports::create))
        .routes(routes!(reports::get, reports::update))
        .routes(routes!(reports::submit))
        .routes(routes!(reports::review))
        .routes(routes!(results::scores))
        .routes(routes!(results::ranking))
        .routes(routes!(transfer::upload))
        .routes(routes!(transfer::preview))
        .routes(routes!(transfer::confirm));
    let (router, mut doc) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .nest("/api/v1", api)
        .split_for_parts();
    doc.info.version = env!("CARGO_PKG_VERSION").to_string();
    let served = doc.clone();
    let router = router
        .route(
            "/api/v1/openapi.json",
            axum::routing::get(move || {
                let doc = served.clone();
                async move { Json(doc) }
            }),
        )
        .route("/api/v1", axum::routing::any(route_not_found))
        .route("/api/v1/{*rest}", axum::routing::any(route_not_found))
        .layer(axum::middleware::from_fn(problem::localize));
    (router, doc)
}

/// The OpenAPI document (for tests and `jixiao` tooling).
pub fn openapi() -> utoipa::openapi::OpenApi {
    router().1
}

async fn route_not_found() -> Problem {
    Problem::new(StatusCode::NOT_FOUND, "route_not_found")
}
