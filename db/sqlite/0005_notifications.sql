-- The reminder outbox: one row per (certificate, guardian, threshold), written by the scan and drained by the
-- dispatcher. The unique key makes a second scan, or a scan on another node, insert nothing.

CREATE TABLE notifications (
    id             TEXT PRIMARY KEY,
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    guardian_id    TEXT NOT NULL REFERENCES guardians (id),
    threshold_days INTEGER NOT NULL CHECK (threshold_days >= 0),
    status         TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts       INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at TEXT NOT NULL,
    lease_until    TEXT NULL,
    last_error     TEXT NULL,
    created_at     TEXT NOT NULL,
    sent_at        TEXT NULL,
    UNIQUE (certificate_id, guardian_id, threshold_days),
    CHECK ((status = 'sending') = (lease_until IS NOT NULL)),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX ix_notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX ix_notifications_created ON notifications (created_at);
