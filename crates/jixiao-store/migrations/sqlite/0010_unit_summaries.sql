-- Each unit's scored summary per scheme and period, kept so that a province's ranking, scheme
-- page and dashboards read 20,000 small rows instead of scoring 400,000 tasks per request.
-- Nothing here is a source of truth: a summary is valid only while its stamp equals the sum
-- of the marks of its unit and of its scheme (unit_id 0), and every write that can change a
-- unit's scores raises one of those marks in its own transaction. Dropping both tables loses
-- nothing but time. The PostgreSQL twin is ../postgres/0010_unit_summaries.sql.
CREATE TABLE score_marks (
    scheme_id  INTEGER NOT NULL REFERENCES schemes(id) ON DELETE CASCADE,
    -- 0: the whole scheme (settings, rules, veto items, imports)
    unit_id    INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (scheme_id, unit_id)
);
CREATE TABLE unit_summaries (
    scheme_id   INTEGER NOT NULL REFERENCES schemes(id) ON DELETE CASCADE,
    period_code TEXT    NOT NULL,
    unit_id     INTEGER NOT NULL,
    stamp       INTEGER NOT NULL,
    -- JSON written and read by the web layer's scoring (jixiao_web::scores::UnitSummary)
    body        TEXT    NOT NULL,
    PRIMARY KEY (scheme_id, period_code, unit_id)
);
