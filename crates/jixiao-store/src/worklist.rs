//! What people have to do and who has done it: to-do lists, the completeness of a period, and
//! search over tasks and progress, always within the units a user reaches.

use sqlx::FromRow;

use crate::{Store, StoreError};

/// A task a reporter still has to fill, finish or correct.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ReporterTodo {
    /// Task id.
    pub task_id: i64,
    /// Task name.
    pub task: String,
    /// The unit.
    pub unit: String,
    /// The scheme.
    pub scheme: String,
    /// The period's code.
    pub period: String,
    /// The period's deadline, if set.
    pub deadline: Option<String>,
    /// None when nothing was written; else draft / returned.
    pub state: Option<String>,
    /// Why it was returned.
    pub return_reason: Option<String>,
}

/// The most a to-do list counts exactly; beyond it a page says "more than".
pub const COUNT_CAP: i64 = 10_000;

/// Which submitted reports a review list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewFilter {
    /// Words in the unit's or the task's name.
    pub q: Option<String>,
    /// `any` finding, or one finding's code.
    pub flag: Option<String>,
}

/// Which of a reporter's to-dos a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TodoFilter {
    /// Words in the unit's or the task's name.
    pub q: Option<String>,
    /// Only this kind.
    pub state: Option<TodoState>,
}

/// A to-do's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TodoState {
    /// Nothing written yet.
    Empty,
    /// A draft not submitted.
    Draft,
    /// Returned, to correct.
    Returned,
}

impl TodoState {
    /// The state a query parameter names.
    pub fn parse(s: &str) -> Option<TodoState> {
        match s {
            "empty" => Some(TodoState::Empty),
            "draft" => Some(TodoState::Draft),
            "returned" => Some(TodoState::Returned),
            _ => None,
        }
    }
}

/// The order of a to-do list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TodoSort {
    /// Earliest deadline first (the default).
    #[default]
    Deadline,
    /// By unit name.
    Unit,
}

/// A submitted report waiting for a reviewer.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct ReviewTodo {
    /// Task id.
    pub task_id: i64,
    /// Task name.
    pub task: String,
    /// The unit.
    pub unit: String,
    /// The scheme.
    pub scheme: String,
    /// The period's code.
    pub period: String,
    /// When it was submitted.
    pub submitted_at: Option<String>,
    /// The report.
    pub report_id: i64,
    /// The task's unit.
    pub unit_id: i64,
    /// The task's 考核主体, if it names one.
    pub reviewing_unit_id: Option<i64>,
    /// Review steps its submission has passed.
    pub review_step: i64,
    /// The scheme's review steps (stored code).
    pub review_chain: String,
    /// The checks' findings (codes, comma-separated; '' for none).
    pub flags: String,
    /// The report's version, for deciding it from the list.
    pub version: i64,
}

/// How far one unit is with a period.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Completeness {
    /// Unit id.
    pub unit_id: i64,
    /// Unit name.
    pub unit: String,
    /// Its tasks.
    pub tasks: i64,
    /// Submitted or approved.
    pub reported: i64,
    /// Approved.
    pub approved: i64,
    /// Returned and not yet resubmitted.
    pub returned: i64,
    /// Drafts not submitted.
    pub drafts: i64,
    /// Nothing written.
    pub missing: i64,
    /// Submitted after the period's deadline.
    pub late: i64,
}

/// A task that lags behind the calendar (预警).
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Lagging {
    /// Task id.
    pub task_id: i64,
    /// Task name.
    pub task: String,
    /// The responsible unit.
    pub unit_id: i64,
    /// Its name.
    pub unit: String,
    /// lagging / seriously_lagging.
    pub status: String,
    /// The completion that counts (verified, else read).
    pub completion: Option<f64>,
}

/// A search hit.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct SearchHit {
    /// Task id.
    pub task_id: i64,
    /// Task name.
    pub task: String,
    /// 年度目标.
    pub target: String,
    /// The unit.
    pub unit: String,
    /// The scheme.
    pub scheme: String,
}

/// `$from, $from+1, …` placeholders for `n` values.
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What 预警 keeps of the lagging tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LagFilter {
    /// Words of the unit's, the task's or its indicator's name.
    pub words: Option<String>,
    /// Only 严重滞后.
    pub serious_only: bool,
    /// By unit (then the table's order) rather than the most serious first.
    pub by_unit: bool,
}

/// A SQL `LIKE` pattern matching `term` anywhere, with `%`, `_` and `\` escaped.
pub fn like_pattern(term: &str) -> String {
    let mut p = String::with_capacity(term.len() + 2);
    p.push('%');
    for c in term.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// `AND t.unit_id IN ($from, …)` for a list of units, nothing for every unit (the office: no
/// list of 20,000 ids, which SQLite's 32,766 parameters could not hold); `None` when the list
/// is empty and the answer is nothing.
pub(crate) fn unit_clause(units: Option<&[i64]>, column: &str, from: usize) -> Option<String> {
    match units {
        Some([]) => None,
        Some(list) => Some(format!(
            "AND {column} IN ({})",
            placeholders(from, list.len())
        )),
        None => Some(String::new()),
    }
}

impl Store {
    /// Tasks of these units still to fill, finish or correct, in each active scheme's latest
    /// period, that match `filter`: one page of them (`limit` from `offset`) in `sort` order,
    /// and how many there are, counted up to [`COUNT_CAP`] + 1 (more is "more than the cap":
    /// an exact count of a province's 240,000 open tasks costs a second on every page). A
    /// task's deadline is its approved extension's end when that is later than the period's.
    pub async fn reporter_todo(
        &self,
        units: Option<&[i64]>,
        filter: &TodoFilter,
        sort: TodoSort,
        (limit, offset): (i64, i64),
    ) -> Result<(Vec<ReporterTodo>, i64), StoreError> {
        let Some(in_units) = unit_clause(units, "t.unit_id", 1) else {
            return Ok((Vec::new(), 0));
        };
        // The latest period of each active scheme, read once: joined per task, its MAX was
        // computed 400,000 × 12 times.
        let latest: Vec<i64> = sqlx::query_scalar(
            "SELECT p.id FROM periods p JOIN schemes s ON s.id = p.scheme_id \
             WHERE s.state = 'active' \
               AND p.ends_on = (SELECT MAX(p2.ends_on) FROM periods p2 WHERE p2.scheme_id = s.id)",
        )
        .fetch_all(self.pool())
        .await?;
        if latest.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let latest = latest
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let n = units.map_or(0, <[i64]>::len);
        let mut cond = String::new();
        let mut texts: Vec<String> = Vec::new();
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            texts.push(like_pattern(q));
            let at = n + texts.len();
            cond.push_str(&format!(
                " AND (LOWER(u.name) LIKE ${at} ESCAPE '\\' OR LOWER(t.name) LIKE ${at} ESCAPE '\\')"
            ));
        }
        match filter.state {
            Some(TodoState::Empty) => cond.push_str(" AND r.id IS NULL"),
            Some(TodoState::Draft) => cond.push_str(" AND r.state = 'draft'"),
            Some(TodoState::Returned) => cond.push_str(" AND r.state = 'returned'"),
            None => {}
        }
        // `latest` are ids this function just read: numbers, not input.
        let from = format!(
            "FROM tasks t \
             JOIN periods p ON p.scheme_id = t.scheme_id AND p.id IN ({latest}) \
             JOIN schemes s ON s.id = t.scheme_id \
             JOIN units u ON u.id = t.unit_id \
             LEFT JOIN progress_reports r ON r.task_id = t.id AND r.period_id = p.id \
             WHERE (r.id IS NULL OR r.state IN ('draft', 'returned')) {in_units}{cond}"
        );
        let order = match sort {
            TodoSort::Deadline => {
                "COALESCE(p.deadline, '9999'), t.scheme_id, t.unit_id, t.position"
            }
            TodoSort::Unit => "u.name, t.scheme_id, t.position",
        };
        let count_sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 AS one {from} LIMIT {}) capped",
            COUNT_CAP + 1
        );
        let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql));
        for u in units.unwrap_or_default() {
            count = count.bind(*u);
        }
        for t in &texts {
            count = count.bind(t.clone());
        }
        let total: i64 = count.fetch_one(self.pool()).await?;
        let at = n + texts.len();
        let sql = format!(
            "SELECT t.id AS task_id, t.name AS task, u.name AS unit, s.title AS scheme, \
             p.code AS period, \
             COALESCE((SELECT MAX(e.until) FROM extensions e \
                        WHERE e.task_id = t.id AND e.period_id = p.id \
                          AND e.state = 'approved' AND e.until > p.deadline), \
                      p.deadline) AS deadline, \
             r.state, r.return_reason \
             {from} ORDER BY {order} LIMIT ${} OFFSET ${}",
            at + 1,
            at + 2
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for u in units.unwrap_or_default() {
            q = q.bind(*u);
        }
        for t in &texts {
            q = q.bind(t.clone());
        }
        let rows = q.bind(limit).bind(offset).fetch_all(self.pool()).await?;
        Ok((rows, total))
    }

    /// Every submitted report matching `filter` — for someone who decides every step (the
    /// office) — one page in `sort` order, and how many, counted up to [`COUNT_CAP`] + 1.
    pub async fn review_todo_page(
        &self,
        filter: &ReviewFilter,
        sort: TodoSort,
        (limit, offset): (i64, i64),
    ) -> Result<(Vec<ReviewTodo>, i64), StoreError> {
        let mut cond = String::new();
        let mut texts: Vec<String> = Vec::new();
        if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            texts.push(like_pattern(q));
            let at = texts.len();
            cond.push_str(&format!(
                " AND (LOWER(u.name) LIKE ${at} ESCAPE '\\' OR LOWER(t.name) LIKE ${at} ESCAPE '\\')"
            ));
        }
        match filter.flag.as_deref() {
            None => {}
            Some("any") => cond.push_str(" AND r.flags <> ''"),
            Some(code) => {
                // Codes are comma-separated: match the whole code.
                texts.push(format!(",{code},"));
                let at = texts.len();
                cond.push_str(&format!(
                    " AND (',' || r.flags || ',') LIKE '%' || ${at} || '%'"
                ));
            }
        }
        let from = format!(
            "FROM progress_reports r \
             JOIN tasks t ON t.id = r.task_id \
             JOIN schemes s ON s.id = t.scheme_id \
             JOIN units u ON u.id = t.unit_id \
             JOIN periods p ON p.id = r.period_id \
             WHERE r.state = 'submitted'{cond}"
        );
        let order = match sort {
            TodoSort::Deadline => "r.submitted_at, r.id",
            TodoSort::Unit => "u.name, r.submitted_at, r.id",
        };
        let count_sql = format!(
            "SELECT COUNT(*) FROM (SELECT 1 AS one {from} LIMIT {}) capped",
            COUNT_CAP + 1
        );
        let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql));
        for t in &texts {
            count = count.bind(t.clone());
        }
        let total: i64 = count.fetch_one(self.pool()).await?;
        let sql = format!(
            "SELECT t.id AS task_id, t.name AS task, u.name AS unit, s.title AS scheme, \
             p.code AS period, r.submitted_at, r.id AS report_id, t.unit_id, \
             t.reviewing_unit_id, r.review_step, s.review_chain, r.flags, r.version \
             {from} ORDER BY {order} LIMIT ${} OFFSET ${}",
            texts.len() + 1,
            texts.len() + 2
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for t in &texts {
            q = q.bind(t.clone());
        }
        let rows = q.bind(limit).bind(offset).fetch_all(self.pool()).await?;
        Ok((rows, total))
    }

    /// Submitted reports of tasks whose unit, or whose 考核主体, is one of `units`, oldest
    /// submission first. Which of them a person may decide now is the caller's question (the
    /// step each waits for is in the row).
    pub async fn review_todo(&self, units: Option<&[i64]>) -> Result<Vec<ReviewTodo>, StoreError> {
        let in_units = match units {
            Some([]) => return Ok(Vec::new()),
            // One list, bound once and named twice (SQLite's parameter limit).
            Some(list) => {
                let list = placeholders(1, list.len());
                format!("AND (t.unit_id IN ({list}) OR t.reviewing_unit_id IN ({list}))")
            }
            None => String::new(),
        };
        let sql = format!(
            "SELECT t.id AS task_id, t.name AS task, u.name AS unit, s.title AS scheme, \
             p.code AS period, r.submitted_at, r.id AS report_id, t.unit_id, \
             t.reviewing_unit_id, r.review_step, s.review_chain, r.flags, r.version \
             FROM progress_reports r \
             JOIN tasks t ON t.id = r.task_id \
             JOIN schemes s ON s.id = t.scheme_id \
             JOIN units u ON u.id = t.unit_id \
             JOIN periods p ON p.id = r.period_id \
             WHERE r.state = 'submitted' {in_units} \
             ORDER BY r.submitted_at, r.id"
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for u in units.unwrap_or_default() {
            q = q.bind(*u);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Per assessed unit of the scheme (among `units`), how far it is with the period.
    pub async fn completeness(
        &self,
        scheme_id: i64,
        period_id: i64,
        units: Option<&[i64]>,
    ) -> Result<Vec<Completeness>, StoreError> {
        let Some(in_units) = unit_clause(units, "t.unit_id", 3) else {
            return Ok(Vec::new());
        };
        // Counted per unit over the tasks first, names joined after: the grouping then holds
        // ids only (a third faster on a 20,000-unit province than grouping by id and name).
        let sql = format!(
            "SELECT u.id AS unit_id, u.name AS unit, g.tasks, g.reported, g.approved, \
             g.returned, g.drafts, g.missing, g.late FROM ( \
               SELECT t.unit_id, COUNT(*) AS tasks, \
               COALESCE(SUM(CASE WHEN r.state IN ('submitted', 'approved') THEN 1 ELSE 0 END), 0) \
                 AS reported, \
               COALESCE(SUM(CASE WHEN r.state = 'approved' THEN 1 ELSE 0 END), 0) AS approved, \
               COALESCE(SUM(CASE WHEN r.state = 'returned' THEN 1 ELSE 0 END), 0) AS returned, \
               COALESCE(SUM(CASE WHEN r.state = 'draft' THEN 1 ELSE 0 END), 0) AS drafts, \
               COALESCE(SUM(CASE WHEN r.id IS NULL THEN 1 ELSE 0 END), 0) AS missing, \
               COALESCE(SUM(CASE WHEN p.deadline IS NOT NULL AND r.submitted_at > p.deadline \
                 THEN 1 ELSE 0 END), 0) AS late \
               FROM tasks t JOIN periods p ON p.id = $2 \
               LEFT JOIN progress_reports r ON r.task_id = t.id AND r.period_id = p.id \
               WHERE t.scheme_id = $1 {in_units} GROUP BY t.unit_id) g \
             JOIN scheme_units su ON su.scheme_id = $1 AND su.unit_id = g.unit_id \
             JOIN units u ON u.id = g.unit_id ORDER BY u.name"
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(scheme_id)
            .bind(period_id);
        for u in units.unwrap_or_default() {
            q = q.bind(*u);
        }
        Ok(q.fetch_all(self.pool()).await?)
    }

    /// Tasks of these units that lag (进度滞后, 严重滞后) in a period, the most serious first:
    /// the `(limit, offset)` window of them (a province has tens of thousands), and how many
    /// there are.
    pub async fn lagging(
        &self,
        scheme_id: i64,
        period_id: i64,
        units: Option<&[i64]>,
        (limit, offset): (i64, i64),
        basis: jixiao_domain::Basis,
        filter: &LagFilter,
    ) -> Result<(Vec<Lagging>, i64), StoreError> {
        let Some(mut units_sql) = unit_clause(units, "t.unit_id", 3) else {
            return Ok((Vec::new(), 0));
        };
        let words = filter.words.as_deref().map(like_pattern);
        if words.is_some() {
            let at = 3 + units.map_or(0, <[i64]>::len);
            units_sql.push_str(&format!(
                " AND (LOWER(u.name) LIKE ${at} ESCAPE '\\' OR LOWER(t.name) LIKE ${at} ESCAPE '\\' \
                 OR EXISTS (SELECT 1 FROM indicators i WHERE i.id = t.indicator_id \
                            AND LOWER(i.name) LIKE ${at} ESCAPE '\\'))"
            ));
        }
        if filter.serious_only {
            units_sql.push_str(" AND r.status = 'seriously_lagging'");
        }
        // Only reports that count under the basis: a draft's figures warn nobody.
        let states = jixiao_domain::ReportState::ALL
            .into_iter()
            .filter(|s| basis.counts(*s))
            .map(|s| format!("'{}'", s.code()))
            .collect::<Vec<_>>()
            .join(", ");
        let from = format!(
            "FROM progress_reports r JOIN tasks t ON t.id = r.task_id \
             JOIN units u ON u.id = t.unit_id \
             WHERE t.scheme_id = $1 AND r.period_id = $2 \
               AND r.status IN ('lagging', 'seriously_lagging') \
               AND r.state IN ({states}) {units_sql}"
        );
        let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) {from}")))
            .bind(scheme_id)
            .bind(period_id);
        for u in units.unwrap_or_default() {
            count = count.bind(*u);
        }
        if let Some(w) = &words {
            count = count.bind(w.clone());
        }
        let total: i64 = count.fetch_one(self.pool()).await?;
        let sql = format!(
            "SELECT t.id AS task_id, t.name AS task, u.id AS unit_id, u.name AS unit, r.status, \
             COALESCE(r.verified_completion, r.completion) AS completion {from} \
             ORDER BY {order} LIMIT {limit} OFFSET {offset}",
            order = if filter.by_unit {
                "u.name, t.position, t.id"
            } else {
                "CASE r.status WHEN 'seriously_lagging' THEN 0 ELSE 1 END, \
                 COALESCE(r.verified_completion, r.completion), u.name, t.position, t.id"
            },
            limit = limit.max(0),
            offset = offset.max(0),
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(scheme_id)
            .bind(period_id);
        for u in units.unwrap_or_default() {
            q = q.bind(*u);
        }
        if let Some(w) = &words {
            q = q.bind(w.clone());
        }
        Ok((q.fetch_all(self.pool()).await?, total))
    }

    /// Tasks of these units whose name, target or any progress text contains every term.
    /// A substring match, so two-character words (就业, 营商) match as well as long ones.
    pub async fn search(
        &self,
        terms: &[String],
        units: Option<&[i64]>,
        limit: i64,
    ) -> Result<Vec<SearchHit>, StoreError> {
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let n_units = units.map_or(0, <[i64]>::len);
        let mut next = 1;
        let mut conditions = Vec::new();
        for _ in terms {
            conditions.push(format!(
                "(LOWER(t.name) LIKE ${next} ESCAPE '\\' OR LOWER(t.target) LIKE ${next} ESCAPE '\\' \
                 OR EXISTS (SELECT 1 FROM progress_reports r WHERE r.task_id = t.id \
                            AND LOWER(r.text) LIKE ${next} ESCAPE '\\'))"
            ));
            next += 1;
        }
        let sql = format!(
            "SELECT t.id AS task_id, t.name AS task, t.target, u.name AS unit, s.title AS scheme \
             FROM tasks t JOIN units u ON u.id = t.unit_id JOIN schemes s ON s.id = t.scheme_id \
             WHERE {} {} \
             ORDER BY s.year DESC, s.id, t.unit_id, t.position LIMIT ${}",
            conditions.join(" AND "),
            match unit_clause(units, "t.unit_id", next) {
                Some(clause) => clause,
                None => return Ok(Vec::new()),
            },
            next + n_units
        );
        let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
        for t in terms {
            q = q.bind(like_pattern(t));
        }
        for u in units.unwrap_or_default() {
            q = q.bind(*u);
        }
        Ok(q.bind(limit).fetch_all(self.pool()).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_pattern("就业"), "%就业%");
        assert_eq!(like_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
        assert_eq!(like_pattern("ABC"), "%abc%");
    }

    #[test]
    fn every_unit_needs_no_list_and_no_unit_needs_no_query() {
        assert_eq!(unit_clause(None, "t.unit_id", 3).as_deref(), Some(""));
        assert_eq!(unit_clause(Some(&[]), "t.unit_id", 3), None);
        assert_eq!(
            unit_clause(Some(&[7, 9]), "su.unit_id", 3).as_deref(),
            Some("AND su.unit_id IN ($3, $4)")
        );
    }

    #[test]
    fn placeholders_count_from_where_they_start() {
        assert_eq!(placeholders(3, 2), "$3, $4");
        assert_eq!(placeholders(1, 1), "$1");
    }
}
