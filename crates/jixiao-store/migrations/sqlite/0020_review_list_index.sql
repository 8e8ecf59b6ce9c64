-- The review list (待办 › 待审核) pages submitted reports oldest first without sorting them all.
-- The twin is ../postgres/0020_review_list_index.sql: change both together.
CREATE INDEX progress_by_state_submitted ON progress_reports (state, submitted_at, id);
