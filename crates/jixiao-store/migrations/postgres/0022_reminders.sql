-- 催报: reminders sent to units that have not reported, in the app and, where the server is
-- configured for it, by e-mail and to a group robot's webhook. A batch is one sending (by a
-- person from 完成情况 / 预警, or by the scheduler before a deadline); each unit reminded is a
-- row of `reminders` (what the unit's 待办 shows); each e-mail or webhook post is a delivery
-- that a background worker sends, retries and reports. The twin is ../sqlite/0022_reminders.sql.
ALTER TABLE users ADD COLUMN email TEXT;
-- Days before a period's deadline that units still missing reports are reminded; NULL: never.
ALTER TABLE schemes ADD COLUMN remind_days_before BIGINT;

CREATE TABLE reminder_batches (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    scheme_id     BIGINT  NOT NULL REFERENCES schemes(id) ON DELETE CASCADE,
    period_id     BIGINT  NOT NULL REFERENCES periods(id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL CHECK (kind IN ('missing', 'lagging', 'scheduled')),
    -- NULL: the scheduler
    sent_by       BIGINT  REFERENCES users(id),
    sent_by_name  TEXT    NOT NULL,
    sent_at       TEXT    NOT NULL,
    message       TEXT    NOT NULL,
    units         BIGINT  NOT NULL,
    -- a scheduled sending's key, so that several instances send it once
    dedupe        TEXT    UNIQUE
);
CREATE INDEX reminder_batches_scheme ON reminder_batches (scheme_id, id);

CREATE TABLE reminders (
    batch_id  BIGINT NOT NULL REFERENCES reminder_batches(id) ON DELETE CASCADE,
    unit_id   BIGINT NOT NULL REFERENCES units(id),
    PRIMARY KEY (batch_id, unit_id)
);
CREATE INDEX reminders_unit ON reminders (unit_id, batch_id);

CREATE TABLE reminder_deliveries (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id         BIGINT  NOT NULL REFERENCES reminder_batches(id) ON DELETE CASCADE,
    channel          TEXT    NOT NULL CHECK (channel IN ('email', 'webhook')),
    -- an e-mail address or the webhook's URL
    recipient        TEXT    NOT NULL,
    subject          TEXT    NOT NULL,
    body             TEXT    NOT NULL,
    state            TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    attempts         BIGINT  NOT NULL DEFAULT 0,
    last_error       TEXT,
    next_attempt_at  TEXT    NOT NULL,
    -- an instance sending it holds it until then (several instances share the queue)
    claimed_until    TEXT,
    delivered_at     TEXT
);
CREATE INDEX reminder_deliveries_due ON reminder_deliveries (state, next_attempt_at);
CREATE INDEX reminder_deliveries_batch ON reminder_deliveries (batch_id);
