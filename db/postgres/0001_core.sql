-- Core schema: children, guardians, certificates with their measures and school-unit shares, audit.

CREATE TABLE children (
    id           uuid PRIMARY KEY,
    personnummer text NOT NULL UNIQUE CHECK (length(personnummer) = 12),
    name         text NOT NULL CHECK (length(name) > 0),
    created_at   timestamptz NOT NULL
);

CREATE TABLE guardians (
    id                uuid PRIMARY KEY,
    personnummer      text NOT NULL UNIQUE CHECK (length(personnummer) = 12),
    name              text NOT NULL CHECK (length(name) > 0),
    email             text NULL,
    reminders_enabled boolean NOT NULL DEFAULT true,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL
);

CREATE TABLE certificates (
    id                   uuid PRIMARY KEY,
    child_id             uuid NOT NULL REFERENCES children (id),
    child_name           text NOT NULL,
    status               text NOT NULL CHECK (status IN ('active', 'revoked', 'replaced')),
    version              integer NOT NULL CHECK (version > 0),
    valid_from           date NOT NULL,
    valid_until          date NOT NULL,
    follow_up_on         date NOT NULL,
    instruction_given_by text NOT NULL,
    care_unit_hsa_id     text NOT NULL,
    care_unit_name       text NOT NULL,
    care_unit_phone      text NOT NULL,
    issued_at            timestamptz NOT NULL,
    issued_by_sub        text NOT NULL,
    issued_by_hsa_id     text NOT NULL,
    issued_by_name       text NOT NULL,
    issued_by_profession text NULL,
    replaces             uuid NULL REFERENCES certificates (id),
    replaced_by          uuid NULL REFERENCES certificates (id),
    revoked_at           timestamptz NULL,
    revoked_by           text NULL,
    revocation_reason    text NULL,
    CHECK (valid_from <= valid_until),
    CHECK (follow_up_on BETWEEN valid_from AND valid_until),
    CHECK ((status = 'revoked') = (revoked_at IS NOT NULL))
);
CREATE INDEX ix_certificates_child ON certificates (child_id);
CREATE INDEX ix_certificates_care_unit ON certificates (care_unit_hsa_id);
CREATE INDEX ix_certificates_active_until ON certificates (valid_until) WHERE status = 'active';

CREATE TABLE certificate_guardians (
    certificate_id uuid NOT NULL REFERENCES certificates (id),
    guardian_id    uuid NOT NULL REFERENCES guardians (id),
    position       integer NOT NULL CHECK (position BETWEEN 0 AND 1),
    name           text NOT NULL,
    PRIMARY KEY (certificate_id, guardian_id),
    UNIQUE (certificate_id, position)
);
CREATE INDEX ix_certificate_guardians_guardian ON certificate_guardians (guardian_id);

CREATE TABLE certificate_measures (
    certificate_id uuid NOT NULL REFERENCES certificates (id),
    position       integer NOT NULL CHECK (position >= 0),
    code           text NOT NULL CHECK (code IN ('insulin', 'blood-glucose', 'adrenaline', 'inhaler',
                       'seizure-medication', 'tube-feeding', 'catheterisation', 'stoma-care', 'oxygen', 'other')),
    description    text NULL,
    performer      text NOT NULL CHECK (performer IN ('child', 'staff', 'child-with-staff')),
    instructions   text NOT NULL,
    if_harm        text NOT NULL,
    if_changed     text NOT NULL,
    PRIMARY KEY (certificate_id, position),
    CHECK (code <> 'other' OR description IS NOT NULL)
);

CREATE TABLE certificate_shares (
    certificate_id uuid NOT NULL REFERENCES certificates (id),
    school_unit    text NOT NULL CHECK (length(school_unit) = 8),
    PRIMARY KEY (certificate_id, school_unit)
);
CREATE INDEX ix_certificate_shares_school_unit ON certificate_shares (school_unit);

CREATE TABLE audit_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at    timestamptz NOT NULL,
    actor_role     text NOT NULL,
    actor_id       text NOT NULL,
    actor_unit     text NULL,
    action         text NOT NULL,
    certificate_id uuid NULL,
    child_id       uuid NULL,
    outcome        text NOT NULL
);
CREATE INDEX ix_audit_events_certificate ON audit_events (certificate_id);
CREATE INDEX ix_audit_events_child ON audit_events (child_id);
