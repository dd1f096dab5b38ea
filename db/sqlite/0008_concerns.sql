-- Concerns: a school unit reports that the egenvård does not work on a certificate shared with it, and a clinician of
-- the issuing care unit answers once. A concern never changes its certificate; what followed (a renewal, a revocation)
-- is read from the certificate itself.

CREATE TABLE concerns (
    id                 TEXT PRIMARY KEY,
    certificate_id     TEXT NOT NULL REFERENCES certificates (id),
    school_unit        TEXT NOT NULL CHECK (length(school_unit) = 8),
    category           TEXT NOT NULL CHECK (category IN ('instructions-unclear', 'child-refuses', 'incident', 'staffing', 'other')),
    urgent             INTEGER NOT NULL CHECK (urgent IN (0, 1)),
    description        TEXT NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    guardians_informed INTEGER NOT NULL CHECK (guardians_informed IN (0, 1)),
    status             TEXT NOT NULL CHECK (status IN ('open', 'answered')),
    reported_at        TEXT NOT NULL,
    reported_by_id     TEXT NOT NULL,
    reported_by_name   TEXT NOT NULL,
    answer_text        TEXT NULL CHECK (length(answer_text) BETWEEN 1 AND 2000),
    reassessment_on    TEXT NULL,
    answered_at        TEXT NULL,
    answered_by_hsa_id TEXT NULL,
    answered_by_name   TEXT NULL,
    CHECK ((status = 'answered') = (answer_text IS NOT NULL)),
    CHECK ((status = 'answered') = (answered_at IS NOT NULL)),
    CHECK ((status = 'answered') = (answered_by_hsa_id IS NOT NULL)),
    CHECK (reassessment_on IS NULL OR status = 'answered')
);
CREATE INDEX ix_concerns_certificate ON concerns (certificate_id);
CREATE INDEX ix_concerns_open ON concerns (reported_at) WHERE status = 'open';
