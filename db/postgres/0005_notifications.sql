-- The reminder outbox: one row per (certificate, guardian, threshold), written by the scan and drained by the
-- dispatcher. The unique key makes a second scan, or a scan on another node, insert nothing.

CREATE TABLE notifications (
    id             uuid PRIMARY KEY,
    certificate_id uuid NOT NULL REFERENCES certificates (id),
    guardian_id    uuid NOT NULL REFERENCES guardians (id),
    threshold_days integer NOT NULL CHECK (threshold_days >= 0),
    status         text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts       integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at timestamptz NOT NULL,
    lease_until    timestamptz NULL,
    last_error     text NULL,
    created_at     timestamptz NOT NULL,
    sent_at        timestamptz NULL,
    UNIQUE (certificate_id, guardian_id, threshold_days),
    CHECK ((status = 'sending') = (lease_until IS NOT NULL)),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
CREATE INDEX ix_notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX ix_notifications_created ON notifications (created_at);
