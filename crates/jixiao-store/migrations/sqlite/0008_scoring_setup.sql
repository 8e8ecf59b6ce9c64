-- What the office sets up for scoring, and what it enters per unit: the grade table of the
-- graded rule, a rule per task (NULL: the default for whether the target has quantities), the
-- reviewer's points for the manual rule, an admin's override of a task's final score (with its
-- reason), the scheme's adjustment rules (加减分 with 最高计X分 / 扣完为止) and veto items
-- (一票否决 with their effect), and each unit's adjustments and vetoes.
-- The PostgreSQL twin is ../postgres/0008_scoring_setup.sql: change both together.
ALTER TABLE schemes ADD COLUMN grade_excellent INTEGER NOT NULL DEFAULT 100;
ALTER TABLE schemes ADD COLUMN grade_good      INTEGER NOT NULL DEFAULT 85;
ALTER TABLE schemes ADD COLUMN grade_fair      INTEGER NOT NULL DEFAULT 70;
ALTER TABLE schemes ADD COLUMN grade_poor      INTEGER NOT NULL DEFAULT 50;

-- proportional / all_or_nothing / graded / manual; NULL: the default
ALTER TABLE tasks ADD COLUMN rule TEXT;

-- the reviewer's points under the manual rule
ALTER TABLE progress_reports ADD COLUMN reviewer_points REAL;

CREATE TABLE score_overrides (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    task_id     INTEGER NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
    period_id   INTEGER NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    points      REAL    NOT NULL CHECK (points >= 0),
    reason      TEXT    NOT NULL,
    set_by      INTEGER REFERENCES users(id),
    set_at      TEXT    NOT NULL,
    UNIQUE (task_id, period_id)
);

CREATE TABLE adjustment_rules (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id     INTEGER NOT NULL REFERENCES schemes(id) ON DELETE CASCADE,
    name          TEXT    NOT NULL,
    -- 最高计X分; NULL: uncapped
    max_addition  REAL,
    -- 扣完为止: the base deductions cannot exceed; NULL: uncapped
    max_deduction REAL,
    position      INTEGER NOT NULL,
    UNIQUE (scheme_id, name)
);

CREATE TABLE veto_items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id   INTEGER NOT NULL REFERENCES schemes(id) ON DELETE CASCADE,
    name        TEXT    NOT NULL,
    -- zero: total 0; cap: total at most cap_points; grade: the result is grade
    effect      TEXT    NOT NULL CHECK (effect IN ('zero', 'cap', 'grade')),
    cap_points  REAL,
    grade       TEXT,
    position    INTEGER NOT NULL,
    UNIQUE (scheme_id, name)
);

-- Adjustments and vetoes belong to the scheme's year: they count in every period's figures.
CREATE TABLE unit_adjustments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id   INTEGER NOT NULL REFERENCES schemes(id) ON DELETE CASCADE,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    rule_id     INTEGER NOT NULL REFERENCES adjustment_rules(id) ON DELETE CASCADE,
    amount      REAL    NOT NULL,
    reason      TEXT    NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT    NOT NULL
);
CREATE INDEX unit_adjustments_by_unit ON unit_adjustments (scheme_id, unit_id);

CREATE TABLE unit_vetoes (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    scheme_id   INTEGER NOT NULL REFERENCES schemes(id) ON DELETE CASCADE,
    unit_id     INTEGER NOT NULL REFERENCES units(id),
    item_id     INTEGER NOT NULL REFERENCES veto_items(id) ON DELETE CASCADE,
    reason      TEXT    NOT NULL,
    created_by  INTEGER REFERENCES users(id),
    created_at  TEXT    NOT NULL
);
CREATE INDEX unit_vetoes_by_unit ON unit_vetoes (scheme_id, unit_id);
