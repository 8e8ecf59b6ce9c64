-- 预警 lists the lagging tasks of a period: with the status beside the period in the index, a
-- province's 75,000 lagging reports are found without reading its 385,000 others. The wider
-- index serves every query the old one did. The twin is ../sqlite/0014_lagging_by_period.sql.
DROP INDEX progress_by_period;
CREATE INDEX progress_by_period ON progress_reports (period_id, status);
