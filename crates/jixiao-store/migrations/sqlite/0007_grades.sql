-- The reviewer's grade (优秀/良好/一般/较差) of a qualitative task, for the graded scoring rule.
-- The PostgreSQL twin is ../postgres/0007_grades.sql: change both together.
ALTER TABLE progress_reports ADD COLUMN grade TEXT;
