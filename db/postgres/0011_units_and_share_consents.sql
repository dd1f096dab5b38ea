-- The unit directory, and the guardians' consent to which units see a certificate.
--
-- A unit id is a school unit's skolenhetskod (8 digits) or a preschool id of the registry's own: 'F', the 4-digit
-- municipality code and a 3-character serial (F1980001). Both are 8 characters, so the unit columns of earlier tables
-- (certificate_shares.school_unit, staff_instructions.school_unit, concerns.school_unit: CHECK length = 8) take
-- preschools as they are; the letter keeps the two forms from colliding.
--
-- The folded columns hold the name and municipality in lower case (composed Unicode), computed by the service, so that
-- a search is case-insensitive for å, ä and ö alike on both engines (lower() here depends on the database's locale).

CREATE TABLE units (
    id                  text PRIMARY KEY CHECK (length(id) = 8),
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind                text NOT NULL CHECK (kind IN ('forskola', 'skola', 'fritidshem')),
    municipality        text NOT NULL CHECK (length(municipality) BETWEEN 1 AND 100),
    organiser           text NOT NULL CHECK (length(organiser) BETWEEN 1 AND 200),
    contact_email       text NULL,
    name_folded         text NOT NULL,
    municipality_folded text NOT NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    -- A preschool id belongs to a förskola, and only to one.
    CHECK ((kind = 'forskola') = (substr(id, 1, 1) = 'F'))
);
CREATE INDEX ix_units_name ON units (name_folded);

-- Every change to the units that can see a certificate, in order: a guardian adding or withdrawing a unit, or a clinician
-- sharing at issue or renewal (at the guardian's request, or carried over from the renewed certificate). Append-only:
-- a row is never changed. The actor is a guardian's internal id (guardians.id), never a personnummer, or an HSA-id.
CREATE TABLE share_consents (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    certificate_id uuid NOT NULL REFERENCES certificates (id),
    unit_id        text NOT NULL CHECK (length(unit_id) = 8),
    change         text NOT NULL CHECK (change IN ('add', 'withdraw')),
    basis          text NOT NULL CHECK (basis IN ('guardian', 'at-guardians-request', 'carried-over')),
    actor_role     text NOT NULL CHECK (actor_role IN ('guardian', 'clinician')),
    actor_id       text NOT NULL CHECK (length(actor_id) > 0),
    actor_name     text NOT NULL,
    occurred_at    timestamptz NOT NULL,
    CHECK ((basis = 'guardian') = (actor_role = 'guardian')),
    CHECK (change = 'add' OR basis = 'guardian')
);
CREATE INDEX ix_share_consents_certificate ON share_consents (certificate_id);

CREATE FUNCTION share_consents_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (UPDATE refused)', TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER share_consents_no_update
    BEFORE UPDATE ON share_consents
    FOR EACH ROW EXECUTE FUNCTION share_consents_append_only();
