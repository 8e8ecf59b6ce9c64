-- Checks on a saved report (校验规则) and the unit's explanation of them.
-- The twin is ../postgres/0019_report_checks.sql: change both together.

-- Completions above this are questioned (3.0 = 300 %).
ALTER TABLE schemes ADD COLUMN completion_bound REAL NOT NULL DEFAULT 3.0;
-- The findings when it was last saved: codes joined by commas (jixiao_domain::checks), '' for none.
ALTER TABLE progress_reports ADD COLUMN flags TEXT NOT NULL DEFAULT '';
-- 情况说明: the unit's explanation, required to submit a report with findings.
ALTER TABLE progress_reports ADD COLUMN note TEXT;
