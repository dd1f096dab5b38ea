-- Follow-ups: a clinician of the issuing care unit records that the planned follow-up of a certificate (followUpOn) was
-- done, on which date and with an optional note. A follow-up belongs to the certificate it was recorded on (a renewal
-- has a follow-up date of its own) and is never changed; done_on is checked against the certificate's issue date when
-- it is recorded.

CREATE TABLE certificate_follow_ups (
    id                 TEXT PRIMARY KEY,
    certificate_id     TEXT NOT NULL REFERENCES certificates (id),
    done_on            TEXT NOT NULL,
    note               TEXT NULL CHECK (length(note) BETWEEN 1 AND 2000),
    recorded_at        TEXT NOT NULL,
    recorded_by_hsa_id TEXT NOT NULL,
    recorded_by_name   TEXT NOT NULL
);
CREATE INDEX ix_certificate_follow_ups_certificate ON certificate_follow_ups (certificate_id, done_on);

CREATE TRIGGER certificate_follow_ups_no_update BEFORE UPDATE ON certificate_follow_ups
BEGIN
    SELECT RAISE(ABORT, 'certificate_follow_ups is append-only');
END;
