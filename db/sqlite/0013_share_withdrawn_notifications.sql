-- When a guardian withdraws a unit's access to a certificate, the unit is told by e-mail if the unit directory has a
-- contact address for it. The outbox gains a third kind: a row points at the withdrawal's consent event (one e-mail per
-- event, so nothing is queued twice) and keeps the address as it was at the withdrawal.
--
-- SQLite cannot change a CHECK constraint, so the outbox is rebuilt as 0009 did, keeping every row. No table refers to
-- notifications, so the foreign keys can stay on.
CREATE TABLE notifications_new (
    id                 TEXT PRIMARY KEY,
    kind               TEXT NOT NULL DEFAULT 'reminder' CHECK (kind IN ('reminder', 'certificate-request', 'share-withdrawn')),
    certificate_id     TEXT NULL REFERENCES certificates (id),
    guardian_id        TEXT NULL REFERENCES guardians (id),
    threshold_days     INTEGER NULL CHECK (threshold_days >= 0),
    request_id         TEXT NULL,
    recipient_position INTEGER NULL,
    share_consent_id   INTEGER NULL UNIQUE REFERENCES share_consents (id),
    recipient_email    TEXT NULL CHECK (length(recipient_email) BETWEEN 3 AND 254),
    status             TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts           INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    next_attempt_at    TEXT NOT NULL,
    lease_until        TEXT NULL,
    last_error         TEXT NULL,
    created_at         TEXT NOT NULL,
    sent_at            TEXT NULL,
    UNIQUE (certificate_id, guardian_id, threshold_days),
    UNIQUE (request_id, recipient_position),
    FOREIGN KEY (request_id, recipient_position) REFERENCES certificate_request_recipients (request_id, position),
    CHECK (kind <> 'reminder' OR (certificate_id IS NOT NULL AND guardian_id IS NOT NULL AND threshold_days IS NOT NULL
        AND request_id IS NULL AND recipient_position IS NULL)),
    CHECK (kind <> 'certificate-request' OR (request_id IS NOT NULL AND recipient_position IS NOT NULL
        AND certificate_id IS NULL AND guardian_id IS NULL AND threshold_days IS NULL)),
    CHECK (kind <> 'share-withdrawn' OR (share_consent_id IS NOT NULL AND recipient_email IS NOT NULL
        AND certificate_id IS NULL AND guardian_id IS NULL AND threshold_days IS NULL
        AND request_id IS NULL AND recipient_position IS NULL)),
    CHECK (kind = 'share-withdrawn' OR (share_consent_id IS NULL AND recipient_email IS NULL)),
    CHECK ((status = 'sending') = (lease_until IS NOT NULL)),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

INSERT INTO notifications_new (id, kind, certificate_id, guardian_id, threshold_days, request_id, recipient_position, status,
    attempts, next_attempt_at, lease_until, last_error, created_at, sent_at)
SELECT id, kind, certificate_id, guardian_id, threshold_days, request_id, recipient_position, status,
    attempts, next_attempt_at, lease_until, last_error, created_at, sent_at
FROM notifications;

DROP TABLE notifications;

ALTER TABLE notifications_new RENAME TO notifications;

CREATE INDEX ix_notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX ix_notifications_created ON notifications (created_at);
