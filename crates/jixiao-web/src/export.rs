//! The document downloads: a unit's table and the ranking as files, in the basis asked for
//! (the documents themselves are made by `jixiao_app::export`).

use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jixiao_app::export::{Format, render, render_ranking, scored_document};
use jixiao_office::export::ExtraColumns;
use serde::Deserialize;

use crate::auth::Session;
use crate::error::LocalizedError;
use crate::i18n::Locale;
use crate::pages::id;
use crate::{AppState, WebError, views};

#[derive(Deserialize)]
pub(crate) struct ExportQuery {
    period: Option<String>,
    /// 口径: `provisional` for 含待审, else official.
    basis: Option<String>,
}

/// `GET /schemes/{id}/units/{unit}/export/{format}`: the unit's table as a download.
pub(crate) async fn download(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path((raw_scheme, raw_unit, raw_format)): Path<(String, String, String)>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let result = async {
        let (scheme_id, unit_id) = (id(&raw_scheme)?, id(&raw_unit)?);
        let format = Format::parse(&raw_format).ok_or(WebError::NotFound)?;
        if !session.reaches(unit_id) {
            return Err(WebError::NotFound);
        }
        let period = q.period.filter(|p| !p.is_empty());
        let table = s
            .store
            .unit_table(scheme_id, unit_id, period.as_deref())
            .await?
            .ok_or(WebError::NotFound)?;
        // The document carries only what counts under its basis (a draft is nobody's figure),
        // and its 得分 and total as the unit's page shows them.
        let basis = views::basis_of(q.basis.as_deref());
        let columns = ExtraColumns {
            completion: true,
            status: true,
            score: true,
        };
        let (table, doc) = scored_document(&s.store, table, basis, columns).await?;
        let bytes = tokio::task::spawn_blocking(move || render(&doc, format))
            .await
            .map_err(|e| WebError::Internal(format!("export task: {e}")))?
            .map_err(|e| WebError::Internal(format!("export: {e}")))?;
        let name = format!(
            "{}-{}.{}",
            table.unit.name,
            table.period.as_ref().map(|p| p.code.as_str()).unwrap_or(""),
            format.extension()
        );
        let mut resp = bytes.into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.media_type()),
        );
        if let Ok(v) = HeaderValue::from_str(&format!(
            "attachment; filename=\"table.{}\"; filename*=UTF-8''{}",
            format.extension(),
            views::query_escape(&name)
        )) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        Ok::<_, WebError>(resp)
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}

/// `GET /schemes/{id}/ranking/export/{format}`: the ranking table (xlsx, csv or html) of the
/// units the user reaches.
pub(crate) async fn ranking_download(
    State(s): State<AppState>,
    locale: Locale,
    session: Session,
    Path((raw_scheme, raw_format)): Path<(String, String)>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let result = async {
        let scheme_id = id(&raw_scheme)?;
        let format = Format::parse(&raw_format).ok_or(WebError::NotFound)?;
        let period = q.period.filter(|p| !p.is_empty());
        let reach = session.reach_list();
        let basis = views::basis_of(q.basis.as_deref());
        let table =
            crate::scores::ranking_table(&s.store, scheme_id, period.as_deref(), reach, basis)
                .await
                .map_err(WebError::from)?;
        if table.rows.is_empty() && !session.user.role().may_administer() {
            return Err(WebError::NotFound);
        }
        let bytes = render_ranking(&table, format)
            .map_err(|e| WebError::Internal(e.to_string()))?
            .ok_or(WebError::NotFound)?;
        let mut resp = bytes.into_response();
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.media_type()),
        );
        if let Ok(v) = HeaderValue::from_str(&format!(
            "attachment; filename=\"ranking.{}\"; filename*=UTF-8''{}",
            format.extension(),
            views::query_escape(&format!("排名.{}", format.extension()))
        )) {
            h.insert(header::CONTENT_DISPOSITION, v);
        }
        Ok::<_, WebError>(resp)
    }
    .await;
    result.unwrap_or_else(|e| LocalizedError(locale, e).into_response())
}
