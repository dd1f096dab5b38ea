-- Core schema: children, guardians, certificates with their measures and school-unit shares, audit.
-- Ids are UUID text; dates are ISO 'yyyy-MM-dd' text; instants are UTC ISO-8601 text ending in Z.

CREATE TABLE children (
    id           TEXT PRIMARY KEY,
    personnummer TEXT NOT NULL UNIQUE CHECK (length(personnummer) = 12),
    name         TEXT NOT NULL CHECK (length(name) > 0),
    created_at   TEXT NOT NULL
);

CREATE TABLE guardians (
    id                TEXT PRIMARY KEY,
    personnummer      TEXT NOT NULL UNIQUE CHECK (length(personnummer) = 12),
    name              TEXT NOT NULL CHECK (length(name) > 0),
    email             TEXT NULL,
    reminders_enabled INTEGER NOT NULL DEFAULT 1 CHECK (reminders_enabled IN (0, 1)),
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE certificates (
    id                   TEXT PRIMARY KEY,
    child_id             TEXT NOT NULL REFERENCES children (id),
    child_name           TEXT NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('active', 'revoked', 'replaced')),
    version              INTEGER NOT NULL CHECK (version > 0),
    valid_from           TEXT NOT NULL,
    valid_until          TEXT NOT NULL,
    follow_up_on         TEXT NOT NULL,
    instruction_given_by TEXT NOT NULL,
    care_unit_hsa_id     TEXT NOT NULL,
    care_unit_name       TEXT NOT NULL,
    care_unit_phone      TEXT NOT NULL,
    issued_at            TEXT NOT NULL,
    issued_by_sub        TEXT NOT NULL,
    issued_by_hsa_id     TEXT NOT NULL,
    issued_by_name       TEXT NOT NULL,
    issued_by_profession TEXT NULL,
    replaces             TEXT NULL REFERENCES certificates (id),
    replaced_by          TEXT NULL REFERENCES certificates (id),
    revoked_at           TEXT NULL,
    revoked_by           TEXT NULL,
    revocation_reason    TEXT NULL,
    CHECK (valid_from <= valid_until),
    CHECK (follow_up_on BETWEEN valid_from AND valid_until),
    CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);
CREATE INDEX ix_certificates_child ON certificates (child_id);
CREATE INDEX ix_certificates_care_unit ON certificates (care_unit_hsa_id);
CREATE INDEX ix_certificates_active_until ON certificates (valid_until) WHERE status = 'active';

CREATE TABLE certificate_guardians (
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    guardian_id    TEXT NOT NULL REFERENCES guardians (id),
    position       INTEGER NOT NULL CHECK (position BETWEEN 0 AND 1),
    name           TEXT NOT NULL,
    PRIMARY KEY (certificate_id, guardian_id),
    UNIQUE (certificate_id, position)
);
CREATE INDEX ix_certificate_guardians_guardian ON certificate_guardians (guardian_id);

CREATE TABLE certificate_measures (
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    position       INTEGER NOT NULL CHECK (position >= 0),
    code           TEXT NOT NULL CHECK (code IN ('insulin', 'blood-glucose', 'adrenaline', 'inhaler',
                       'seizure-medication', 'tube-feeding', 'catheterisation', 'stoma-care', 'oxygen', 'other')),
    description    TEXT NULL,
    performer      TEXT NOT NULL CHECK (performer IN ('child', 'staff', 'child-with-staff')),
    instructions   TEXT NOT NULL,
    if_harm        TEXT NOT NULL,
    if_changed     TEXT NOT NULL,
    PRIMARY KEY (certificate_id, position),
    CHECK (code <> 'other' OR description IS NOT NULL)
);

CREATE TABLE certificate_shares (
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    school_unit    TEXT NOT NULL CHECK (length(school_unit) = 8),
    PRIMARY KEY (certificate_id, school_unit)
);
CREATE INDEX ix_certificate_shares_school_unit ON certificate_shares (school_unit);

CREATE TABLE audit_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at    TEXT NOT NULL,
    actor_role     TEXT NOT NULL,
    actor_id       TEXT NOT NULL,
    actor_unit     TEXT NULL,
    action         TEXT NOT NULL,
    certificate_id TEXT NULL,
    child_id       TEXT NULL,
    outcome        TEXT NOT NULL
);
CREATE INDEX ix_audit_events_certificate ON audit_events (certificate_id);
CREATE INDEX ix_audit_events_child ON audit_events (child_id);
