-- Certificate requests (begäran om egenvårdsintyg): a school unit asks for a certificate through the child's guardians.
-- At most one open request per school unit and child: the partial unique index decides between two schools' staff asking
-- at once. The registry e-mails the guardians through the outbox, which so far carried only reminders: it gains a kind,
-- and a request row points at the request's recipient it goes to (one per request and recipient).

CREATE TABLE certificate_requests (
    id               TEXT PRIMARY KEY,
    reference        TEXT NOT NULL UNIQUE CHECK (length(reference) = 11 AND reference GLOB 'BEG-[0-9A-Z][0-9A-Z][0-9A-Z][0-9A-Z]-[0-9A-Z][0-9A-Z]'),
    child_id         TEXT NOT NULL REFERENCES children (id),
    child_name       TEXT NOT NULL CHECK (length(child_name) BETWEEN 1 AND 200),
    school_unit      TEXT NOT NULL CHECK (length(school_unit) = 8),
    school_unit_name TEXT NULL CHECK (length(school_unit_name) BETWEEN 1 AND 200),
    message          TEXT NULL CHECK (length(message) BETWEEN 1 AND 500),
    status           TEXT NOT NULL CHECK (status IN ('open', 'withdrawn', 'fulfilled', 'expired')),
    created_at       TEXT NOT NULL,
    created_by_id    TEXT NOT NULL,
    created_by_name  TEXT NOT NULL,
    closed_at        TEXT NULL,
    closed_by        TEXT NULL,
    certificate_id   TEXT NULL REFERENCES certificates (id),
    CHECK ((status = 'open') = (closed_at IS NULL)),
    CHECK ((status = 'fulfilled') = (certificate_id IS NOT NULL))
);
CREATE UNIQUE INDEX ux_certificate_requests_open ON certificate_requests (school_unit, child_id) WHERE status = 'open';
CREATE INDEX ix_certificate_requests_child ON certificate_requests (child_id);
CREATE INDEX ix_certificate_requests_open_created ON certificate_requests (created_at) WHERE status = 'open';

CREATE TABLE certificate_request_measures (
    request_id TEXT NOT NULL REFERENCES certificate_requests (id),
    position   INTEGER NOT NULL CHECK (position >= 0),
    code       TEXT NOT NULL CHECK (code IN ('insulin', 'blood-glucose', 'adrenaline', 'inhaler', 'seizure-medication',
                   'oral-medication', 'tube-feeding', 'catheterisation', 'stoma-care', 'oxygen', 'other')),
    PRIMARY KEY (request_id, position),
    UNIQUE (request_id, code)
);

-- Whom the request was e-mailed to: the guardians the school named, or those the registry knew from the child's latest
-- certificate (guardian_id set). The school never reads these back.
CREATE TABLE certificate_request_recipients (
    request_id  TEXT NOT NULL REFERENCES certificate_requests (id),
    position    INTEGER NOT NULL CHECK (position BETWEEN 0 AND 1),
    name        TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email       TEXT NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    guardian_id TEXT NULL REFERENCES guardians (id),
    PRIMARY KEY (request_id, position)
);

-- SQLite cannot drop NOT NULL or add a table constraint, so the outbox is rebuilt as SQLite documents
-- (https://www.sqlite.org/lang_altertable.html#otheralter), keeping every row as a reminder. No table refers to
-- notifications, so the foreign keys can stay on.
CREATE TABLE notifications_new (
    id                 TEXT PRIMARY KEY,
    kind               TEXT NOT NULL DEFAULT 'reminder' CHECK (kind IN ('reminder', 'certificate-request')),
    certificate_id     TEXT NULL REFERENCES certificates (id),
    guardian_id        TEXT NULL REFERENCES guardians (id),
    threshold_days     INTEGER NULL CHECK (threshold_days >= 0),
    request_id         TEXT NULL,
    recipient_position INTEGER NULL,
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
    CHECK ((status = 'sending') = (lease_until IS NOT NULL)),
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);

INSERT INTO notifications_new (id, kind, certificate_id, guardian_id, threshold_days, status, attempts, next_attempt_at,
    lease_until, last_error, created_at, sent_at)
SELECT id, 'reminder', certificate_id, guardian_id, threshold_days, status, attempts, next_attempt_at,
    lease_until, last_error, created_at, sent_at
FROM notifications;

DROP TABLE notifications;

ALTER TABLE notifications_new RENAME TO notifications;

CREATE INDEX ix_notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX ix_notifications_created ON notifications (created_at);
