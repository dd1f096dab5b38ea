-- Every state a certificate has been in, so history is never overwritten: issued (or renewed) as version 1,
-- then replaced or revoked. A certificate is replaced at most once.

CREATE TABLE certificate_history (
    certificate_id uuid NOT NULL REFERENCES certificates (id),
    version        integer NOT NULL CHECK (version > 0),
    status         text NOT NULL CHECK (status IN ('active', 'revoked', 'replaced')),
    change         text NOT NULL CHECK (change IN ('issued', 'renewed', 'replaced', 'revoked')),
    changed_at     timestamptz NOT NULL,
    changed_by     text NOT NULL,
    reason         text NULL,
    PRIMARY KEY (certificate_id, version)
);

INSERT INTO certificate_history (certificate_id, version, status, change, changed_at, changed_by)
SELECT id, 1, 'active', 'issued', issued_at, issued_by_sub FROM certificates;

CREATE UNIQUE INDEX ux_certificates_replaces ON certificates (replaces) WHERE replaces IS NOT NULL;
