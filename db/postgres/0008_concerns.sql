-- Concerns: a school unit reports that the egenvård does not work on a certificate shared with it, and a clinician of
-- the issuing care unit answers once. A concern never changes its certificate; what followed (a renewal, a revocation)
-- is read from the certificate itself.

CREATE TABLE concerns (
    id                 uuid PRIMARY KEY,
    certificate_id     uuid NOT NULL REFERENCES certificates (id),
    school_unit        text NOT NULL CHECK (length(school_unit) = 8),
    category           text NOT NULL CHECK (category IN ('instructions-unclear', 'child-refuses', 'incident', 'staffing', 'other')),
    urgent             boolean NOT NULL,
    description        text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    guardians_informed boolean NOT NULL,
    status             text NOT NULL CHECK (status IN ('open', 'answered')),
    reported_at        timestamptz NOT NULL,
    reported_by_id     text NOT NULL,
    reported_by_name   text NOT NULL,
    answer_text        text NULL CHECK (length(answer_text) BETWEEN 1 AND 2000),
    reassessment_on    date NULL,
    answered_at        timestamptz NULL,
    answered_by_hsa_id text NULL,
    answered_by_name   text NULL,
    CHECK ((status = 'answered') = (answer_text IS NOT NULL)),
    CHECK ((status = 'answered') = (answered_at IS NOT NULL)),
    CHECK ((status = 'answered') = (answered_by_hsa_id IS NOT NULL)),
    CHECK (reassessment_on IS NULL OR status = 'answered')
);
CREATE INDEX ix_concerns_certificate ON concerns (certificate_id);
CREATE INDEX ix_concerns_open ON concerns (reported_at) WHERE status = 'open';
