-- Certificate requests (begäran om egenvårdsintyg): a school unit asks for a certificate through the child's guardians.
-- At most one open request per school unit and child: the partial unique index decides between two schools' staff asking
-- at once. The registry e-mails the guardians through the outbox, which so far carried only reminders: it gains a kind,
-- and a request row points at the request's recipient it goes to (one per request and recipient).

CREATE TABLE certificate_requests (
    id               uuid PRIMARY KEY,
    reference        text NOT NULL UNIQUE CHECK (reference ~ '^BEG-[0-9A-Z]{4}-[0-9A-Z]{2}$'),
    child_id         uuid NOT NULL REFERENCES children (id),
    child_name       text NOT NULL CHECK (length(child_name) BETWEEN 1 AND 200),
    school_unit      text NOT NULL CHECK (length(school_unit) = 8),
    school_unit_name text NULL CHECK (length(school_unit_name) BETWEEN 1 AND 200),
    message          text NULL CHECK (length(message) BETWEEN 1 AND 500),
    status           text NOT NULL CHECK (status IN ('open', 'withdrawn', 'fulfilled', 'expired')),
    created_at       timestamptz NOT NULL,
    created_by_id    text NOT NULL,
    created_by_name  text NOT NULL,
    closed_at        timestamptz NULL,
    closed_by        text NULL,
    certificate_id   uuid NULL REFERENCES certificates (id),
    CHECK ((status = 'open') = (closed_at IS NULL)),
    CHECK ((status = 'fulfilled') = (certificate_id IS NOT NULL))
);
CREATE UNIQUE INDEX ux_certificate_requests_open ON certificate_requests (school_unit, child_id) WHERE status = 'open';
CREATE INDEX ix_certificate_requests_child ON certificate_requests (child_id);
CREATE INDEX ix_certificate_requests_open_created ON certificate_requests (created_at) WHERE status = 'open';

CREATE TABLE certificate_request_measures (
    request_id uuid NOT NULL REFERENCES certificate_requests (id),
    position   integer NOT NULL CHECK (position >= 0),
    code       text NOT NULL CHECK (code IN ('insulin', 'blood-glucose', 'adrenaline', 'inhaler', 'seizure-medication',
                   'oral-medication', 'tube-feeding', 'catheterisation', 'stoma-care', 'oxygen', 'other')),
    PRIMARY KEY (request_id, position),
    UNIQUE (request_id, code)
);

-- Whom the request was e-mailed to: the guardians the school named, or those the registry knew from the child's latest
-- certificate (guardian_id set). The school never reads these back.
CREATE TABLE certificate_request_recipients (
    request_id  uuid NOT NULL REFERENCES certificate_requests (id),
    position    integer NOT NULL CHECK (position BETWEEN 0 AND 1),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email       text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    guardian_id uuid NULL REFERENCES guardians (id),
    PRIMARY KEY (request_id, position)
);

ALTER TABLE notifications
    ADD COLUMN kind text NOT NULL DEFAULT 'reminder' CHECK (kind IN ('reminder', 'certificate-request')),
    ADD COLUMN request_id uuid NULL,
    ADD COLUMN recipient_position integer NULL,
    ALTER COLUMN certificate_id DROP NOT NULL,
    ALTER COLUMN guardian_id DROP NOT NULL,
    ALTER COLUMN threshold_days DROP NOT NULL,
    ADD CONSTRAINT notifications_request_recipient_key UNIQUE (request_id, recipient_position),
    ADD CONSTRAINT notifications_request_recipient_fkey FOREIGN KEY (request_id, recipient_position)
        REFERENCES certificate_request_recipients (request_id, position),
    ADD CONSTRAINT notifications_reminder_check CHECK (kind <> 'reminder' OR (certificate_id IS NOT NULL
        AND guardian_id IS NOT NULL AND threshold_days IS NOT NULL AND request_id IS NULL AND recipient_position IS NULL)),
    ADD CONSTRAINT notifications_request_check CHECK (kind <> 'certificate-request' OR (request_id IS NOT NULL
        AND recipient_position IS NOT NULL AND certificate_id IS NULL AND guardian_id IS NULL AND threshold_days IS NULL));
