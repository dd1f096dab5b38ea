-- Which school staff were instructed in a certificate's egenvård, by whom and when: the principal's routine that makes
-- sure the staff who help are instructed. An entry belongs to the school unit that recorded it. History is kept: an
-- entry is never changed, and a removal (the staff member left) is a row of its own. A renewal that keeps the measures
-- carries the current entries over, each pointing at the entry it was carried from.

CREATE TABLE staff_instructions (
    id             uuid PRIMARY KEY,
    certificate_id uuid NOT NULL REFERENCES certificates (id),
    school_unit    text NOT NULL CHECK (length(school_unit) = 8),
    staff_name     text NOT NULL CHECK (length(staff_name) > 0),
    staff_role     text NOT NULL CHECK (length(staff_role) > 0),
    instructed_by  text NOT NULL CHECK (length(instructed_by) > 0),
    instructed_on  date NOT NULL,
    recorded_at    timestamptz NOT NULL,
    recorded_by    text NOT NULL,
    carried_from   uuid NULL REFERENCES staff_instructions (id)
);
CREATE INDEX ix_staff_instructions_certificate ON staff_instructions (certificate_id, school_unit);

-- At most one removal per entry: the key decides two removals racing for one entry.
CREATE TABLE staff_instruction_removals (
    instruction_id uuid PRIMARY KEY REFERENCES staff_instructions (id),
    removed_at     timestamptz NOT NULL,
    removed_by     text NOT NULL
);

CREATE FUNCTION staff_instructions_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only (UPDATE refused)', TG_TABLE_NAME;
END;
$$;

CREATE TRIGGER staff_instructions_no_update
    BEFORE UPDATE ON staff_instructions
    FOR EACH ROW EXECUTE FUNCTION staff_instructions_append_only();

CREATE TRIGGER staff_instruction_removals_no_update
    BEFORE UPDATE ON staff_instruction_removals
    FOR EACH ROW EXECUTE FUNCTION staff_instructions_append_only();

-- The staff currently recorded as instructed: entries without a removal.
CREATE VIEW current_staff_instructions AS
SELECT i.id, i.certificate_id, i.school_unit, i.staff_name, i.staff_role, i.instructed_by, i.instructed_on,
       i.recorded_at, i.recorded_by, i.carried_from
FROM staff_instructions i
WHERE NOT EXISTS (SELECT 1 FROM staff_instruction_removals r WHERE r.instruction_id = i.id);
