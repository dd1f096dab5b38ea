-- The unit directory, and the guardians' consent to which units see a certificate.
--
-- A unit id is a school unit's skolenhetskod (8 digits) or a preschool id of the registry's own: 'F', the 4-digit
-- municipality code and a 3-character serial (F1980001). Both are 8 characters, so the unit columns of earlier tables
-- (certificate_shares.school_unit, staff_instructions.school_unit, concerns.school_unit: CHECK length = 8) take
-- preschools as they are; the letter keeps the two forms from colliding.
--
-- The folded columns hold the name and municipality in lower case (composed Unicode), computed by the service, so that
-- a search is case-insensitive for å, ä and ö alike on both engines (SQLite's lower() and LIKE fold ASCII only).

CREATE TABLE units (
    id                  TEXT PRIMARY KEY CHECK (length(id) = 8),
    name                TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind                TEXT NOT NULL CHECK (kind IN ('forskola', 'skola', 'fritidshem')),
    municipality        TEXT NOT NULL CHECK (length(municipality) BETWEEN 1 AND 100),
    organiser           TEXT NOT NULL CHECK (length(organiser) BETWEEN 1 AND 200),
    contact_email       TEXT NULL,
    name_folded         TEXT NOT NULL,
    municipality_folded TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    -- A preschool id belongs to a förskola, and only to one.
    CHECK ((kind = 'forskola') = (substr(id, 1, 1) = 'F'))
);
CREATE INDEX ix_units_name ON units (name_folded);

-- Every change to the units that can see a certificate, in order: a guardian adding or withdrawing a unit, or a clinician
-- sharing at issue or renewal (at the guardian's request, or carried over from the renewed certificate). Append-only:
-- a row is never changed. The actor is a guardian's internal id (guardians.id), never a personnummer, or an HSA-id.
CREATE TABLE share_consents (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    unit_id        TEXT NOT NULL CHECK (length(unit_id) = 8),
    change         TEXT NOT NULL CHECK (change IN ('add', 'withdraw')),
    basis          TEXT NOT NULL CHECK (basis IN ('guardian', 'at-guardians-request', 'carried-over')),
    actor_role     TEXT NOT NULL CHECK (actor_role IN ('guardian', 'clinician')),
    actor_id       TEXT NOT NULL CHECK (length(actor_id) > 0),
    actor_name     TEXT NOT NULL,
    occurred_at    TEXT NOT NULL,
    CHECK ((basis = 'guardian') = (actor_role = 'guardian')),
    CHECK (change = 'add' OR basis = 'guardian')
);
CREATE INDEX ix_share_consents_certificate ON share_consents (certificate_id);

CREATE TRIGGER share_consents_no_update BEFORE UPDATE ON share_consents
BEGIN
    SELECT RAISE(ABORT, 'share_consents is append-only');
END;
