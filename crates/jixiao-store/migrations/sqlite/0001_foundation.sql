-- The foundation: units, schemes, their indicator trees, each unit's tasks, periods and the
-- progress reported per task and period. Timestamps are RFC 3339 text and flags are integers,
-- because sqlx's Any driver decodes neither DATETIME nor BOOLEAN (see ARCHITECTURE.md).
-- The PostgreSQL twin of this file is ../postgres/0001_foundation.sql: change both together.

CREATE TABLE units (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT    NOT NULL UNIQUE,
    parent_id   INTEGER REFERENCES units(id),
    -- 党群部门 / 政府部门 / 事业单位 …, for ranking within a type
    kind        TEXT    NOT NULL DEFAULT '',
    created_at  TEXT    NOT NULL
);

CREATE TABLE schemes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    -- the table title as the office writes it; one scheme per title
    title       TEXT    NOT NULL UNIQUE,
    year        INTEGER NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'active' CHECK (state IN ('draft', 'active', 'closed')),
    -- below time progress by at most this much still counts as 进度正常
    tolerance   REAL    NOT NULL DEFAULT 0.1,
    created_at  TEXT    NOT NULL
);

-- The units assessed in a scheme, with the 主管部门 line their table carries.
CREATE TABLE scheme_units (
    scheme_id   INTEGER NOT NULL REFERENCES schemes(id) ON DELETE CASCADE,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    department  TEXT    NOT NULL DEFAULT '',
    source      TEXT    NOT NULL DEFAULT '',
    imported_at TEXT    NOT NULL,
    PRIMARY KEY (scheme_id, unit_id)
);

-- Indicators are the scheme's, shared by all its units; level 1 carries points.
CREATE TABLE indicators (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id   INTEGER NOT NULL REFERENCES schemes(id) ON DELETE CASCADE,
    parent_id   INTEGER REFERENCES indicators(id) ON DELETE CASCADE,
    level       INTEGER NOT NULL CHECK (level >= 1),
    name        TEXT    NOT NULL,
    points      REAL,
    position    INTEGER NOT NULL
);
CREATE INDEX indicators_by_scheme ON indicators (scheme_id, position);

-- Task key points are each unit's own.
CREATE TABLE tasks (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id    INTEGER NOT NULL REFERENCES schemes(id) ON DELETE CASCADE,
    indicator_id INTEGER NOT NULL REFERENCES indicators(id) ON DELETE CASCADE,
    unit_id      INTEGER NOT NULL REFERENCES units(id),
    name         TEXT    NOT NULL,
    target       TEXT    NOT NULL,
    weight       REAL    NOT NULL CHECK (weight >= 0),
    position     INTEGER NOT NULL
);
CREATE INDEX tasks_by_unit ON tasks (scheme_id, unit_id, position);
CREATE INDEX tasks_by_indicator ON tasks (indicator_id);

CREATE TABLE periods (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id   INTEGER NOT NULL REFERENCES schemes(id) ON DELETE CASCADE,
    -- 2022, 2022Q3, 2022-09
    code        TEXT    NOT NULL,
    ends_on     TEXT    NOT NULL,
    deadline    TEXT,
    UNIQUE (scheme_id, code)
);

CREATE TABLE progress_reports (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id     INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    period_id   INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    text        TEXT    NOT NULL,
    state       TEXT    NOT NULL DEFAULT 'draft'
                CHECK (state IN ('draft', 'submitted', 'approved', 'returned')),
    -- the prose reader's result (JSON), kept beside the text it was read from
    reading     TEXT,
    completion  REAL,
    status      TEXT,
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT    NOT NULL,
    UNIQUE (task_id, period_id)
);
CREATE INDEX progress_by_period ON progress_reports (period_id);
