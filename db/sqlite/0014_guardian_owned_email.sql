-- The guardian owns their address (issue 11): where the current address came from (the guardian on their page, or a
-- clinician on a certificate) and when it was set; a clinician's differing entry for an address the guardian set is kept
-- as a suggestion (which care unit, when) instead of replacing it; and a change of address is told to the old address
-- through the outbox (kind email-changed).
--
-- Existing addresses were all entered by clinicians. SQLite cannot add a table constraint, so the checks ride on the new
-- columns and hold one way (a source needs an address); the code keeps the other (an address has a source).
ALTER TABLE guardians ADD COLUMN email_source TEXT NULL
    CHECK (email_source IS NULL OR (email_source IN ('guardian', 'clinician') AND email IS NOT NULL));
ALTER TABLE guardians ADD COLUMN email_set_at TEXT NULL CHECK ((email_set_at IS NULL) = (email_source IS NULL));
ALTER TABLE guardians ADD COLUMN suggested_email TEXT NULL CHECK (length(suggested_email) BETWEEN 3 AND 254);
ALTER TABLE guardians ADD COLUMN suggested_at TEXT NULL CHECK ((suggested_at IS NULL) = (suggested_email IS NULL));
ALTER TABLE guardians ADD COLUMN suggested_by_care_unit TEXT NULL
    CHECK ((suggested_by_care_unit IS NULL) = (suggested_email IS NULL));
ALTER TABLE guardians ADD COLUMN suggested_by_care_unit_name TEXT NULL
    CHECK ((suggested_by_care_unit_name IS NULL) = (suggested_email IS NULL));

UPDATE guardians SET email_source = 'clinician', email_set_at = updated_at WHERE email IS NOT NULL;

-- The outbox gains a fourth kind: the notice to a guardian's old address, which the row keeps in recipient_email (the
-- guardian's row has the new one), with who changed it and the new address masked. SQLite cannot change a CHECK
-- constraint, so the outbox is rebuilt as 0013 did, keeping every row. No table refers to notifications.
CREATE TABLE notifications_new (
    id                 TEXT PRIMARY KEY,
    kind               TEXT NOT NULL DEFAULT 'reminder'
        CHECK (kind IN ('reminder', 'certificate-request', 'share-withdrawn', 'email-changed')),
    certificate_id     TEXT NULL REFERENCES certificates (id),
    guardian_id        TEXT NULL REFERENCES guardians (id),
    threshold_days     INTEGER NULL CHECK (threshold_days >= 0),
    request_id         TEXT NULL,
    recipient_position INTEGER NULL,
    share_consent_id   INTEGER NULL UNIQUE REFERENCES share_consents (id),
    recipient_email    TEXT NULL CHECK (length(recipient_email) BETWEEN 3 AND 254),
    changed_by         TEXT NULL CHECK (changed_by IN ('guardian', 'care')),
    new_email_masked   TEXT NULL CHECK (length(new_email_masked) BETWEEN 3 AND 254),
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
    CHECK (kind <> 'email-changed' OR (guardian_id IS NOT NULL AND recipient_email IS NOT NULL AND changed_by IS NOT NULL
        AND certificate_id IS NULL AND threshold_days IS NULL AND request_id IS NULL AND recipient_position IS NULL
        AND share_consent_id IS NULL)),
    CHECK (kind = 'share-withdrawn' OR share_consent_id IS NULL),
    CHECK (kind IN ('share-withdrawn', 'email-changed') OR recipient_email IS NULL),
    CHECK (kind = 'email-changed' OR (changed_by IS NULL AND new_email_masked IS NULL)),
    CHECK ((status = 'sending') = (lease_until IS NOT NULL)),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

INSERT INTO notifications_new (id, kind, certificate_id, guardian_id, threshold_days, request_id, recipient_position,
    share_consent_id, recipient_email, status, attempts, next_attempt_at, lease_until, last_error, created_at, sent_at)
SELECT id, kind, certificate_id, guardian_id, threshold_days, request_id, recipient_position,
    share_consent_id, recipient_email, status, attempts, next_attempt_at, lease_until, last_error, created_at, sent_at
FROM notifications;

DROP TABLE notifications;

ALTER TABLE notifications_new RENAME TO notifications;

CREATE INDEX ix_notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX ix_notifications_created ON notifications (created_at);
