-- Every state a certificate has been in, so history is never overwritten: issued (or renewed) as version 1,
-- then replaced or revoked. A certificate is replaced at most once.

CREATE TABLE certificate_history (
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    version        INTEGER NOT NULL CHECK (version > 0),
    status         TEXT NOT NULL CHECK (status IN ('active', 'revoked', 'replaced')),
    change         TEXT NOT NULL CHECK (change IN ('issued', 'renewed', 'replaced', 'revoked')),
    changed_at     TEXT NOT NULL,
    changed_by     TEXT NOT NULL,
    reason         TEXT NULL,
    PRIMARY KEY (certificate_id, version)
);

INSERT INTO certificate_history (certificate_id, version, status, change, changed_at, changed_by)
SELECT id, 1, 'active', 'issued', issued_at, issued_by_sub FROM certificates;

CREATE UNIQUE INDEX ux_certificates_replaces ON certificates (replaces) WHERE replaces IS NOT NULL;
