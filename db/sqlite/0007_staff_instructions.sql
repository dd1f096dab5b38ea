-- Which school staff were instructed in a certificate's egenvård, by whom and when: the principal's routine that makes
-- sure the staff who help are instructed. An entry belongs to the school unit that recorded it. History is kept: an
-- entry is never changed, and a removal (the staff member left) is a row of its own. A renewal that keeps the measures
-- carries the current entries over, each pointing at the entry it was carried from.

CREATE TABLE staff_instructions (
    id             TEXT PRIMARY KEY,
    certificate_id TEXT NOT NULL REFERENCES certificates (id),
    school_unit    TEXT NOT NULL CHECK (length(school_unit) = 8),
    staff_name     TEXT NOT NULL CHECK (length(staff_name) > 0),
    staff_role     TEXT NOT NULL CHECK (length(staff_role) > 0),
    instructed_by  TEXT NOT NULL CHECK (length(instructed_by) > 0),
    instructed_on  TEXT NOT NULL,
    recorded_at    TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    carried_from   TEXT NULL REFERENCES staff_instructions (id)
);
CREATE INDEX ix_staff_instructions_certificate ON staff_instructions (certificate_id, school_unit);

-- At most one removal per entry: the key decides two removals racing for one entry.
CREATE TABLE staff_instruction_removals (
    instruction_id TEXT PRIMARY KEY REFERENCES staff_instructions (id),
    removed_at     TEXT NOT NULL,
    removed_by     TEXT NOT NULL
);

CREATE TRIGGER staff_instructions_no_update BEFORE UPDATE ON staff_instructions
BEGIN
    SELECT RAISE(ABORT, 'staff_instructions is append-only');
END;

CREATE TRIGGER staff_instruction_removals_no_update BEFORE UPDATE ON staff_instruction_removals
BEGIN
    SELECT RAISE(ABORT, 'staff_instruction_removals is append-only');
END;

-- The staff currently recorded as instructed: entries without a removal.
CREATE VIEW current_staff_instructions AS
SELECT i.id, i.certificate_id, i.school_unit, i.staff_name, i.staff_role, i.instructed_by, i.instructed_on,
       i.recorded_at, i.recorded_by, i.carried_from
FROM staff_instructions i
WHERE NOT EXISTS (SELECT 1 FROM staff_instruction_removals r WHERE r.instruction_id = i.id);
