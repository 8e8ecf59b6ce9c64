-- The sum of the unit summaries (0010) over all of a scheme's units per period: the figures of
-- the scheme's dashboard. Valid while the scheme's version — the sum of all its marks, which
-- grows with every write that can move a score — is the one it was computed at; a cache like
-- unit_summaries, never a source. The twin is ../postgres/0011_scheme_summaries.sql.
CREATE TABLE scheme_summaries (
    scheme_id   INTEGER NOT NULL REFERENCES schemes(id) ON DELETE CASCADE,
    period_code TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    -- JSON of jixiao_web::scores::PeriodSummary
    body        TEXT    NOT NULL,
    PRIMARY KEY (scheme_id, period_code)
);
