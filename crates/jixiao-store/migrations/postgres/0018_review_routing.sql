-- Review routed by indicator (考核主体) and chained review steps (初审 → 复审 → 审定).
-- The twin is ../sqlite/0018_review_routing.sql: change both together.

-- The functional department that reviews an indicator in every unit. Setting it on an
-- indicator sets it on the indicator's tasks (tasks.reviewing_unit_id is what decides).
ALTER TABLE indicators ADD COLUMN reviewing_unit_id BIGINT REFERENCES units(id);
ALTER TABLE tasks ADD COLUMN reviewing_unit_id BIGINT REFERENCES units(id);
CREATE INDEX tasks_by_reviewing_unit ON tasks (reviewing_unit_id);

-- The scheme's review steps, comma-separated codes (jixiao_domain::ReviewChain); 'owner' is
-- one step by the 考核主体, or the 主管部门 where the task names none.
ALTER TABLE schemes ADD COLUMN review_chain TEXT NOT NULL DEFAULT 'owner';

-- How many steps the current submission has passed; 0 after each submission.
ALTER TABLE progress_reports ADD COLUMN review_step BIGINT NOT NULL DEFAULT 0;

-- Every submission and every decision of every step, with who, when and why: the history a
-- reviewer reads and the sign-off the task shows. Append-only, like the audit log.
CREATE TABLE review_events (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id   BIGINT  NOT NULL REFERENCES progress_reports(id) ON DELETE CASCADE,
    event       TEXT    NOT NULL CHECK (event IN ('submitted', 'approved', 'returned')),
    -- the step decided (supervisor / owner / office); NULL for a submission
    step        TEXT,
    user_id     BIGINT REFERENCES users(id),
    actor       TEXT    NOT NULL,
    reason      TEXT,
    at          TEXT    NOT NULL
);
CREATE INDEX review_events_by_report ON review_events (report_id, id);
