//! View models: records shaped for the templates (rowspans, labels, formatted numbers).

use jixiao_domain::{Period, PeriodKind, Points, Status};
use jixiao_store::{IndicatorRecord, UnitTable};

use axum::extract::OriginalUri;

use crate::auth::Session;
use crate::i18n::{Catalog, Locale};

/// What every page's frame needs.
pub(crate) struct Frame {
    pub t: &'static Catalog,
    pub lang: &'static str,
    pub switch_href: String,
    /// The logged-in user's name, if any.
    pub user_name: Option<String>,
    /// Whether the user is the office (考核办: its forms and links show).
    pub is_admin: bool,
    /// The header's link to the user's administrative page, as (href, catalogue key): the
    /// office's import, the system and security administrators' accounts page, the auditor's
    /// log.
    pub admin_nav: Option<(&'static str, &'static str)>,
    /// The session's CSRF token (for the logout form in the header), empty when anonymous.
    pub csrf: String,
}

impl Frame {
    /// A frame whose language switch leads back to the start page.
    pub(crate) fn home(locale: Locale) -> Frame {
        Frame {
            t: locale.catalog(),
            lang: locale.tag(),
            switch_href: format!("/lang/{}?next=/", locale.other().tag()),
            user_name: None,
            is_admin: false,
            admin_nav: None,
            csrf: String::new(),
        }
    }

    /// A frame whose language switch comes back to this page.
    pub(crate) fn new(locale: Locale, uri: &OriginalUri, session: Option<&Session>) -> Frame {
        let here = uri.0.path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
        Frame {
            t: locale.catalog(),
            lang: locale.tag(),
            switch_href: format!("/lang/{}?next={}", locale.other().tag(), query_escape(here)),
            user_name: session.map(|s| s.user.display_name.clone()),
            is_admin: session.is_some_and(|s| s.user.role().may_administer()),
            admin_nav: session.and_then(|s| admin_nav(s.user.role())),
            csrf: session.map(|s| s.csrf.clone()).unwrap_or_default(),
        }
    }
}

/// A cell that spans several rows (一级/二级指标 merged down, as in the Word table).
#[derive(Debug, Clone, PartialEq)]
pub struct SpanCell {
    /// The text.
    pub text: String,
    /// Rows it spans.
    pub rowspan: usize,
}

/// One row of the progress table.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRowView {
    /// 一级指标 cell, on the first row of its run only.
    pub level1: Option<SpanCell>,
    /// 二级指标 cell, on the first row of its run only.
    pub level2: Option<SpanCell>,
    /// Task id, for the link.
    pub task_id: i64,
    /// 任务要点名称.
    pub task: String,
    /// 年度目标.
    pub target: String,
    /// 进度情况, if reported.
    pub progress: Option<String>,
    /// 分值权重, formatted.
    pub weight: String,
    /// Status code and label, when the report has one.
    pub status: Option<(String, String)>,
    /// Completion as a percentage, when numbers decide it.
    pub completion: Option<String>,
    /// The final score, or 待评; filled by the page.
    pub score: Option<String>,
    /// The report's workflow state (code, label), when reported; a state that does not count
    /// under the page's basis is marked.
    pub state: Option<(String, String)>,
}

/// A piece of a text, marked when the reader used it.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// The text.
    pub text: String,
    /// CSS class of the mark (`q-used`, `q-open`), none for plain text.
    pub mark: Option<&'static str>,
}

/// Splits `text` into plain and marked segments; overlapping or invalid spans are skipped.
pub fn segments(text: &str, spans: &[(std::ops::Range<usize>, &'static str)]) -> Vec<Segment> {
    let mut spans: Vec<_> = spans
        .iter()
        .filter(|(r, _)| r.start < r.end && text.get(r.clone()).is_some())
        .cloned()
        .collect();
    spans.sort_by_key(|(r, _)| (r.start, r.end));
    let mut out = Vec::new();
    let mut at = 0;
    for (r, class) in spans {
        if r.start < at {
            continue;
        }
        if r.start > at {
            out.push(Segment {
                text: text[at..r.start].to_string(),
                mark: None,
            });
        }
        out.push(Segment {
            text: text[r.clone()].to_string(),
            mark: Some(class),
        });
        at = r.end;
    }
    if at < text.len() {
        out.push(Segment {
            text: text[at..].to_string(),
            mark: None,
        });
    }
    out
}

/// A ratio as a percentage with one decimal: 0.1933 → "19.3%".
pub fn percent(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

/// A score (得分, 总分, 加减分) in the one format: two decimals ("675.00", "685.70").
pub fn score(v: f64) -> String {
    jixiao_domain::points::score_text(v)
}

/// A weight or an indicator's points, as the scheme writes them ("30", "2.5").
pub fn points(v: f64) -> String {
    Points::try_from(v)
        .map(|p| p.to_string())
        .unwrap_or_else(|_| format!("{v}"))
}

/// A status code as (code, label) in the catalogue's language.
pub fn status_label(code: &str, t: &Catalog) -> Option<(String, String)> {
    let status = Status::parse(code)?;
    let key = format!("status.{}", status.code());
    Some((status.code().to_string(), t.get(&key).to_string()))
}

/// A period's label in the catalogue's language.
pub fn period_label(code: &str, t: &Catalog) -> String {
    let Ok(p) = code.parse::<Period>() else {
        return code.to_string();
    };
    let year = p.year().to_string();
    match p.kind() {
        PeriodKind::Year => t.fill("period.year", &[("year", &year)]),
        PeriodKind::Quarter(n) => {
            t.fill("period.quarter", &[("year", &year), ("n", &n.to_string())])
        }
        PeriodKind::Month(n) => t.fill("period.month", &[("year", &year), ("n", &n.to_string())]),
    }
}

/// A list as an .xlsx download named `file_name` (ASCII): 待办, 完成情况, 预警 and the audit log
/// all export this way.
pub(crate) fn xlsx_download(
    table: &jixiao_office::export::ListTable,
    file_name: &str,
) -> Result<axum::response::Response, crate::WebError> {
    use axum::http::header;
    use axum::response::IntoResponse;
    let bytes = jixiao_office::export::list_to_xlsx(table)
        .map_err(|e| crate::WebError::Internal(e.to_string()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The header's administrative link for a role (三员分立: each administrator has one page).
fn admin_nav(role: jixiao_domain::Role) -> Option<(&'static str, &'static str)> {
    use jixiao_domain::{Duty, Role};
    match role.duty() {
        Some(Duty::Accounts | Duty::Security) => Some(("/admin", "nav.admin")),
        Some(Duty::Audit) => Some(("/admin/audit", "admin.audit")),
        None if role == Role::Admin => Some(("/admin/import", "upload.title")),
        None => None,
    }
}

/// Beijing time of a stored instant (RFC 3339), to the minute, as offices read it; empty for
/// none or a value that is no instant.
pub fn beijing_minute(at: Option<&str>) -> String {
    at.and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|d| jixiao_domain::deadline::local_minute(d.with_timezone(&chrono::Utc)))
        .unwrap_or_default()
}

/// The rows of a unit's table with 一级/二级 cells merged over consecutive tasks that share them.
pub fn table_rows(table: &UnitTable, t: &Catalog) -> Vec<TableRowView> {
    // (level-1 indicator, level-2 indicators joined) per task.
    let keys: Vec<(Option<&IndicatorRecord>, Vec<&IndicatorRecord>)> = table
        .tasks
        .iter()
        .map(|task| {
            let path = table.path_of(task.indicator_id);
            let mut it = path.into_iter();
            let first = it.next();
            (first, it.collect())
        })
        .collect();
    let id1 = |i: usize| keys[i].0.map(|r| r.id);
    let id2 = |i: usize| keys[i].1.iter().map(|r| r.id).collect::<Vec<_>>();

    let mut rows = Vec::with_capacity(table.tasks.len());
    for (i, task) in table.tasks.iter().enumerate() {
        let starts1 = i == 0 || id1(i) != id1(i - 1);
        let starts2 = starts1 || id2(i) != id2(i - 1);
        let run =
            |same: &dyn Fn(usize) -> bool| (i..table.tasks.len()).take_while(|&j| same(j)).count();
        let level1 = starts1.then(|| SpanCell {
            text: keys[i].0.map(|r| r.name.clone()).unwrap_or_default(),
            rowspan: run(&|j| id1(j) == id1(i)),
        });
        let level2 = starts2.then(|| SpanCell {
            text: keys[i]
                .1
                .iter()
                .map(|r| r.name.as_str())
                .collect::<Vec<_>>()
                .join(" / "),
            rowspan: run(&|j| id1(j) == id1(i) && id2(j) == id2(i)),
        });
        rows.push(TableRowView {
            level1,
            level2,
            task_id: task.id,
            task: task.name.clone(),
            target: task.target.clone(),
            progress: task.report.as_ref().map(|r| r.text.clone()),
            weight: points(task.weight),
            status: match &task.report {
                Some(r) => r.status.as_deref().and_then(|c| status_label(c, t)),
                None => status_label(Status::NotReported.code(), t),
            },
            score: None,
            state: task.report.as_ref().and_then(|r| {
                let state = r.report_state()?;
                Some((
                    state.code().to_string(),
                    t.get(&format!("report.state.{}", state.code())).to_string(),
                ))
            }),
            completion: task.report.as_ref().and_then(|r| {
                let c = percent(r.effective_completion()?);
                Some(if r.verified_completion.is_some() {
                    format!("{c}{}", t.get("verify.marker"))
                } else {
                    c
                })
            }),
        });
    }
    rows
}

/// Percent-encodes a value for a query string.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marked_segments_cover_the_text_once() {
        let text = "培训50余期，培训妇女2000余人";
        let a = text.find("50").unwrap()..text.find("，").unwrap();
        let b = text.find("2000").unwrap()..text.len();
        let overlapping = a.start + 2..a.end;
        let segs = segments(
            text,
            &[
                (b.clone(), "q-used"),
                (a.clone(), "q-used"),
                (overlapping, "x"),
            ],
        );
        let joined: String = segs.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(joined, text);
        let marked: Vec<_> = segs
            .iter()
            .filter(|s| s.mark.is_some())
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marked, ["50余期", "2000余人"]);
        assert_eq!(
            segments("abc", &[(2..9, "q-used")]).len(),
            1,
            "a span outside the text is skipped"
        );
    }

    #[test]
    fn query_values_are_escaped() {
        assert_eq!(query_escape("/a?b=1&c=中"), "/a%3Fb%3D1%26c%3D%E4%B8%AD");
    }

    #[test]
    fn points_are_formatted_like_the_office_writes_them() {
        assert_eq!(points(30.0), "30");
        assert_eq!(points(2.5), "2.5");
    }
}

/// The 口径 switch of a page that shows figures: the basis shown, a link to the other one
/// (the page's own query kept), and what the official figures leave out. Rendered by
/// `templates/basis.html`.
#[derive(Debug, Clone)]
pub struct BasisSwitch {
    /// Whether the provisional basis (含待审) is shown.
    pub provisional: bool,
    /// The same page under the other basis.
    pub other_href: String,
    /// What the figures shown are made of, and what they leave out.
    pub note: String,
    /// The page's path, for the period selector's form.
    pub path: String,
    /// The page's other parameters, kept when another period is picked.
    pub keep: Vec<(String, String)>,
    /// The scheme's periods (code, label) for the selector; empty when the page has its own.
    pub periods: Vec<(String, String)>,
    /// The period shown.
    pub period: String,
}

impl BasisSwitch {
    /// The switch of the page at `path` whose other query parameters are `query`.
    pub fn new(
        t: &Catalog,
        basis: jixiao_domain::Basis,
        path: &str,
        query: &[(&str, &str)],
        (awaiting, drafts): (usize, usize),
    ) -> BasisSwitch {
        use jixiao_domain::Basis;
        let other = match basis {
            Basis::Official => Basis::Provisional,
            Basis::Provisional => Basis::Official,
        };
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in query.iter().filter(|(_, v)| !v.is_empty()) {
            q.append_pair(k, v);
        }
        if other != Basis::default() {
            q.append_pair("basis", other.code());
        }
        let q = q.finish();
        let mut keep: Vec<(String, String)> = query
            .iter()
            .filter(|(k, v)| *k != "period" && !v.is_empty())
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if basis != Basis::default() {
            keep.push(("basis".into(), basis.code().into()));
        }
        BasisSwitch {
            path: path.to_string(),
            keep,
            periods: Vec::new(),
            period: query
                .iter()
                .find(|(k, _)| *k == "period")
                .map(|(_, v)| v.to_string())
                .unwrap_or_default(),
            provisional: basis == Basis::Provisional,
            other_href: if q.is_empty() {
                path.to_string()
            } else {
                format!("{path}?{q}")
            },
            note: match basis {
                Basis::Official => t.fill(
                    "basis.note.official",
                    &[("n", &awaiting.to_string()), ("d", &drafts.to_string())],
                ),
                Basis::Provisional => {
                    t.fill("basis.note.provisional", &[("n", &awaiting.to_string())])
                }
            },
        }
    }

    /// The same switch with a selector of the scheme's `periods` (the page shows the one in
    /// its `period` parameter).
    pub fn with_periods(mut self, periods: &[jixiao_store::PeriodRecord], t: &Catalog) -> Self {
        self.periods = periods
            .iter()
            .rev()
            .map(|p| (p.code.clone(), period_label(&p.code, t)))
            .collect();
        self
    }

    /// The `basis` query parameter that keeps this basis in a link ("" for the default).
    pub fn param(&self) -> &'static str {
        if self.provisional { "provisional" } else { "" }
    }
}

/// The basis a `?basis=` parameter asks for: the official one unless it names another.
pub fn basis_of(param: Option<&str>) -> jixiao_domain::Basis {
    param
        .and_then(jixiao_domain::Basis::parse)
        .unwrap_or_default()
}

/// A line of a score's explanation in the catalogue's language (`why.*`); the Chinese
/// messages say what [`jixiao_domain::explain::Why::zh`] says (tested).
pub fn why(t: &Catalog, w: &jixiao_domain::explain::Why) -> String {
    use jixiao_domain::explain::{Why, percent_text};
    use jixiao_domain::points::{score_text, weight_text};
    let sign = |v: f64| t.get(if v < 0.0 { "why.deduct" } else { "why.add" });
    let grade = |g: jixiao_domain::scoring::Grade| {
        use jixiao_domain::scoring::Grade;
        t.get(match g {
            Grade::Excellent => "why.grade.excellent",
            Grade::Good => "why.grade.good",
            Grade::Fair => "why.grade.fair",
            Grade::Poor => "why.grade.poor",
        })
    };
    match w {
        Why::NoCompletion => t.get("why.no_completion").to_string(),
        Why::Proportional {
            weight,
            completion,
            points,
        } => t.fill(
            "why.proportional",
            &[
                ("weight", &weight_text(*weight)),
                ("completion", &percent_text(*completion)),
                (
                    "over",
                    if *completion > 1.0 {
                        t.get("why.over_100")
                    } else {
                        ""
                    },
                ),
                ("points", &score_text(*points)),
            ],
        ),
        Why::AllOrNothingMet { completion, points } => t.fill(
            "why.all_met",
            &[
                ("completion", &percent_text(*completion)),
                ("points", &score_text(*points)),
            ],
        ),
        Why::AllOrNothingMissed { completion } => t.fill(
            "why.all_missed",
            &[
                ("completion", &percent_text(*completion)),
                ("points", &score_text(0.0)),
            ],
        ),
        Why::NotGraded => t.get("why.not_graded").to_string(),
        Why::Graded {
            grade: g,
            weight,
            percent,
            points,
        } => t.fill(
            "why.graded",
            &[
                ("grade", grade(*g)),
                ("weight", &weight_text(*weight)),
                ("percent", &percent.to_string()),
                ("points", &score_text(*points)),
            ],
        ),
        Why::NotScored => t.get("why.not_scored").to_string(),
        Why::Manual { points, weight } => t.fill(
            "why.manual",
            &[
                ("points", &score_text(*points)),
                ("weight", &weight_text(*weight)),
            ],
        ),
        Why::Overridden { points, reason } => t.fill(
            "why.overridden",
            &[("points", &score_text(*points)), ("reason", reason)],
        ),
        Why::By { scorer, lines } => t.fill(
            "why.by",
            &[
                ("who", t.get(&format!("why.who.{}", scorer.code()))),
                (
                    "lines",
                    &lines
                        .iter()
                        .map(|l| why(t, l))
                        .collect::<Vec<_>>()
                        .join(t.get("why.sep")),
                ),
            ],
        ),
        Why::FinalIsReviewer { points } => {
            t.fill("why.final_reviewer", &[("points", &score_text(*points))])
        }
        Why::FinalPending => t.get("why.final_pending").to_string(),
        Why::SumCapped { sum, cap } => t.fill(
            "why.sum_capped",
            &[("sum", &score_text(*sum)), ("cap", &weight_text(*cap))],
        ),
        Why::SumWithin { sum, cap } => t.fill(
            "why.sum_within",
            &[("sum", &score_text(*sum)), ("cap", &weight_text(*cap))],
        ),
        Why::Sum { sum } => t.fill("why.sum", &[("sum", &score_text(*sum))]),
        Why::PendingTasks { count } => {
            t.fill("why.pending_tasks", &[("count", &count.to_string())])
        }
        Why::AdjustmentItem { amount, reason } => t.fill(
            "why.adjustment",
            &[
                ("sign", sign(*amount)),
                ("points", &score_text(amount.abs())),
                ("reason", reason),
            ],
        ),
        Why::AdditionCapped { added, cap } => t.fill(
            "why.addition_capped",
            &[("sum", &score_text(*added)), ("cap", &weight_text(*cap))],
        ),
        Why::DeductionCapped { deducted, cap } => t.fill(
            "why.deduction_capped",
            &[("sum", &score_text(*deducted)), ("cap", &weight_text(*cap))],
        ),
        Why::RuleNet { rule, net } => t.fill(
            "why.rule_net",
            &[
                ("rule", rule),
                ("sign", sign(*net)),
                ("points", &score_text(net.abs())),
            ],
        ),
        Why::Level1 { sum, indicators } => t.fill(
            "why.level1",
            &[
                ("sum", &score_text(*sum)),
                (
                    "each",
                    &indicators
                        .iter()
                        .map(|(name, score)| {
                            t.fill(
                                "why.level1_each",
                                &[("name", name), ("points", &score_text(*score))],
                            )
                        })
                        .collect::<String>(),
                ),
            ],
        ),
        Why::Adjusted { net, subtotal } => t.fill(
            "why.adjusted",
            &[
                ("sign", sign(*net)),
                ("points", &score_text(net.abs())),
                ("subtotal", &score_text(*subtotal)),
            ],
        ),
        Why::VetoZero { item } => t.fill("why.veto_zero", &[("item", item)]),
        Why::VetoCap { item, cap } => t.fill(
            "why.veto_cap",
            &[("item", item), ("cap", &weight_text(*cap))],
        ),
        Why::VetoGrade { item, grade } => {
            t.fill("why.veto_grade", &[("item", item), ("grade", grade)])
        }
        Why::Total { total } => t.fill("why.total", &[("total", &score_text(*total))]),
        Why::RankVetoed => t.get("why.rank_vetoed").to_string(),
        Why::RankTied { with } => t.fill("why.rank_tied", &[("unit", with)]),
        Why::RankLowerCompletion { with, completion } => t.fill(
            "why.rank_lower",
            &[
                ("unit", with),
                (
                    "completion",
                    &completion.map_or_else(|| t.get("why.none").to_string(), percent_text),
                ),
            ],
        ),
    }
}

/// Every line of an explanation in the catalogue's language.
pub fn whys(t: &Catalog, lines: &[jixiao_domain::explain::Line]) -> Vec<String> {
    lines.iter().map(|l| why(t, l.why())).collect()
}

#[cfg(test)]
mod why_tests {
    use jixiao_domain::explain::{Scorer, Why};
    use jixiao_domain::scoring::Grade;

    /// One of each line, with figures that need rounding and trimming.
    fn every_line() -> Vec<Why> {
        let s = |v: &str| v.to_string();
        vec![
            Why::NoCompletion,
            Why::Proportional {
                weight: 8.0,
                completion: 0.6,
                points: 4.8,
            },
            Why::Proportional {
                weight: 2.5,
                completion: 1.2345,
                points: 2.5,
            },
            Why::AllOrNothingMet {
                completion: 1.0,
                points: 5.0,
            },
            Why::AllOrNothingMissed { completion: 0.9 },
            Why::NotGraded,
            Why::Graded {
                grade: Grade::Good,
                weight: 10.0,
                percent: 85,
                points: 8.5,
            },
            Why::NotScored,
            Why::Manual {
                points: 3.333,
                weight: 4.0,
            },
            Why::Overridden {
                points: 7.0,
                reason: s("佐证材料补交"),
            },
            Why::By {
                scorer: Scorer::Reviewer,
                lines: vec![Why::NotGraded, Why::Total { total: 1.0 }],
            },
            Why::FinalIsReviewer { points: 675.0 },
            Why::FinalPending,
            Why::SumCapped {
                sum: 105.5,
                cap: 100.0,
            },
            Why::SumWithin {
                sum: 85.7,
                cap: 100.0,
            },
            Why::Sum { sum: 12.0 },
            Why::PendingTasks { count: 2 },
            Why::AdjustmentItem {
                amount: -1.5,
                reason: s("迟报"),
            },
            Why::AdditionCapped {
                added: 6.0,
                cap: 5.0,
            },
            Why::DeductionCapped {
                deducted: 12.0,
                cap: 10.0,
            },
            Why::RuleNet {
                rule: s("创新加分"),
                net: 2.0,
            },
            Why::Level1 {
                sum: 134.83,
                indicators: vec![(s("履职尽责"), 100.0), (s("党建"), 34.83)],
            },
            Why::Adjusted {
                net: -2.0,
                subtotal: 132.83,
            },
            Why::VetoZero {
                item: s("安全事故"),
            },
            Why::VetoCap {
                item: s("信访"),
                cap: 60.0,
            },
            Why::VetoGrade {
                item: s("廉政"),
                grade: s("不合格"),
            },
            Why::Total { total: 685.7 },
            Why::RankVetoed,
            Why::RankTied { with: s("甲") },
            Why::RankLowerCompletion {
                with: s("乙"),
                completion: Some(0.8),
            },
            Why::RankLowerCompletion {
                with: s("乙"),
                completion: None,
            },
        ]
    }

    #[test]
    fn the_chinese_catalogue_says_what_the_domain_says() {
        let zh = crate::i18n::Locale::Zh.catalog();
        for w in every_line() {
            assert_eq!(super::why(zh, &w), w.zh(), "{w:?}");
        }
    }

    #[test]
    fn english_explanations_have_no_chinese_of_their_own() {
        let en = crate::i18n::Locale::En.catalog();
        for w in every_line() {
            let line = super::why(en, &w);
            assert!(!line.contains("why."), "a missing key in {line}");
            // Only the names and reasons that came from documents stay Chinese.
            let own: String = line
                .replace("佐证材料补交", "")
                .replace("迟报", "")
                .replace("创新加分", "")
                .replace("履职尽责", "")
                .replace("党建", "")
                .replace("安全事故", "")
                .replace("信访", "")
                .replace("廉政", "")
                .replace("不合格", "")
                .replace("甲", "")
                .replace("乙", "");
            assert!(
                !own.chars()
                    .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c) || "：；（）「」".contains(c)),
                "{line}"
            );
        }
    }
}
